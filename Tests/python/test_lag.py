"""Lag that subscribers and operators can see, over RabbitMQ (issue 17): an operator pauses tracking's consumers, the
backlog and the lag show on `/metrics` and `GET /consumers`, the trainer's table says it is not complete
(`X-Consistent-Through` stays before the approval waiting in the queue); resumed, all of it recovers.

`magistere up --transport amqp` on the test broker with an exchange of its own. A first enrolment is approved and
tracked (the session's partition consumer has handled events). Then `POST /consumers/pause` on tracking; a second
teacher is approved in enrolment — the approval reaches the session's partition queue and waits there. Checked:

- the pause is answered with who paused and why; tracking stays ready and keeps answering reads;
- the partition's queue depth is the same on `/metrics` and `GET /consumers`, `magistere_consumer_paused` is 1, and
  `magistere_consumer_behind_seconds` grows from one sample to the next;
- `magistere consumers status` shows the pause and the waiting message;
- the trainer's table keeps answering with an `X-Consistent-Through` before the approval, and tracking does not know
  the second enrolment;
- `POST /consumers/resume`: the second enrolment is tracked, the depth is back to 0, the header passes the approval and
  the behind metric falls back below what it was while paused.
"""

from __future__ import annotations

import datetime
import re
import subprocess
import time
import uuid

from conftest import CLI, Platform, http, poll, tracking_partition
from test_load_generator import delete, purge


def parse_time(text: str) -> float:
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc).timestamp()


def metric(text: str, name: str, queue: str) -> float | None:
    """The value of `name{queue="…"}` in Prometheus text, or None when absent."""
    found = re.search(rf'^{name}\{{[^}}]*queue="{re.escape(queue)}"[^}}]*\}} (\S+)$', text, re.MULTILINE)
    return float(found.group(1)) if found else None


def test_a_paused_consumer_shows_its_lag_and_the_reads_say_they_are_behind(magistere, amqp_url, tmp_path) -> None:
    exchange = f"magistere.test.{uuid.uuid4().hex[:12]}"
    up = magistere.start_up(tmp_path / "data", extra=["--transport", "amqp", "--amqp-url", amqp_url,
                                                      "--exchange", exchange, "--no-seed"])
    try:
        up.wait_ready()
        platform = Platform.of(up)
        platform.wait = 30
        operator = up.tokens.bearer("ops-lyon", "operator")
        course = platform.publish_course()
        session = platform.schedule_session(course["courseID"])
        queue = f"tracking.events.partition.{tracking_partition(session['id']):02d}"
        purge(amqp_url, ["tracking.events", queue])
        run = uuid.uuid4().hex[:6]
        platform.wait_tracked(platform.approved_enrolment(session["id"], f"ens-{run}-1"))

        def table() -> float | None:
            answer = http("GET", f"{platform.tracking}/sessions/{session['id']}/progress", headers=platform.trainer())
            through = answer.expect(200).headers.get("x-consistent-through")
            return parse_time(through) if through else None

        def metrics() -> str:
            return http("GET", f"{platform.tracking}/metrics", headers=operator).expect(200).body.decode()

        def consumers() -> dict:
            view = http("GET", f"{platform.tracking}/consumers", headers=operator).expect(200).json()
            return {entry["queue"]: entry for entry in view["queues"]} | {"": view}

        poll("the table's first watermark", table, 30)

        # Paused: with a reason, by the operator; still ready, the partition queue detached.
        http("POST", f"{platform.tracking}/consumers/pause", {}, operator).expect(422)
        paused = http("POST", f"{platform.tracking}/consumers/pause", {"reason": "lag drill"}, operator).expect(200)
        assert paused.json()["paused"]["reason"] == "lag drill" and paused.json()["paused"]["by"] == "ops-lyon"
        poll("the partition consumer to detach", lambda: consumers()[queue]["attached"] is False or None, 15)
        http("GET", f"{platform.tracking}/ready").expect(200)

        # An approval made now waits in the session's partition queue.
        approved_at = time.time()
        waiting = platform.approved_enrolment(session["id"], f"ens-{run}-2")
        # (with it, the directory placement the router sends to the partition)
        depth = poll("the approval to wait in the partition queue", lambda: consumers()[queue]["depth"] or None, 30)
        poll("the depth on /metrics",
             lambda: metric(metrics(), "magistere_consumer_queue_depth", queue) == depth or None, 20)
        assert metric(metrics(), "magistere_consumer_paused", queue) == 1
        first = poll("a behind figure", lambda: metric(metrics(), "magistere_consumer_behind_seconds", queue), 20)
        grown = poll("the behind figure to grow",
                     lambda: (value := metric(metrics(), "magistere_consumer_behind_seconds", queue)) > first and value,
                     20)
        # The reads keep answering and say they are behind: past several watermark samples, still before the approval.
        deadline = time.monotonic() + 12
        while time.monotonic() < deadline:
            assert (table() or 0) < approved_at, "the table claims to be complete while the approval waits"
            time.sleep(1)
        unknown = http("GET", f"{platform.tracking}/enrolments/{waiting}/progress", headers=platform.manager())
        assert unknown.status == 404, unknown.body
        # The operator's CLI says the same.
        status = subprocess.run([str(CLI), "consumers", "status", "--url", platform.tracking,
                                 "--data-dir", str(tmp_path / "data")], capture_output=True, text=True, timeout=60)
        assert status.returncode == 0, status.stdout + status.stderr
        assert "PAUSED" in status.stdout and "by ops-lyon: lag drill" in status.stdout, status.stdout
        assert f"{queue}: {depth} waiting, detached" in status.stdout, status.stdout

        # Resumed: tracked, drained, the header passes the approval, the lag falls back.
        resumed = http("POST", f"{platform.tracking}/consumers/resume", None, operator).expect(200).json()
        assert "paused" not in resumed
        platform.wait_tracked(waiting)
        poll("the table to be consistent through the approval", lambda: (table() or 0) >= approved_at or None, 45)
        poll("the depth and behind figures to recover",
             lambda: (metric(metrics(), "magistere_consumer_queue_depth", queue) == 0
                      and metric(metrics(), "magistere_consumer_behind_seconds", queue) < grown
                      and metric(metrics(), "magistere_consumer_paused", queue) == 0) or None, 30)
        assert consumers()[queue]["attached"] is True
    finally:
        magistere.stop_all()
        delete(amqp_url, [], [exchange])
