"""A district's year over RabbitMQ (issue 16): needs, a training plan published and announced, its teachers
designated, its session run, completions arriving from tracking, and the coverage report moving.

`magistere up --transport amqp` on the test broker, with an exchange of its own (nothing mixes with other tests'
events). An outside subscriber — plain pika, none of our code — binds its own queue to the exchange for the plan's
event and tracking's completions, as the academy's information system would. Checked:

- the inspector's plan is refused line by line when it names a session of another district, then drafted, published
  and announced ONCE as `enrolment.plan.published.v1` (a CloudEvent valid against its JSON Schema, with the plan's
  sessions, course version, minutes and assignments); the published version cannot be rewritten (409);
- designations from the plan enrol both teachers (approved), and running them again designates nobody twice;
- one teacher works through the course and her trainer takes attendance: tracking's completion reaches the outside
  queue, enrolment consumes it, and the district's coverage shows her hours as done (no longer planned), while the
  other teacher's stay planned.

Every wait is bounded; the processes are stopped at teardown and a failure prints the tail of their logs.
"""

from __future__ import annotations

import json
import time
import urllib.parse
import uuid

import jsonschema
import pika

from conftest import REPO, Platform, http, poll
from test_load_generator import broker, delete, purge

PLAN_EVENT = "enrolment.plan.published.v1"
COMPLETED = "tracking.course.completed.v1"
DISTRICT = "Lyon 3e"
WAIT_SECONDS = 30


def receive(connection: pika.BlockingConnection, channel, queue: str, routing_key: str, timeout: float) -> list[dict]:
    """Every message of `routing_key` on the queue within `timeout` seconds (others are dropped)."""
    found = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        method, _properties, body = channel.basic_get(queue, auto_ack=True)
        if method is None:
            connection.sleep(0.05)
        elif method.routing_key == routing_key:
            found.append(json.loads(body))
    return found


def test_a_published_plan_is_announced_designated_run_and_covered(magistere, amqp_url, tmp_path) -> None:
    exchange = f"magistere.test.{uuid.uuid4().hex[:12]}"
    purge(amqp_url, ["enrolment.events", "tracking.events"])
    up = magistere.start_up(tmp_path / "data", extra=["--transport", "amqp", "--amqp-url", amqp_url,
                                                      "--exchange", exchange, "--no-seed"])
    connection = None
    try:
        up.wait_ready()
        platform = Platform.of(up)
        platform.wait = WAIT_SECONDS
        inspector = up.tokens.bearer("ien-test-03", "inspector", academy="lyon", districts=(DISTRICT,))
        district = f"{platform.enrolment}/academies/lyon/districts/{urllib.parse.quote(DISTRICT)}"
        run = uuid.uuid4().hex[:8]
        first, second = f"ens-{run}-1", f"ens-{run}-2"

        course = platform.publish_course()
        session = platform.schedule_session(course["courseID"], capacity=5, mode="designation")
        year = "2026-2027"  # the session starts in January 2027
        needs = ("theme,domain,priority,teacherID,hoursWished\n"
                 f"Calcul en ligne,Mathématiques,1,{first},6\nCalcul en ligne,Mathématiques,1,{second},6\n")
        http("PUT", f"{district}/needs/{year}", headers=inspector, raw=needs.encode(),
             content_type="text/csv").expect(200)
        elsewhere = dict(session)
        other = http("POST", f"{platform.enrolment}/sessions", {
            "course": {"courseID": course["courseID"], "version": 1}, "academy": "lyon", "schoolLevel": "primary",
            "district": "Villeurbanne", "capacity": 5, "mode": "designation", "trainerIDs": ["trainer-test-07"],
            "calendar": elsewhere["calendar"]}, platform.manager()).expect(201).json()

        connection = broker(amqp_url)
        channel = connection.channel()
        channel.exchange_declare(exchange, exchange_type="topic", durable=True)
        queue = channel.queue_declare("", exclusive=True, auto_delete=True).method.queue
        for key in (PLAN_EVENT, COMPLETED):
            channel.queue_bind(queue, exchange, routing_key=key)

        plans = f"{district}/plans/{year}"
        bad = f"theme,sessionID,teacherID\nCalcul en ligne,{session['id']},{first}\nCalcul en ligne,{other['id']},{second}\n"
        refused = http("PUT", f"{plans}/versions/1", headers=inspector, raw=bad.encode(), content_type="text/csv")
        refused.expect(422)
        assert [(e["line"], e["field"]) for e in refused.json()["errors"]] == [(3, "sessionID")], refused.json()
        plan = f"theme,sessionID,teacherID\nCalcul en ligne,{session['id']},{first}\nCalcul en ligne,{session['id']},{second}\n"
        draft = http("PUT", f"{plans}/versions/1", headers=inspector, raw=plan.encode(), content_type="text/csv")
        assert draft.expect(200).json()["state"] == "draft" and draft.headers["etag"] == '"1"'
        published = http("POST", f"{plans}/versions/1/publish", headers={**inspector, "If-Match": '"1"'}).expect(200)
        assert published.json()["state"] == "published"
        http("PUT", f"{plans}/versions/1", headers=inspector, raw=plan.encode(), content_type="text/csv").expect(409)

        announced = receive(connection, channel, queue, PLAN_EVENT, 5)
        assert len(announced) == 1, f"expected one {PLAN_EVENT}, got {announced}"
        event = announced[0]
        schema = json.loads((REPO / "Sources" / "Contracts" / "Schemas" / f"{PLAN_EVENT}.schema.json").read_text())
        validator = jsonschema.validators.validator_for(schema)
        validator(schema, format_checker=validator.FORMAT_CHECKER).validate(event)
        assert event["source"] == "/magistere/enrolment" and event["subject"] == f"lyon/{DISTRICT}/{year}"
        data = event["data"]
        assert (data["version"], data["district"], data["schoolYear"]) == (1, DISTRICT, year)
        assert "supersedesVersion" not in data
        assert data["assignments"] == [{"sessionID": session["id"], "teacherID": first},
                                       {"sessionID": session["id"], "teacherID": second}]
        [answer] = data["answers"]
        assert answer["theme"] == "Calcul en ligne" and answer["domain"] == "Mathématiques"
        assert answer["sessions"] == [{"sessionID": session["id"], "course": {"courseID": course["courseID"], "version": 1},
                                       "startsAt": "2027-01-25T08:00:00.000Z", "distanceMinutes": 90,
                                       "inPersonMinutes": 180}]

        designations = http("POST", f"{plans}/versions/1/designations", headers=inspector).expect(200).json()
        [outcome] = designations["sessions"]
        assert [(e["participantID"], e["state"]) for e in outcome["designated"]] == [(first, "approved"),
                                                                                   (second, "approved")]
        again = http("POST", f"{plans}/versions/1/designations", headers=inspector).expect(200).json()
        assert again["sessions"][0]["designated"] == [] and again["sessions"][0]["alreadyEnrolled"] == [first, second]

        coverage = http("GET", f"{district}/coverage/{year}", headers=inspector).expect(200).json()
        assert coverage["planVersion"] == 1
        assert [(t["doneMinutes"], t["plannedMinutes"], t["assignedMinutes"]) for t in coverage["teachers"]] == [
            (0, 270, 0), (0, 270, 0)]

        # The session runs: the first teacher completes it; tracking announces it, enrolment records it.
        enrolment_id = outcome["designated"][0]["id"]
        platform.wait_tracked(enrolment_id)
        platform.progress(enrolment_id, first, {"id": "video-1", "activityID": "video", "timeSpentSeconds": 3000,
                                                "completed": True}).expect(201)
        platform.progress(enrolment_id, first, {"id": "quiz-1", "activityID": "quiz", "score": 0.9}).expect(201)
        platform.attendance(session["id"], [{"enrolmentID": enrolment_id, "status": "present"}]).expect(200)
        completions = receive(connection, channel, queue, COMPLETED, 5)
        assert [c["data"]["participantID"] for c in completions] == [first]

        def moved():
            report = http("GET", f"{district}/coverage/{year}", headers=inspector).expect(200).json()
            return report if report["teachers"][0]["doneMinutes"] == 270 else None

        after = poll("the district's coverage to show the completion", moved, WAIT_SECONDS)
        assert [(t["teacherID"], t["doneMinutes"], t["plannedMinutes"]) for t in after["teachers"]] == [
            (first, 270, 0), (second, 0, 270)]
        assert after["short"] == [first, second], "4 h 30 each, done or planned, is short of 18 h"
    finally:
        if connection is not None and connection.is_open:
            connection.close()
        magistere.stop_all()
        delete(amqp_url, [], [exchange])
