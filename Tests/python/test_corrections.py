"""A correction across the broker (issue 18): a trainer corrects the attendance that completed a course, tracking
revokes the completion, and the teacher's record loses the hours — once.

`magistere up --transport amqp` on the test broker with an exchange of its own; an outside pika queue bound to the
completion events of both services, as a subscriber's would be. Checked:

- the completion (revision 1) and then its revocation reach the outside queue exactly once each, valid against their
  JSON Schemas, the revocation naming the completion it revokes and the hours it had credited;
- enrolment takes the training out of the teacher's record (the hours go back down), puts the enrolment back in
  progress, and announces `enrolment.enrolment.completion-revoked.v1` once;
- the same correction sent again (a retried request) announces nothing more and the record stays down;
- the correction back (present after all) completes the course as revision 2, under a new event id, and the record
  goes back up.
"""

from __future__ import annotations

import json
import time
import uuid

import jsonschema

from conftest import REPO, Platform, http, poll
from test_load_generator import broker, delete, purge

COMPLETED = "tracking.course.completed.v1"
REVOKED = "tracking.course.completion-revoked.v1"
RECORD_REVOKED = "enrolment.enrolment.completion-revoked.v1"


def drain(connection, channel, queue: str, seconds: float) -> list[tuple[str, dict]]:
    found = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        method, _properties, body = channel.basic_get(queue, auto_ack=True)
        if method is None:
            connection.sleep(0.05)
        else:
            found.append((method.routing_key, json.loads(body)))
    return found


def valid(event: dict) -> None:
    schema = json.loads((REPO / "Sources" / "Contracts" / "Schemas" / f"{event['type']}.schema.json").read_text())
    validator = jsonschema.validators.validator_for(schema)
    validator(schema, format_checker=validator.FORMAT_CHECKER).validate(event)


def test_a_corrected_attendance_takes_the_hours_out_of_the_record_once(magistere, amqp_url, tmp_path) -> None:
    exchange = f"magistere.test.{uuid.uuid4().hex[:12]}"
    purge(amqp_url, ["enrolment.events", "tracking.events"])
    up = magistere.start_up(tmp_path / "data", extra=["--transport", "amqp", "--amqp-url", amqp_url,
                                                      "--exchange", exchange, "--no-seed"])
    connection = None
    try:
        up.wait_ready()
        platform = Platform.of(up)
        platform.wait = 30
        teacher = f"ens-{uuid.uuid4().hex[:8]}"
        course = platform.publish_course()
        session = platform.schedule_session(course["courseID"])
        enrolment_id = platform.approved_enrolment(session["id"], teacher)
        platform.wait_tracked(enrolment_id)

        connection = broker(amqp_url)
        channel = connection.channel()
        channel.exchange_declare(exchange, exchange_type="topic", durable=True)
        queue = channel.queue_declare("", exclusive=True, auto_delete=True).method.queue
        for key in (COMPLETED, REVOKED, RECORD_REVOKED):
            channel.queue_bind(queue, exchange, routing_key=key)

        platform.progress(enrolment_id, teacher, {"id": "video-1", "activityID": "video", "timeSpentSeconds": 3000,
                                                  "completed": True}).expect(201)
        platform.progress(enrolment_id, teacher, {"id": "quiz-1", "activityID": "quiz", "score": 0.9}).expect(201)
        platform.attendance(session["id"], [{"enrolmentID": enrolment_id, "status": "present"}]).expect(200)
        recorded = poll("the completion in the teacher's record",
                        lambda: platform.record(teacher) if platform.record(teacher)["trainings"] else None, 30)
        hours = recorded["totalMinutes"]
        assert hours > 0

        sheet = {"activityID": "meeting", "reason": "émargement mal saisi",
                 "entries": [{"enrolmentID": enrolment_id, "status": "absent"}]}
        url = f"{platform.tracking}/sessions/{session['id']}/attendance"
        receipt = http("POST", url, sheet, platform.trainer()).expect(200).json()
        assert receipt["revokedEnrolments"] == [enrolment_id]
        http("POST", url, sheet, platform.trainer()).expect(200)  # the retried correction

        down = poll("the record to lose the training",
                    lambda: platform.record(teacher) if not platform.record(teacher)["trainings"] else None, 30)
        assert down["totalMinutes"] == 0
        enrolment = http("GET", f"{platform.enrolment}/enrolments/{enrolment_id}", headers=platform.manager())
        assert enrolment.expect(200).json()["state"] == "approved"

        events = drain(connection, channel, queue, 3)
        by_key = {key: [event for k, event in events if k == key] for key in (COMPLETED, REVOKED, RECORD_REVOKED)}
        assert [len(by_key[key]) for key in (COMPLETED, REVOKED, RECORD_REVOKED)] == [1, 1, 1], events
        for _, event in events:
            valid(event)
        completion, revocation = by_key[COMPLETED][0], by_key[REVOKED][0]
        assert completion["data"]["revision"] == 1
        assert revocation["data"]["revision"] == 1 and revocation["data"]["completionEventID"] == completion["id"]
        assert revocation["data"]["cause"] == "attendance-corrected"
        assert (revocation["data"]["distanceMinutes"] + revocation["data"]["inPersonMinutes"]) == hours
        assert by_key[RECORD_REVOKED][0]["data"]["enrolmentID"] == enrolment_id

        # Present after all: revision 2, a new id, the record back up.
        back = {**sheet, "reason": "feuille signée retrouvée",
                "entries": [{"enrolmentID": enrolment_id, "status": "present"}]}
        http("POST", url, back, platform.trainer()).expect(200)
        up_again = poll("the record to hold the training again",
                        lambda: platform.record(teacher) if platform.record(teacher)["trainings"] else None, 30)
        assert up_again["totalMinutes"] == hours
        again = drain(connection, channel, queue, 3)
        assert [(key, event["data"]["revision"]) for key, event in again] == [(COMPLETED, 2)], again
        assert again[0][1]["id"] != completion["id"]
    finally:
        if connection is not None and connection.is_open:
            connection.close()
        magistere.stop_all()
        delete(amqp_url, [], [exchange])
