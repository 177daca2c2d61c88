"""Tracking scaled out: two instances own half the partitions each, as separate OS processes on the test RabbitMQ
(issue 14).

catalog, enrolment and two tracking instances (`tracking-a` owns partitions 0-15, `tracking-b` 16-31, by a shared
partition map) run as `magistere` processes on an exchange unique to this run. Sessions are scheduled until both
halves hold some; teachers are approved; then every progress report is posted to BOTH instances in turn, whoever
owns the session:

- the owner answers 201; the other accepts with 202 and a `Location` where the outcome is learnt (it redirects to
  the owner, which applied the report, or refused it with the problem the POST would have had);
- a report for a session owned by an instance that is down (`kill -9`) is still accepted (202: it waits in the
  partition's queue) and applied once the owner is back;
- attendance sheets sent to the wrong instance are redirected (307) to the owner;
- every teacher's completion is announced exactly once on the exchange; each partition's file exists on its owner
  only, and holds only its sessions;
- misconfigurations are refused loudly: an instance claiming a partition a live instance holds exits with an error
  naming the lease; maps where a partition has two owners or none are refused at start.
"""

from __future__ import annotations

import json
import pathlib
import signal
import sqlite3
import subprocess
import time
import uuid

from conftest import (CLI, Platform, Tokens, clean_environment, free_port, http, poll, tracking_partition)
from test_deployed_topology import broker, delete_exchange, purge_fixed_queues

COMPLETED = "tracking.course.completed.v1"
TEACHERS_PER_SESSION = 3


class Deployment:
    """catalog, enrolment and tracking instances sharing a map (`layout`: instance → partitions)."""

    def __init__(self, magistere, amqp_url: str, exchange: str, tmp_path: pathlib.Path,
                 layout: dict[str, str] | None = None) -> None:
        self.magistere, self.amqp_url, self.exchange, self.tmp_path = magistere, amqp_url, exchange, tmp_path
        self.secret = uuid.uuid4().hex + uuid.uuid4().hex
        self.layout = layout or {"tracking-a": "0-15", "tracking-b": "16-31"}
        self.ports = {name: free_port() for name in ("catalog", "enrolment", *self.layout)}
        self.map_path = tmp_path / "partitions.json"
        self.map_path.write_text(json.dumps({"version": 1, "instances": {
            name: {"url": self.url(name), "partitions": partitions} for name, partitions in self.layout.items()}}))
        self.processes: dict[str, object] = {}

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def environment(self, name: str, port_variable: str) -> dict[str, str]:
        return clean_environment(
            MAGISTERE_TRANSPORT="amqp", MAGISTERE_AMQP_URL=self.amqp_url, MAGISTERE_AMQP_EXCHANGE=self.exchange,
            MAGISTERE_DATA_DIR=str(self.tmp_path / f"{name}-data"), MAGISTERE_HTTP_HOST="127.0.0.1",
            MAGISTERE_AUTH_HS256_SECRET=self.secret, **{port_variable: str(self.ports.get(name, 0))})

    def start(self, name: str):
        if name.startswith("tracking-"):
            command = ["tracking", "--partition-map", str(self.map_path), "--instance", name]
            environment = self.environment(name, "MAGISTERE_TRACKING_PORT")
        else:
            command = [name]
            environment = self.environment(name, f"MAGISTERE_{name.upper()}_PORT")
        process = self.magistere.start(name, command, environment, {name: self.url(name)})
        self.processes[name] = process
        return process

    def data(self, name: str) -> pathlib.Path:
        return self.tmp_path / f"{name}-data"


class CompletionObserver:
    """An outside system's queue bound to `tracking.course.completed.v1` on the run's exchange (bound before anything
    completes), counting the completions it receives per enrolment."""

    def __init__(self, amqp_url: str, exchange: str) -> None:
        self.connection = broker(amqp_url)
        self.channel = self.connection.channel()
        self.channel.exchange_declare(exchange, exchange_type="topic", durable=True)
        self.queue = self.channel.queue_declare("", exclusive=True, auto_delete=True).method.queue
        self.channel.queue_bind(self.queue, exchange, routing_key=COMPLETED)

    def count(self, expected: int, timeout: float = 60, quiet: float = 3) -> dict[str, int]:
        """Completions per enrolment, read until `expected` enrolments were seen and nothing more came for `quiet`
        seconds (a duplicate would come then), or until `timeout`; then closes the connection."""
        seen: dict[str, int] = {}
        deadline = time.monotonic() + timeout
        quiet_since = None
        while time.monotonic() < deadline:
            method, _, body = self.channel.basic_get(self.queue, auto_ack=True)
            if method is None:
                if len(seen) >= expected:
                    quiet_since = quiet_since or time.monotonic()
                    if time.monotonic() - quiet_since > quiet:
                        break
                self.connection.sleep(0.05)
                continue
            quiet_since = None
            enrolment_id = json.loads(body)["data"]["enrolmentID"]
            seen[enrolment_id] = seen.get(enrolment_id, 0) + 1
        self.connection.close()
        return seen


def owner(session_id: str) -> str:
    return "tracking-a" if tracking_partition(session_id) < 16 else "tracking-b"


def test_two_tracking_instances_split_the_partitions(magistere, amqp_url, tmp_path) -> None:
    exchange = f"magistere.test.{uuid.uuid4().hex[:12]}"
    purge_fixed_queues(amqp_url)
    try:
        run(Deployment(magistere, amqp_url, exchange, tmp_path))
    finally:
        magistere.stop_all()
        delete_exchange(amqp_url, exchange)


def run(deployment: Deployment) -> None:
    for name in ("catalog", "enrolment", "tracking-a", "tracking-b"):
        deployment.start(name)
    for process in deployment.processes.values():
        process.wait_ready()
    tokens = Tokens(secret=deployment.secret)
    instances = {name: deployment.url(name) for name in ("tracking-a", "tracking-b")}
    platform = Platform(deployment.url("catalog"), deployment.url("enrolment"), instances["tracking-a"], tokens,
                        wait=30)

    # The observer's queue, bound before anything completes.
    observer = CompletionObserver(deployment.amqp_url, deployment.exchange)

    # Sessions until each instance owns at least two
    course = platform.publish_course()
    sessions: dict[str, list[str]] = {"tracking-a": [], "tracking-b": []}
    for _ in range(16):
        if all(len(owned) >= 2 for owned in sessions.values()):
            break
        session = platform.schedule_session(course["courseID"], capacity=TEACHERS_PER_SESSION + 2)
        sessions[owner(session["id"])].append(session["id"])
    assert all(len(owned) >= 2 for owned in sessions.values()), f"sessions fell in one half only: {sessions}"
    chosen = [s for owned in sessions.values() for s in owned[:2]]

    enrolments: dict[str, tuple[str, str]] = {}  # enrolment → (teacher, session)
    for session_id in chosen:
        for _ in range(TEACHERS_PER_SESSION):
            teacher = f"ens-{uuid.uuid4().hex[:10]}"
            enrolments[platform.approved_enrolment(session_id, teacher)] = (teacher, session_id)
    for enrolment_id in enrolments:
        platform.wait_tracked(enrolment_id)  # asked of tracking-a: redirected to the owner when it is b

    # Every report is posted to both instances in turn
    answers = {201: 0, 202: 0}
    pending: list[tuple[str, str, dict]] = []  # (instance url, outcome location, headers)
    steps = [{"id": "video-1", "activityID": "video", "timeSpentSeconds": 3000, "completed": True},
             {"id": "quiz-1", "activityID": "quiz", "timeSpentSeconds": 600, "score": 0.5},
             {"id": "quiz-2", "activityID": "quiz", "timeSpentSeconds": 600, "score": 0.85}]
    turn = 0
    for enrolment_id, (teacher, session_id) in enrolments.items():
        for step in steps:
            name = ("tracking-a", "tracking-b")[turn % 2]
            turn += 1
            reply = http("POST", f"{instances[name]}/enrolments/{enrolment_id}/progress", step,
                         tokens.bearer(teacher, "participant", academy="lyon"))
            expected = 201 if name == owner(session_id) else 202
            assert reply.status == expected, f"{name} for a session of {owner(session_id)}: {reply.status} {reply.body!r}"
            answers[reply.status] += 1
            if reply.status == 202:
                assert reply.headers["location"] == reply.json()["outcome"]
                pending.append((instances[name], reply.headers["location"],
                                tokens.bearer(teacher, "participant", academy="lyon")))
    assert answers[201] > 0 and answers[202] > 0, answers
    for base, location, headers in pending:
        outcome = poll(f"the outcome of {location}",
                       lambda: (lambda o: o if o["state"] != "pending" else None)(
                           http("GET", base + location, headers=headers).expect(200).json()), 30)
        assert outcome["state"] == "applied" and outcome["status"] == 201, outcome

    # A report refused by the owner is an outcome, with the problem the POST would have had
    enrolment_id, (teacher, session_id) = next((e, v) for e, v in enrolments.items() if owner(v[1]) == "tracking-b")
    headers = tokens.bearer(teacher, "participant", academy="lyon")
    changed = dict(steps[0], timeSpentSeconds=1)  # the same report id with other content: a conflict
    accepted = http("POST", f"{instances['tracking-a']}/enrolments/{enrolment_id}/progress", changed, headers)
    assert accepted.status == 202, accepted.body
    refused = poll("the refusal", lambda: (lambda o: o if o["state"] != "pending" else None)(
        http("GET", instances["tracking-a"] + accepted.headers["location"], headers=headers).expect(200).json()), 30)
    assert refused["state"] == "refused" and refused["status"] == 409, refused
    # Another participant's enrolment is refused at once, by the instance that received it
    intruder = tokens.bearer("ens-intruder", "participant", academy="lyon")
    assert http("POST", f"{instances['tracking-a']}/enrolments/{enrolment_id}/progress", steps[0],
                intruder).status == 403

    # The owner of half the sessions is killed: reports for its sessions are still accepted, and applied once it is back
    down = deployment.processes["tracking-b"]
    down.process.send_signal(signal.SIGKILL)
    down.process.wait(timeout=10)
    late = []
    for enrolment_id, (teacher, session_id) in enrolments.items():
        if owner(session_id) == "tracking-b":
            headers = tokens.bearer(teacher, "participant", academy="lyon")
            reply = http("POST", f"{instances['tracking-a']}/enrolments/{enrolment_id}/progress",
                         {"id": "forum-late", "activityID": "video", "timeSpentSeconds": 60}, headers)
            assert reply.status == 202, reply.body
            late.append((reply.headers["location"], headers))
    deployment.start("tracking-b").wait_ready()
    for location, headers in late:
        outcome = poll(f"the outcome of {location} after the restart",
                       lambda: (lambda o: o if o["state"] != "pending" else None)(
                           http("GET", instances["tracking-a"] + location, headers=headers).expect(200).json()), 60)
        assert outcome["state"] == "applied", outcome

    # Attendance sheets sent to the instance that does not own the session are redirected to the one that does
    trainer = tokens.bearer("trainer-test-07", "trainer", academy="lyon")
    for session_id in chosen:
        wrong = "tracking-b" if owner(session_id) == "tracking-a" else "tracking-a"
        sheet = {"activityID": "meeting", "entries": [
            {"enrolmentID": e, "status": "present"} for e, (_, s) in enrolments.items() if s == session_id]}
        redirected = http("POST", f"{instances[wrong]}/sessions/{session_id}/attendance", sheet, trainer)
        assert redirected.status == 307, redirected.body
        assert redirected.headers["location"] == f"{instances[owner(session_id)]}/sessions/{session_id}/attendance"
        done = http("POST", redirected.headers["location"], sheet, trainer).expect(200).json()
        assert len(done["completedEnrolments"]) == TEACHERS_PER_SESSION

    # Exactly one completion per teacher
    seen = observer.count(len(enrolments))
    assert seen == {enrolment_id: 1 for enrolment_id in enrolments}, seen
    print(f"{len(chosen)} sessions, {len(enrolments)} teachers; reports answered {answers}; "
          f"{len(late)} accepted while their owner was down; {len(seen)} completions, each once")

    # Each partition's file is on its owner only, and holds only its sessions
    for name, owned in (("tracking-a", range(0, 16)), ("tracking-b", range(16, 32))):
        files = sorted(path.name for path in deployment.data(name).glob("tracking.p*.sqlite"))
        assert files == [f"tracking.p{p:02d}.sqlite" for p in owned], files
    for session_id in chosen:
        for name in ("tracking-a", "tracking-b"):
            path = deployment.data(name) / f"tracking.p{tracking_partition(session_id):02d}.sqlite"
            if not path.exists():
                assert name != owner(session_id)
                continue
            store = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                rows = store.execute("SELECT COUNT(*) FROM enrolment WHERE session_id = ?", (session_id,)).fetchone()
            finally:
                store.close()
            assert rows[0] == TEACHERS_PER_SESSION

    # Operators see each instance's partitions, and exactly one instance routes the intake
    operator = tokens.bearer("ops-1", "operator")
    views = {name: http("GET", f"{url}/partitions", headers=operator).expect(200).json()
             for name, url in instances.items()}
    assert [p["partition"] for p in views["tracking-a"]["partitions"]] == list(range(16))
    assert [p["partition"] for p in views["tracking-b"]["partitions"]] == list(range(16, 32))
    assert all(view["mapVersion"] == 1 and view["consuming"] for view in views.values())
    assert sorted(view["routing"] for view in views.values()) == [False, True], views

    # Misconfigurations are refused loudly
    intruder_process = deployment.magistere.start(
        "tracking-intruder", ["tracking", "--partitions", "3"],
        deployment.environment("tracking-intruder", "MAGISTERE_TRACKING_PORT") | {
            "MAGISTERE_TRACKING_PORT": str(free_port())}, {})
    code = intruder_process.process.wait(timeout=60)
    assert code != 0, "an instance claiming a held partition must not run"
    assert "lease" in intruder_process.log_tail(200), intruder_process.log_tail()
    for instances_json, message in (
            ({"tracking-a": {"url": "http://a:1", "partitions": "0-16"},
              "tracking-b": {"url": "http://b:1", "partitions": "16-31"}}, "claimed by both"),
            ({"tracking-a": {"url": "http://a:1", "partitions": "0-15"},
              "tracking-b": {"url": "http://b:1", "partitions": "17-31"}}, "owned by no instance")):
        bad = deployment.tmp_path / "bad-map.json"
        bad.write_text(json.dumps({"version": 2, "instances": instances_json}))
        done = subprocess.run([str(CLI), "tracking", "--partition-map", str(bad), "--instance", "tracking-a"],
                              env=deployment.environment("tracking-bad", "MAGISTERE_TRACKING_PORT"),
                              capture_output=True, text=True, timeout=60)
        assert done.returncode != 0 and message in done.stderr, done.stderr
