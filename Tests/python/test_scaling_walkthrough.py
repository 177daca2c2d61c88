"""The README's "Scaling tracking" walk-through cannot go stale: its `# scaling` shell blocks are run as they are
(issue 14, "Done when"), while progress flows.

catalog and enrolment run as `magistere` processes on the test RabbitMQ, on an exchange unique to this run. The
README's blocks are run in order by bash in a folder of the test's own, with the variables an operator exports and
`magistere` on the PATH; the only change made to them is the two tracking ports (8083 and 8093 become free ones).
The first block starts `tracking-a` (every partition); then sessions are scheduled in both halves of the partitions,
teachers approved and their meeting attended, and a thread posts progress for every teacher — to both instances in
turn once the second is up, as a load balancer would (a spare answers 503: the report goes to the other) — while
the remaining blocks add `tracking-b`, move partitions 16-31 to it, look at both, and move them back. Then:

- every report was applied: answered 201 by the owner, or 202 by the other instance with an outcome that
  becomes `applied`; each teacher's time spent is the sum of what was posted (nothing lost, nothing twice);
- every teacher's completion was announced exactly once on the exchange;
- while moved, tracking-b owned 16-31 and consumed its queues; at the end tracking-a owns all 32 again and
  tracking-b none; no partition file is live on both instances (b keeps its released copies);
- the map file was rewritten with versions 3 and 4, and both instances run the last one; an older map, or one that
  gives away partitions an instance still owns, is refused (409) and changes nothing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
import time
import uuid

from conftest import CLI, REPO, Platform, Tokens, free_port, http, poll, skip_unless_ci, tracking_partition
from test_deployed_topology import delete_exchange, purge_fixed_queues
from test_tracking_partitions import CompletionObserver, Deployment

BLOCK = re.compile(r"^```sh\n# scaling\n(.*?)^```", re.MULTILINE | re.DOTALL)
SESSIONS_PER_HALF = 3
TEACHERS_PER_SESSION = 8
BLOCK_TIMEOUT_SECONDS = 180


def scaling_blocks() -> list[str]:
    section = (REPO / "README.md").read_text()
    return BLOCK.findall(section)


def test_the_readme_has_the_scaling_steps() -> None:
    text = "\n".join(scaling_blocks())
    for step in ("--instance tracking-a", "--instance tracking-b", "magistere partitions move --partition-map partitions.json "
                 "--partitions 16-31 --to tracking-b", "magistere partitions status", "--to tracking-a"):
        assert step in text, f"the README's scaling walk-through no longer has `{step}`"


class Stream:
    """Posts progress for every teacher until told to finish: a record of 10 s per round for each teacher, and each
    teacher's completing steps after a number of rounds of its own, so that completions happen throughout."""

    def __init__(self, tokens: Tokens, enrolments: dict[str, tuple[str, str]], instances: list[str],
                 spread: int = 12) -> None:
        self.tokens, self.enrolments, self.instances = tokens, enrolments, instances
        self.posted: dict[str, int] = {enrolment: 0 for enrolment in enrolments}
        self.pending: list[tuple[str, str, dict]] = []  # (base, outcome location, headers)
        self.answers: dict[int, int] = {}
        self.failures: list[str] = []
        self.unreachable: list[str] = []  # transport errors (the request was sent on to the next instance)
        self.completing = {enrolment: index % spread for index, enrolment in enumerate(enrolments)}
        self.finishing = threading.Event()
        self.rounds = 0
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def targets(self) -> list[str]:
        with self.lock:
            return list(self.instances)

    def add_instance(self, url: str) -> None:
        with self.lock:
            self.instances.append(url)

    def post(self, turn: int, enrolment: str, record: dict) -> None:
        """As a load balancer would: to the instances in turn; one that is not there, or a spare (503), gets the
        request sent to the next one."""
        teacher, _ = self.enrolments[enrolment]
        targets = self.targets()
        headers = self.tokens.bearer(teacher, "participant", academy="lyon")
        for attempt in range(len(targets)):
            base = targets[(turn + attempt) % len(targets)]
            try:
                reply = http("POST", f"{base}/enrolments/{enrolment}/progress", record, headers)
            except OSError as error:  # not there, or killed with the request in flight: sent on to the next one
                self.unreachable.append(f"{base} {record['id']}: {error}")
                continue
            self.answers[reply.status] = self.answers.get(reply.status, 0) + 1
            if reply.status == 503:
                continue
            if reply.status == 202:
                self.pending.append((base, reply.headers["location"], headers))
            elif reply.status != 201:
                self.failures.append(f"{base} {record['id']} for {enrolment}: {reply.status} {reply.body[:300]!r}")
                return
            self.posted[enrolment] += record["timeSpentSeconds"]
            return
        self.failures.append(f"no instance took {record['id']} for {enrolment}")

    def run(self) -> None:
        turn = 0
        done: set[str] = set()
        while len(done) < len(self.enrolments):
            for enrolment in self.enrolments:
                if enrolment in done:
                    continue
                if self.finishing.is_set() or self.rounds >= self.completing[enrolment]:
                    for step in ({"id": "video-1", "activityID": "video", "timeSpentSeconds": 3000,
                                  "completed": True},
                                 {"id": "quiz-1", "activityID": "quiz", "timeSpentSeconds": 600, "score": 0.9}):
                        self.post(turn, enrolment, step)
                        turn += 1
                    done.add(enrolment)
                else:
                    self.post(turn, enrolment, {"id": f"round-{self.rounds}", "activityID": "video",
                                                "timeSpentSeconds": 10})
                    turn += 1
            self.rounds += 1
            if not self.finishing.is_set():
                time.sleep(0.2)


def run_block(number: int, block: str, environment: dict[str, str], cwd) -> str:
    try:
        done = subprocess.run(["bash", "-c", "set -euo pipefail\n" + block], cwd=cwd, env=environment,
                              capture_output=True, text=True, timeout=BLOCK_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"README scaling block {number} did not end in {BLOCK_TIMEOUT_SECONDS} s:\n{block}"
                             + "".join(f"\n{log.name}:\n{log.read_text()[-3000:]}"
                                       for log in cwd.glob("tracking-*.log"))) from None
    assert done.returncode == 0, (f"README scaling block {number} failed ({done.returncode}):\n{block}\n"
                                  f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}\n"
                                  + "".join(f"\n{log.name}:\n{log.read_text()[-3000:]}"
                                            for log in cwd.glob("tracking-*.log")))
    print(f"@@ block {number}\n{done.stdout}")
    return done.stdout


def test_the_readme_scaling_walkthrough_moves_partitions_while_progress_flows(magistere, amqp_url, tmp_path) -> None:
    if shutil.which("bash") is None or shutil.which("curl") is None:
        skip_unless_ci("bash and curl are needed to run the walk-through")
    exchange = f"magistere.test.{uuid.uuid4().hex[:12]}"
    purge_fixed_queues(amqp_url)
    workdir = tmp_path / "operator"
    workdir.mkdir()
    try:
        walk(Deployment(magistere, amqp_url, exchange, tmp_path), workdir)
    finally:
        for pid_file in workdir.glob("tracking-*.pid"):
            try:
                os.kill(int(pid_file.read_text()), 9)
            except (ProcessLookupError, ValueError):
                pass
        magistere.stop_all()
        delete_exchange(amqp_url, exchange)


def walk(deployment: Deployment, workdir) -> None:
    ports = {"8083": str(free_port()), "8093": str(free_port())}
    a, b = f"http://127.0.0.1:{ports['8083']}", f"http://127.0.0.1:{ports['8093']}"
    blocks = [re.sub(r"\b(8083|8093)\b", lambda match: ports[match.group(1)], block) for block in scaling_blocks()]
    assert len(blocks) == 5, f"the walk-through has {len(blocks)} `# scaling` blocks, this test expects 5"
    environment = deployment.environment("operator", "MAGISTERE_TRACKING_PORT")
    environment.pop("MAGISTERE_TRACKING_PORT")
    environment.pop("MAGISTERE_DATA_DIR")
    environment["PATH"] = f"{CLI.parent}:{environment.get('PATH', '/usr/bin:/bin')}"

    for name in ("catalog", "enrolment"):
        deployment.start(name)
    for process in deployment.processes.values():
        process.wait_ready()
    run_block(1, blocks[0], environment, workdir)

    tokens = Tokens(secret=deployment.secret)
    platform = Platform(deployment.url("catalog"), deployment.url("enrolment"), a, tokens, wait=30)
    observer = CompletionObserver(deployment.amqp_url, deployment.exchange)

    # Sessions in both halves; teachers approved; the meeting attended (so that the distance steps complete)
    course = platform.publish_course()
    halves: dict[bool, list[str]] = {False: [], True: []}
    for _ in range(40):
        if all(len(sessions) >= SESSIONS_PER_HALF for sessions in halves.values()):
            break
        session = platform.schedule_session(course["courseID"], capacity=TEACHERS_PER_SESSION + 2)
        halves[tracking_partition(session["id"]) >= 16].append(session["id"])
    chosen = [session for sessions in halves.values() for session in sessions[:SESSIONS_PER_HALF]]
    assert len(chosen) == 2 * SESSIONS_PER_HALF, f"sessions fell in one half only: {halves}"
    enrolments: dict[str, tuple[str, str]] = {}
    for session_id in chosen:
        for _ in range(TEACHERS_PER_SESSION):
            teacher = f"ens-{uuid.uuid4().hex[:10]}"
            enrolments[platform.approved_enrolment(session_id, teacher)] = (teacher, session_id)
    for enrolment_id in enrolments:
        platform.wait_tracked(enrolment_id)
    for session_id in chosen:
        entries = [{"enrolmentID": e, "status": "present"} for e, (_, s) in enrolments.items() if s == session_id]
        assert platform.attendance(session_id, entries).expect(200).json()["completedEnrolments"] == []

    # Progress flows while the operator follows the README
    stream = Stream(tokens, enrolments, [a])
    stream.thread.start()
    run_block(2, blocks[1], environment, workdir)
    spare = http("POST", f"{b}/enrolments/{next(iter(enrolments))}/progress", {
        "id": "to-the-spare", "activityID": "video", "timeSpentSeconds": 10},
        tokens.bearer(next(iter(enrolments.values()))[0], "participant", academy="lyon"))
    assert spare.status == 503 and spare.headers.get("retry-after"), (spare.status, spare.body)
    assert http("GET", f"{b}/ready").status == 503, "a spare must not be ready"
    stream.add_instance(b)  # as a load balancer would, sending it what it refuses to the other
    rounds_before_move = stream.rounds
    moved = run_block(3, blocks[2], environment, workdir)
    assert "moved 16-31 to tracking-b" in moved, moved
    assert re.search(r"# tracking-b: owns 16 partition", moved), moved
    watched = run_block(4, blocks[3], environment, workdir)
    assert json.loads(watched.splitlines()[0])["status"] == "ready", watched
    view = json.loads(watched.splitlines()[1])
    assert [p["partition"] for p in view["partitions"]] == list(range(16, 32)) and view["consuming"], view
    assert "magistere_messages_consumed_total" in watched
    time.sleep(1)  # a few more rounds while b owns its half
    assert stream.rounds > rounds_before_move, "the stream stalled during the move"
    back = run_block(5, blocks[4], environment, workdir)
    assert "moved 16-31 to tracking-a" in back and re.search(r"# tracking-a: owns 32 partition", back), back
    stream.finishing.set()
    stream.thread.join(timeout=120)
    assert not stream.thread.is_alive(), "the progress stream did not finish"
    assert stream.failures == [] and stream.unreachable == [], (stream.failures + stream.unreachable)[:10]
    assert stream.answers.get(201, 0) > 0 and stream.answers.get(202, 0) > 0, stream.answers
    assert http("GET", f"{b}/ready").status == 503, "a spare again after the move back"

    # Every report accepted elsewhere was applied by its owner (asked of tracking-a, which owns them all again and
    # keeps the outcomes in the partitions' files: tracking-b is stopped)
    for _, location, headers in stream.pending:
        outcome = poll(f"the outcome of {location}",
                       lambda: (lambda o: o if o["state"] != "pending" else None)(
                           http("GET", a + location, headers=headers).expect(200).json()), 60)
        assert outcome["state"] == "applied", outcome

    # Nothing lost, nothing twice: each teacher's time is what was posted (read from tracking-a, the owner of all)
    for enrolment_id, (teacher, _) in enrolments.items():
        progress = http("GET", f"{a}/enrolments/{enrolment_id}/progress",
                        headers=tokens.bearer(teacher, "participant", academy="lyon")).expect(200).json()
        assert progress["secondsSpent"] == stream.posted[enrolment_id], (enrolment_id, progress)

    # Exactly one completion per teacher
    seen = observer.count(len(enrolments))
    assert seen == {enrolment_id: 1 for enrolment_id in enrolments}, seen

    # One live file per partition, on its owner; the map's versions followed the moves
    live_a = sorted(path.name for path in (workdir / "data-a").glob("tracking.p*.sqlite"))
    live_b = sorted(path.name for path in (workdir / "data-b").glob("tracking.p*.sqlite"))
    assert live_a == [f"tracking.p{p:02d}.sqlite" for p in range(32)] and live_b == [], (live_a, live_b)
    released_b = sorted(path.name for path in (workdir / "data-b").glob("tracking.p*.sqlite.released"))
    assert released_b == [f"tracking.p{p:02d}.sqlite.released" for p in range(16, 32)], released_b
    final = json.loads((workdir / "partitions.json").read_text())
    assert final["version"] == 4 and final["instances"]["tracking-a"]["partitions"] == "all", final
    assert final["instances"]["tracking-b"]["partitions"] == "none", final
    operator = tokens.bearer("ops-1", "operator")
    view = http("GET", f"{a}/partitions", headers=operator).expect(200).json()
    assert view["mapVersion"] == 4 and len(view["partitions"]) == 32 and view["consuming"], view
    # A stale map is refused loudly: an older version, or one that gives away partitions the instance still owns
    stale = dict(final, version=2)
    refused = http("PUT", f"{a}/partitions/map", raw=json.dumps(stale).encode(), headers=operator,
                   content_type="application/json")
    assert refused.status == 409 and "not newer" in refused.json()["detail"], refused.body
    contradicting = {"version": 5, "instances": {
        "tracking-a": {"url": a, "partitions": "0-15"}, "tracking-b": {"url": b, "partitions": "16-31"}}}
    refused = http("PUT", f"{a}/partitions/map", raw=json.dumps(contradicting).encode(), headers=operator,
                   content_type="application/json")
    assert refused.status == 409 and "move them first" in refused.json()["detail"], refused.body
    assert http("GET", f"{a}/partitions", headers=operator).json()["mapVersion"] == 4
    print(f"{len(enrolments)} teachers, {stream.rounds} rounds; answers {stream.answers}; "
          f"{len(stream.pending)} forwarded and applied; {len(seen)} completions, each once")
