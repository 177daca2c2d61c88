"""W3C trace context end to end over RabbitMQ (issue 17): the request that completes a course, the completion event,
and the event enrolment publishes when it records it all carry the caller's trace id, and so do the services' log
lines of the chain.

`magistere up --transport amqp` on the test broker with an exchange of its own; an outside pika queue bound to
`tracking.course.completed.v1` and `enrolment.enrolment.completed.v1`. The teacher's last step — the trainer's
attendance sheet — is sent with a `traceparent` header of the test's own making. Checked:

- the answer continues the trace (`traceresponse` names the same trace id, a span of the service's own);
- the completion (tracking) and the enrolment's completion (enrolment, caused by consuming the first) carry a
  `traceparent` with that trace id, in the CloudEvent and as an AMQP header, each a span of its own;
- a request without `traceparent` starts a trace of its own, unrelated;
- tracking's log line of the request and enrolment's log line of the event it consumed name `trace.id` (debug level
  for the requests' lines).
"""

from __future__ import annotations

import json
import re
import secrets
import time
import uuid

from conftest import Platform, http, poll
from test_district_plan import receive
from test_load_generator import broker, delete, purge

COMPLETED = "tracking.course.completed.v1"
RECORDED = "enrolment.enrolment.completed.v1"
TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$")


def test_one_trace_from_the_last_step_to_the_recorded_completion(magistere, amqp_url, tmp_path) -> None:
    exchange = f"magistere.test.{uuid.uuid4().hex[:12]}"
    purge(amqp_url, ["enrolment.events", "tracking.events"])
    up = magistere.start_up(tmp_path / "data", extra=["--transport", "amqp", "--amqp-url", amqp_url,
                                                      "--exchange", exchange, "--no-seed", "--log-level", "debug"])
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
        platform.progress(enrolment_id, teacher, {"id": "video-1", "activityID": "video", "timeSpentSeconds": 3000,
                                                  "completed": True}).expect(201)
        platform.progress(enrolment_id, teacher, {"id": "quiz-1", "activityID": "quiz", "score": 0.9}).expect(201)

        connection = broker(amqp_url)
        channel = connection.channel()
        channel.exchange_declare(exchange, exchange_type="topic", durable=True)
        queue = channel.queue_declare("", exclusive=True, auto_delete=True).method.queue
        for key in (COMPLETED, RECORDED):
            channel.queue_bind(queue, exchange, routing_key=key)

        trace_id, caller_span = secrets.token_hex(16), secrets.token_hex(8)
        sheet = {"activityID": "meeting", "entries": [{"enrolmentID": enrolment_id, "status": "present"}]}
        answer = http("POST", f"{platform.tracking}/sessions/{session['id']}/attendance", sheet,
                      {**platform.trainer(), "traceparent": f"00-{trace_id}-{caller_span}-01"}).expect(200)
        response_trace = TRACEPARENT.match(answer.headers["traceresponse"])
        assert response_trace and response_trace.group(1) == trace_id and response_trace.group(2) != caller_span

        messages = []
        deadline = time.monotonic() + 15
        while len(messages) < 2 and time.monotonic() < deadline:
            method, properties, body = channel.basic_get(queue, auto_ack=True)
            if method is None:
                connection.sleep(0.05)
            else:
                messages.append((method.routing_key, properties, json.loads(body)))
        assert sorted(key for key, _, _ in messages) == [RECORDED, COMPLETED], messages
        spans = set()
        for key, properties, event in messages:
            assert event["subject"] == enrolment_id or event["data"].get("enrolmentID") == enrolment_id, event
            carried = TRACEPARENT.match(event["traceparent"])
            assert carried and carried.group(1) == trace_id, f"{key}: {event['traceparent']}"
            assert properties.headers["traceparent"] == event["traceparent"], f"{key}: the AMQP header differs"
            spans.add(carried.group(2))
        assert len(spans) == 2 and caller_span not in spans, "each event is a span of its own in the caller's trace"

        # A request without traceparent starts a trace of its own.
        other = http("GET", f"{platform.tracking}/enrolments/{enrolment_id}/progress", headers=platform.manager())
        assert TRACEPARENT.match(other.expect(200).headers["traceresponse"]).group(1) != trace_id

        def logged():
            lines = [line for line in up.log_path.read_text(errors="replace").splitlines() if trace_id in line]
            services = {match.group(1) for line in lines if (match := re.search(r"service=(\w+)", line))}
            return lines if {"tracking", "enrolment"} <= services else None

        lines = poll("both services to log the trace id", logged, 10)
        assert all(f"trace.id={trace_id}" in line for line in lines), lines
    finally:
        if connection is not None and connection.is_open:
            connection.close()
        magistere.stop_all()
        delete(amqp_url, [], [exchange])
