"""Three tracking instances (issue 14): `tracking-a` owns 0-10, `tracking-b` 11-21, `tracking-c` 22-31, as separate
processes on the test RabbitMQ. Progress for teachers of sessions in every third is posted to the three instances in
turn (as a load balancer would, a spare's 503 sent on to the next); in the middle of that stream
`magistere partitions move` gives b's partitions to c (b becomes a spare), and `tracking-a` is killed (`kill -9`) and
restarted. Then every report was applied once (each teacher's time is the sum posted), every completion was
announced once, and each partition's live file is on its owner only. Last, a subscriber asks one instance for a
replay of the completions: the parts held by both owners are sent, the replay is followed on the instance that holds
it (a redirect from the other), and the subscriber's queue receives every completion once, with its original id.
"""

from __future__ import annotations

import signal
import subprocess
import time
import uuid

from conftest import CLI, Platform, Tokens, http, poll, tracking_partition
from test_deployed_topology import delete_exchange, purge_fixed_queues
from test_load_generator import broker
from test_replay import COMPLETED, drain
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
    since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 5))
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

    replay_across_owners(deployment, tokens, urls, since, set(enrolments))

    expected = {"tracking-a": range(0, 11), "tracking-b": range(0), "tracking-c": range(11, 32)}
    for name, owned in expected.items():
        live = sorted(path.name for path in deployment.data(name).glob("tracking.p*.sqlite"))
        assert live == [f"tracking.p{p:02d}.sqlite" for p in owned], (name, live)
    print(f"{len(enrolments)} teachers; answers {stream.answers}; {len(stream.pending)} forwarded and applied; "
          f"{len(refused)} connections refused while tracking-a was down; {len(seen)} completions, each once")


def replay_across_owners(deployment, tokens: Tokens, urls: dict[str, str], since: str, enrolments: set[str]) -> None:
    """A subscriber's replay asked of tracking-a: tracking-a and tracking-c send their partitions' completions."""
    queue = f"subscriber.sirh-lyon.replay-{uuid.uuid4().hex[:8]}"
    connection = broker(deployment.amqp_url)
    channel = connection.channel()
    channel.queue_declare(queue, auto_delete=False)
    try:
        token = tokens.bearer("sirh-lyon", "subscriber", academy="lyon", events=(COMPLETED,))
        accepted = http("POST", f"{urls['tracking-a']}/replays", {"eventType": COMPLETED, "since": since,
                                                                  "queue": queue}, token).expect(202)
        location = accepted.headers["location"]
        # Asked of the instance that does not hold it: redirected (307, which urllib follows for a GET).
        elsewhere = http("GET", urls["tracking-c"] + location, headers=token).expect(200).json()
        assert elsewhere["id"] == accepted.json()["id"]

        def finished():
            view = http("GET", urls["tracking-a"] + location, headers=token).expect(200).json()
            return view if view["state"] != "running" else None
        final = poll("the replay across both owners to finish", finished, 90)
        assert final["state"] == "done" and final["eventsSent"] == len(enrolments), final
        replayed = drain(connection, channel, queue, 3)
        by_enrolment: dict[str, int] = {}
        for event, headers in replayed:
            by_enrolment[event["data"]["enrolmentID"]] = by_enrolment.get(event["data"]["enrolmentID"], 0) + 1
            assert headers.get("x-magistere-replay") == final["id"]
        assert by_enrolment == {enrolment_id: 1 for enrolment_id in enrolments}, by_enrolment
    finally:
        channel.queue_delete(queue)
        connection.close()
