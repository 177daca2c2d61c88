"""Group commit under `kill -9`: every progress report answered 201 is in tracking's store, and no report is half
applied (issue 13).

One `magistere up` (embedded bus) with a course, a session and a few dozen approved teachers. Sixteen threads post
progress reports as fast as they can (each with its own id and 7 seconds of time spent); the process is killed with
SIGKILL in the middle of that stream, while batches are being committed. Then the SQLite file of the session's
tracking partition is read directly:

- every report answered 201 is a row of `progress_record` (an answer means its batch committed);
- for every enrolment and activity, the seconds in `activity_progress` are exactly 7 × the reports stored for it
  (a report is stored with its effect or not at all, never one without the other);

and the restarted process serves the same progress.
"""

from __future__ import annotations

import signal
import sqlite3
import threading
import time
import uuid

from conftest import Platform, http, tracking_store

TEACHERS = 24
THREADS = 16
SECONDS_PER_REPORT = 7
RUN_BEFORE_KILL_SECONDS = 2.5


def test_every_answered_report_survives_a_kill_and_none_is_half_applied(magistere) -> None:
    data = magistere.directory / "data"
    up = magistere.start_up(data)
    up.wait_ready()
    platform = Platform.of(up)
    course = platform.publish_course()
    session = platform.schedule_session(course["courseID"], capacity=TEACHERS + 5)
    teachers = [f"gc-{uuid.uuid4().hex[:8]}" for _ in range(TEACHERS)]
    enrolments = {teacher: platform.approved_enrolment(session["id"], teacher) for teacher in teachers}
    for enrolment in enrolments.values():
        platform.wait_tracked(enrolment)
    headers = {teacher: platform.teacher(teacher) for teacher in teachers}
    url = up.url("tracking")

    answered: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def post(worker: int) -> None:
        sequence = 0
        while not stop.is_set():
            teacher = teachers[(worker + sequence * THREADS) % TEACHERS]
            report = f"w{worker}-{sequence}"
            sequence += 1
            try:
                reply = http("POST", f"{url}/enrolments/{enrolments[teacher]}/progress",
                             {"id": report, "activityID": "video", "timeSpentSeconds": SECONDS_PER_REPORT},
                             headers[teacher])
            except OSError:
                return  # the process is gone
            if reply.status == 201:
                with lock:
                    answered.append(report)

    workers = [threading.Thread(target=post, args=(index,), daemon=True) for index in range(THREADS)]
    for worker in workers:
        worker.start()
    time.sleep(RUN_BEFORE_KILL_SECONDS)
    up.process.send_signal(signal.SIGKILL)
    up.process.wait(timeout=10)
    stop.set()
    for worker in workers:
        worker.join(timeout=30)
    with lock:
        acknowledged = set(answered)
    assert len(acknowledged) >= 20, f"too few reports before the kill to mean anything: {len(acknowledged)}"

    store = sqlite3.connect(f"file:{tracking_store(data, session['id'])}?mode=ro", uri=True)
    try:
        stored = {row[0] for row in store.execute("SELECT record_id FROM progress_record")}
        missing = acknowledged - stored
        assert not missing, f"{len(missing)} reports answered 201 are not in the store: {sorted(missing)[:10]}"
        per_enrolment = dict(store.execute(
            "SELECT enrolment_id, COUNT(*) FROM progress_record WHERE activity_id = 'video' GROUP BY enrolment_id"))
        seconds = dict(store.execute(
            "SELECT enrolment_id, seconds_spent FROM activity_progress WHERE activity_id = 'video'"))
    finally:
        store.close()
    for enrolment in enrolments.values():
        assert seconds.get(enrolment, 0) == SECONDS_PER_REPORT * per_enrolment.get(enrolment, 0), \
            f"enrolment {enrolment}: {seconds.get(enrolment)} s for {per_enrolment.get(enrolment)} stored reports"
    print(f"{len(acknowledged)} reports answered before the kill, {len(stored)} stored")

    # The restarted platform serves what the store holds.
    again = magistere.start_up(data, ports={service: int(u.rsplit(":", 1)[1]) for service, u in up.urls.items()})
    again.wait_ready()
    teacher = teachers[0]
    view = http("GET", f"{again.url('tracking')}/enrolments/{enrolments[teacher]}/progress",
                headers=headers[teacher]).expect(200).json()
    video = next(a for a in view["activities"] if a["activityID"] == "video")
    assert video["secondsSpent"] == SECONDS_PER_REPORT * per_enrolment.get(enrolments[teacher], 0)
