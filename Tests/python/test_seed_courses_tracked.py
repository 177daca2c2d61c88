"""`magistere up` publishes the seed courses at start: every service must learn them, tracking included.

A regression of partitioned tracking: `up` declared only the plain consumers' queues before the catalogue published its
seed, and tracking's partition router is not one, so the 36 seed courses reached enrolment but never tracking; a
session of a seed course then took enrolments but refused every progress report with 409 "course version not known
yet". Here: a session of a seed course, a teacher enrolled, a progress report accepted and counted.
"""

from conftest import ACADEMY, TRAINER, Platform, http, poll

SEED_COURSE = "seed-lecture-cp"


def test_a_session_of_a_seed_course_records_progress(magistere, tmp_path):
    up = magistere.start_up(tmp_path / "data")
    up.wait_ready()
    platform = Platform.of(up)
    plan = {
        "course": {"courseID": SEED_COURSE, "version": 1}, "academy": ACADEMY, "schoolLevel": "primary",
        "district": "Lyon 3e", "capacity": 5, "mode": "open", "trainerIDs": [TRAINER],
        "calendar": {"enrolmentOpensAt": "2027-01-04T08:00:00Z", "enrolmentClosesAt": "2027-01-22T17:00:00Z",
                     "startsAt": "2027-01-25T08:00:00Z", "endsAt": "2027-03-26T17:00:00Z", "meetings": []},
    }
    session = poll("enrolment to know the seed course",
                   lambda: (lambda r: r.json() if r.status == 201 else None)(
                       http("POST", f"{platform.enrolment}/sessions", plan, platform.manager())))
    http("POST", f"{platform.enrolment}/sessions/{session['id']}/open", headers=platform.manager()).expect(200)
    enrolment = http("POST", f"{platform.enrolment}/sessions/{session['id']}/enrolments",
                     headers=platform.teacher("ens-0042")).expect(201).json()["id"]

    def tracked():
        reply = http("GET", f"{platform.tracking}/enrolments/{enrolment}/progress", headers=platform.teacher("ens-0042"))
        return reply.json() if reply.status == 200 and reply.json()["requiredTotal"] > 0 else None
    view = poll("tracking to know the enrolment and the seed course's plan", tracked)
    assert view["requiredTotal"] == 5, view  # a1–a5 of "Enseigner la lecture au CP" are required, the forum is not

    report = {"id": "seed-a1", "activityID": "a1", "timeSpentSeconds": 1500, "completed": True}
    answer = http("POST", f"{platform.tracking}/enrolments/{enrolment}/progress", report, platform.teacher("ens-0042"))
    assert answer.status == 201, answer.body
    assert answer.json()["requiredDone"] == 1
