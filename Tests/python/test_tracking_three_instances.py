"""Three tracking instances (issue 14): `tracking-a` owns 0-10, `tracking-b` 11-21, `tracking-c` 22-31, as separate
processes on the test RabbitMQ. Progress for teachers of sessions in every third is posted to the three instances in
turn (as a load balancer would, a spare's 503 sent on to the next); in the middle of that stream
`magistere partitions move` gives b's partitions to c (b becomes a spare), and `tracking-a` is killed (`kill -9`) and
restarted. Then every report was applied once (each teacher's time is the sum posted), every completion was
announced once, and each partition's live file is on its owner only.
"""

from __future__ import annotations

import signal
import subprocess
import time
import uuid

from conftest import CLI, Platform, Tokens, http, poll, tracking_partition
from test_deployed_topology import delete_exchange, purge_fixed_queues
from test_scaling_walkthrough import Stream
from test_tracking_partitions import CompletionObserver, Deployment

LAYOUT = {"tracking-a": "0-10", "tracking-b": "11-21", "tracking-c": "22-31"}
TEACHERS_PER_SESSION = 5


def third(session_id: str) -> str:
    partition = tracking_partition(session_id)
    return "tracking-a" if partition <= 10 else "tracking-b" if partition <= 21 else "tracking-c"


def test_three_instances_move_and_crash_while_progress_flows(magistere, amqp_url, tmp_path) -> None:
    exchange = f"magistere.test.{uuid.uuid4().hex[:12]}"
    purge_fixed_queues(amqp_url)
    try:
        run(Deployment(magistere, amqp_url, exchange, tmp_path, LAYOUT))
    finally:
        magistere.stop_all()
        delete_exchange(amqp_url, exchange)


def run(deployment: Deployment) -> None:
    for name in ("catalog", "enrolment", *LAYOUT):
        deployment.start(name)
    for process in deployment.processes.values():
        process.wait_ready()
    tokens = Tokens(secret=deployment.secret)
    urls = {name: deployment.url(name) for name in LAYOUT}
    platform = Platform(deployment.url("catalog"), deployment.url("enrolment"), urls["tracking-a"], tokens, wait=30)
    observer = CompletionObserver(deployment.amqp_url, deployment.exchange)

    course = platform.publish_course()
    thirds: dict[str, list[str]] = {name: [] for name in LAYOUT}
    for _ in range(40):
        if all(thirds.values()):
            break
        session = platform.schedule_session(course["courseID"], capacity=TEACHERS_PER_SESSION + 2)
        thirds[third(session["id"])].append(session["id"])
    assert all(thirds.values()), f"sessions fell in two thirds only: {thirds}"
    chosen = [sessions[0] for sessions in thirds.values()]
    enrolments: dict[str, tuple[str, str]] = {}
    for session_id in chosen:
        for _ in range(TEACHERS_PER_SESSION):
            teacher = f"ens-{uuid.uuid4().hex[:10]}"
            enrolments[platform.approved_enrolment(session_id, teacher)] = (teacher, session_id)
    for enrolment_id, (_, session_id) in enrolments.items():
        platform.tracking = urls[third(session_id)]
        platform.wait_tracked(enrolment_id)
    for session_id in chosen:
        platform.tracking = urls[third(session_id)]
        entries = [{"enrolmentID": e, "status": "present"} for e, (_, s) in enrolments.items() if s == session_id]
        platform.attendance(session_id, entries).expect(200)

    stream = Stream(tokens, enrolments, list(urls.values()), spread=60)
    stream.thread.start()
    time.sleep(1)
    environment = deployment.environment("operator", "MAGISTERE_TRACKING_PORT")
    moved = subprocess.run([str(CLI), "partitions", "move", "--partition-map", str(deployment.map_path),
                            "--partitions", "11-21", "--to", "tracking-c"],
                           env=environment, capture_output=True, text=True, timeout=180)
    assert moved.returncode == 0, moved.stdout + moved.stderr
    killed = deployment.processes["tracking-a"]
    killed.process.send_signal(signal.SIGKILL)
    killed.process.wait(timeout=10)
    time.sleep(1)  # reports for a's sessions posted meanwhile go to b or c, which forward them
    deployment.start("tracking-a").wait_ready()
    stream.finishing.set()
    stream.thread.join(timeout=180)
    assert not stream.thread.is_alive(), "the progress stream did not finish"
    # A request to a while it was down (or in flight when it was killed) was sent on to the next instance, as a load
    # balancer retries: with the same report id, applied once whichever instance took it (checked below)
    refused = stream.unreachable
    assert all(failure.startswith(urls["tracking-a"]) for failure in refused), refused[:10]
    assert stream.failures == [], stream.failures[:10]
    assert stream.answers.get(202, 0) > 0, stream.answers

    owner_now = {"tracking-a": "tracking-a", "tracking-b": "tracking-c", "tracking-c": "tracking-c"}
    for _, location, headers in stream.pending:
        outcome = poll(f"the outcome of {location}", lambda: (lambda o: o if o["state"] != "pending" else None)(
            http("GET", urls["tracking-c"] + location, headers=headers).expect(200).json()), 60)
        assert outcome["state"] == "applied", outcome
    for enrolment_id, (teacher, session_id) in enrolments.items():
        progress = http("GET", f"{urls[owner_now[third(session_id)]]}/enrolments/{enrolment_id}/progress",
                        headers=tokens.bearer(teacher, "participant", academy="lyon")).expect(200).json()
        assert progress["secondsSpent"] == stream.posted[enrolment_id], (enrolment_id, progress)

    seen = observer.count(len(enrolments))
    assert seen == {enrolment_id: 1 for enrolment_id in enrolments}, seen

    expected = {"tracking-a": range(0, 11), "tracking-b": range(0), "tracking-c": range(11, 32)}
    for name, owned in expected.items():
        live = sorted(path.name for path in deployment.data(name).glob("tracking.p*.sqlite"))
        assert live == [f"tracking.p{p:02d}.sqlite" for p in owned], (name, live)
    print(f"{len(enrolments)} teachers; answers {stream.answers}; {len(stream.pending)} forwarded and applied; "
          f"{len(refused)} connections refused while tracking-a was down; {len(seen)} completions, each once")
