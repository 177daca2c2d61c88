"""Subscribers' replays over RabbitMQ (issue 17): a subscriber that lost events asks for them again and gets every
missed one once, with its original id.

`magistere up --transport amqp` on the test broker with an exchange of its own. A witness queue, bound all along,
sees every completion as it was first published. The subscriber's own queue is bound, receives a first completion,
then is deleted (the subscriber's outage); two more teachers complete meanwhile — lost for the subscriber. It declares
its queue again and asks tracking for `tracking.course.completed.v1` since before the outage. Checked:

- the answer is 202 with the replay to follow; the replay ends `done` with every partition counted;
- the subscriber's queue receives the three completions of its academy (the one it had, and the two it missed), each
  once, with the ids and bodies the witness saw, marked `x-magistere-replay`; the first is a duplicate its inbox drops;
- a replay for another academy or another event type than the token names is 403; someone else's queue is 422;
- enrolment replays its `enrolment.enrolment.completed.v1` the same way: a queue declared after the fact receives the
  three announcements a second witness saw, with their ids (`enrolment-completed-<id>`), times and data, once each;
  the CLI asks enrolment with `--enrolment`.
"""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
import textwrap
import threading
import time
import uuid

from conftest import CLI, REPO, Platform, clean_environment, http, poll
from test_load_generator import broker, delete, purge

COMPLETED = "tracking.course.completed.v1"
ENROLMENT_COMPLETED = "enrolment.enrolment.completed.v1"


def parse_time(text: str) -> float:
    """Seconds since 1970 of an RFC 3339 UTC time with milliseconds."""
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc).timestamp()


def drain(connection, channel, queue: str, seconds: float) -> list[tuple[dict, dict]]:
    found = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        method, properties, body = channel.basic_get(queue, auto_ack=True)
        if method is None:
            connection.sleep(0.05)
        else:
            found.append((json.loads(body), properties.headers or {}))
    return found


def complete(platform: Platform, session_id: str, teacher: str) -> str:
    enrolment_id = platform.approved_enrolment(session_id, teacher)
    platform.wait_tracked(enrolment_id)
    platform.progress(enrolment_id, teacher, {"id": "video", "activityID": "video", "timeSpentSeconds": 3000,
                                              "completed": True}).expect(201)
    platform.progress(enrolment_id, teacher, {"id": "quiz", "activityID": "quiz", "score": 0.9}).expect(201)
    platform.attendance(session_id, [{"enrolmentID": enrolment_id, "status": "present"}]).expect(200)
    return enrolment_id


def test_a_subscriber_gets_back_what_it_missed_once_with_the_original_ids(magistere, amqp_url, tmp_path) -> None:
    exchange = f"magistere.test.{uuid.uuid4().hex[:12]}"
    purge(amqp_url, ["enrolment.events", "tracking.events"])
    up = magistere.start_up(tmp_path / "data", extra=["--transport", "amqp", "--amqp-url", amqp_url,
                                                      "--exchange", exchange, "--no-seed"])
    subscriber, queue = "sirh-lyon", f"subscriber.sirh-lyon.completions-{uuid.uuid4().hex[:8]}"
    witness = f"witness-{uuid.uuid4().hex[:8]}"
    enrolment_witness = f"witness-{uuid.uuid4().hex[:8]}"
    enrolment_queue = f"subscriber.sirh-lyon.enrolments-{uuid.uuid4().hex[:8]}"
    connection = None
    try:
        up.wait_ready()
        platform = Platform.of(up)
        platform.wait = 30
        connection = broker(amqp_url)
        channel = connection.channel()
        channel.exchange_declare(exchange, exchange_type="topic", durable=True)
        for name in (witness, queue):
            channel.queue_declare(name, durable=True)
            channel.queue_bind(name, exchange, routing_key=COMPLETED)
        channel.queue_declare(enrolment_witness, durable=True)
        channel.queue_bind(enrolment_witness, exchange, routing_key=ENROLMENT_COMPLETED)

        since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 5))
        course = platform.publish_course()
        session = platform.schedule_session(course["courseID"])
        run = uuid.uuid4().hex[:6]
        first = complete(platform, session["id"], f"ens-{run}-1")
        had = poll("the subscriber's first completion", lambda: drain(connection, channel, queue, 1) or None, 30)
        assert [event["data"]["enrolmentID"] for event, _ in had] == [first]

        # The subscriber's outage: its queue is gone while two more teachers complete.
        channel.queue_delete(queue)
        missed = [complete(platform, session["id"], f"ens-{run}-{n}") for n in (2, 3)]
        witnessed = []
        while len(witnessed) < 3:
            witnessed += poll("the witness to see the completions", lambda: drain(connection, channel, witness, 1) or None,
                              30)
        by_enrolment = {event["data"]["enrolmentID"]: event for event, _ in witnessed}
        assert set(by_enrolment) == {first, *missed}

        # Back: the queue declared again, and the replay asked for.
        channel.queue_declare(queue, durable=True)
        channel.queue_bind(queue, exchange, routing_key=COMPLETED)
        token = up.tokens.bearer(subscriber, "subscriber", academy="lyon", events=(COMPLETED,))
        request = {"eventType": COMPLETED, "since": since, "queue": queue}
        accepted = http("POST", f"{platform.tracking}/replays", request, token).expect(202)
        replay = accepted.json()
        assert accepted.headers["location"] == f"/replays/{replay['id']}" and replay["state"] == "running"

        def finished():
            view = http("GET", f"{platform.tracking}/replays/{replay['id']}", headers=token).expect(200).json()
            return view if view["state"] != "running" else None
        final = poll("the replay to finish", finished, 60)
        assert final["state"] == "done", final
        assert final["partitionsDone"] == final["partitions"] == 32 and final["eventsSent"] == 3, final

        replayed = drain(connection, channel, queue, 3)
        ids = [event["id"] for event, _ in replayed]
        assert sorted(ids) == sorted(event["id"] for event in by_enrolment.values()), replayed
        assert len(ids) == len(set(ids)) == 3, "each once"
        for event, headers in replayed:
            original = by_enrolment[event["data"]["enrolmentID"]]
            assert event["data"] == original["data"] and event["time"] == original["time"], (event, original)
            assert headers.get("x-magistere-replay") == replay["id"]

        # The operator's CLI follows it, and asks for one on the subscriber's behalf (the same three events again).
        cli = [str(CLI), "replays"]
        shown = subprocess.run([*cli, "show", replay["id"], "--tracking", platform.tracking,
                                "--data-dir", str(tmp_path / "data")], capture_output=True, text=True, timeout=60)
        assert shown.returncode == 0 and json.loads(shown.stdout)["state"] == "done", shown.stdout + shown.stderr
        again = subprocess.run([*cli, "request", "--tracking", platform.tracking, "--data-dir", str(tmp_path / "data"),
                                "--for", subscriber, "--academy", "lyon", "--since", since, "--queue", queue],
                               capture_output=True, text=True, timeout=120)
        assert again.returncode == 0 and "done: 3 event(s) sent, 32/32 partitions" in again.stdout, \
            again.stdout + again.stderr
        assert sorted(event["id"] for event, _ in drain(connection, channel, queue, 2)) == sorted(ids)

        # The trainer's table says how complete it is: every event sent before X-Consistent-Through is applied, the
        # last approval included once tracking has caught up (sampled every few seconds).
        approved_by = time.time()
        def consistent():
            answer = http("GET", f"{platform.tracking}/sessions/{session['id']}/progress", headers=platform.trainer())
            through = answer.expect(200).headers.get("x-consistent-through")
            return through if through and parse_time(through) >= approved_by else None
        poll("the trainer's table to be consistent through the last approval", consistent, 45)

        # Refused: another academy, an event type the token does not name, someone else's queue.
        http("POST", f"{platform.tracking}/replays", {**request, "academy": "nantes"}, token).expect(403)
        other_type = {**request, "eventType": "tracking.course.completion-revoked.v1"}
        http("POST", f"{platform.tracking}/replays", other_type, token).expect(403)
        http("POST", f"{platform.tracking}/replays", {**request, "queue": "enrolment.events"}, token).expect(422)

        # Enrolment's completions: the subscriber's queue is declared now, after all three were announced.
        announced = []
        while len(announced) < 3:
            announced += poll("enrolment's three completions", lambda: drain(connection, channel, enrolment_witness, 1)
                              or None, 30)
        assert sorted(event["id"] for event, _ in announced) == sorted(
            f"enrolment-completed-{enrolment_id}" for enrolment_id in (first, *missed))
        channel.queue_declare(enrolment_queue, durable=True)
        enrolment_token = up.tokens.bearer(subscriber, "subscriber", academy="lyon", events=(ENROLMENT_COMPLETED,))
        enrolment_request = {"eventType": ENROLMENT_COMPLETED, "since": since, "queue": enrolment_queue}
        asked = http("POST", f"{platform.enrolment}/replays", enrolment_request, enrolment_token).expect(202).json()

        def enrolment_finished():
            view = http("GET", f"{platform.enrolment}/replays/{asked['id']}", headers=enrolment_token).expect(200)
            return view.json() if view.json()["state"] != "running" else None
        done = poll("enrolment's replay to finish", enrolment_finished, 60)
        assert done["state"] == "done" and done["eventsSent"] == 3 and done["partitions"] == 1, done
        back = drain(connection, channel, enrolment_queue, 3)
        originals = {event["id"]: event for event, _ in announced}
        assert sorted(event["id"] for event, _ in back) == sorted(originals), back
        for event, headers in back:
            original = originals[event["id"]]
            assert event["data"] == original["data"] and event["time"] == original["time"], (event, original)
            assert headers.get("x-magistere-replay") == asked["id"]
        again = subprocess.run([*cli, "request", "--enrolment", platform.enrolment, "--data-dir",
                                str(tmp_path / "data"), "--for", subscriber, "--academy", "lyon", "--since", since,
                                "--queue", enrolment_queue], capture_output=True, text=True, timeout=120)
        assert again.returncode == 0 and "done: 3 event(s) sent" in again.stdout, again.stdout + again.stderr
        assert sorted(event["id"] for event, _ in drain(connection, channel, enrolment_queue, 2)) == sorted(originals)
        http("POST", f"{platform.enrolment}/replays", {**enrolment_request, "academy": "nantes"},
             enrolment_token).expect(403)
    finally:
        if connection is not None and connection.is_open:
            try:
                for name in (queue, witness, enrolment_witness, enrolment_queue):
                    connection.channel().queue_delete(name)
            finally:
                connection.close()
        magistere.stop_all()
        delete(amqp_url, [], [exchange])


README = REPO / "README.md"


def readme_example() -> str:
    """The README's pika example of a subscriber back from an outage (its ```python block marked `# readme:`)."""
    text = README.read_text()
    start = text.index("  ```python\n  # readme: replay after an outage\n")
    end = text.index("  ```\n", start + 10)
    return textwrap.dedent(text[start:end].split("\n", 1)[1])


def test_the_readme_example_recovers_from_an_outage(magistere, amqp_url, tmp_path) -> None:
    exchange = f"magistere.test.{uuid.uuid4().hex[:12]}"
    purge(amqp_url, ["enrolment.events", "tracking.events"])
    up = magistere.start_up(tmp_path / "data", extra=["--transport", "amqp", "--amqp-url", amqp_url,
                                                      "--exchange", exchange, "--no-seed"])
    queue = f"subscriber.sirh-lyon.completions-{uuid.uuid4().hex[:8]}"
    subscriber = None
    try:
        up.wait_ready()
        platform = Platform.of(up)
        platform.wait = 30
        course = platform.publish_course()
        session = platform.schedule_session(course["courseID"])
        run = uuid.uuid4().hex[:6]
        # The outage: the subscriber's queue does not exist while two teachers complete.
        missed = {complete(platform, session["id"], f"ens-{run}-{n}") for n in (1, 2)}
        poll("tracking to record the completions",
             lambda: all(http("GET", f"{platform.tracking}/enrolments/{e}/progress",
                              headers=platform.manager()).json().get("completion") for e in missed) or None, 30)

        script = tmp_path / "subscriber.py"
        script.write_text(readme_example())
        token = up.tokens.token("sirh-lyon", "subscriber", academy="lyon", events=(COMPLETED,))
        environment = clean_environment(
            MAGISTERE_TRACKING=platform.tracking, MAGISTERE_SUBSCRIBER_TOKEN=token, SUBSCRIBER_QUEUE=queue,
            MAGISTERE_AMQP_URL=amqp_url, MAGISTERE_AMQP_EXCHANGE=exchange)
        subscriber = subprocess.Popen([sys.executable, str(script)], env=environment, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, text=True)
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(iter(subscriber.stdout.readline, "")), daemon=True)
        reader.start()

        def applied() -> dict[str, int]:
            counts: dict[str, int] = {}
            for line in list(lines):
                if line.startswith("applied "):
                    enrolment_id = line.split()[2]
                    counts[enrolment_id] = counts.get(enrolment_id, 0) + 1
            return counts
        poll("the example to apply the missed completions", lambda: missed <= set(applied()) or None, 60)
        # Back to live events: a third teacher completes while the example consumes.
        live = complete(platform, session["id"], f"ens-{run}-3")
        poll("the example to apply the live completion", lambda: live in applied() or None, 30)
        time.sleep(2)
        assert applied() == {enrolment_id: 1 for enrolment_id in {*missed, live}}, lines
        assert any(line.startswith("replay ") for line in lines), lines
    finally:
        if subscriber is not None:
            subscriber.kill()
            subscriber.wait(timeout=10)
        connection = broker(amqp_url)
        connection.channel().queue_delete(queue)
        connection.close()
        magistere.stop_all()
        delete(amqp_url, [], [exchange])
