"""The load generator (`magistere bench`, issue 13) keeps working: a smoke run, not a benchmark.

A small campaign against `magistere up --transport amqp` on the test broker (its own exchange, so nothing mixes with
other tests' events): a few hundred progress reports and xAPI statements, trainers reading their tables, and the
generator's own outside queue counting completions. The test checks the exit status and the JSON report: every
completion counted, every answer 2xx (no 5xx), the phases and figures present. No timing is asserted: benchmarks are
not tests (scripts/bench measures, BENCHMARKS.md records).

The generator must refuse any target that is not on loopback, before sending anything: checked here too.

Run by scripts/test (MAGISTERE_TEST_AMQP_URL set, CLI built). Outside CI a missing prerequisite skips.
"""

from __future__ import annotations

import json
import subprocess
import urllib.request
import uuid

import pika
import pytest

from conftest import CLI, clean_environment, skip_unless_ci

BENCH_TIMEOUT_SECONDS = 240
TEACHERS, ACTIVITIES, REPORTS, XAPI_STATEMENTS = 40, 3, 6, 100
POPULAR, POPULAR_CAPACITY = 60, 7
SEEDED_COURSES = 40


def broker(amqp_url: str) -> pika.BlockingConnection:
    parameters = pika.URLParameters(amqp_url)
    parameters.connection_attempts = 3
    parameters.retry_delay = 1
    parameters.socket_timeout = 10
    return pika.BlockingConnection(parameters)


def purge(amqp_url: str, queues: list[str]) -> None:
    """Empties queues that other tests' deployments share by name (a missing queue is fine)."""
    connection = broker(amqp_url)
    try:
        for queue in queues:
            channel = connection.channel()
            try:
                channel.queue_declare(queue, passive=True)
            except pika.exceptions.ChannelClosedByBroker as error:
                assert error.reply_code == 404, error
                continue
            channel.queue_purge(queue)
            channel.close()
    finally:
        connection.close()


def delete(amqp_url: str, queues: list[str], exchanges: list[str]) -> None:
    """Removes what the run left on the shared test broker; whatever is already gone is fine."""
    connection = broker(amqp_url)
    try:
        for name in queues:
            channel = connection.channel()
            try:
                channel.queue_delete(name)
                channel.close()
            except pika.exceptions.AMQPError:
                pass
        for name in exchanges:
            channel = connection.channel()
            try:
                channel.exchange_delete(name)
                channel.close()
            except pika.exceptions.AMQPError:
                pass
    finally:
        if connection.is_open:
            connection.close()


def bench(*arguments: str, environment: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    if not CLI.is_file():
        skip_unless_ci(f"the magistere CLI is not built yet ({CLI}): run `swift build` or scripts/test")
    try:
        return subprocess.run([str(CLI), "bench", *arguments], env=environment or clean_environment(),
                              capture_output=True, text=True, timeout=BENCH_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"magistere bench did not finish within {BENCH_TIMEOUT_SECONDS}s\n"
                    f"stdout:\n{error.stdout}\nstderr:\n{error.stderr}")


def test_a_small_campaign_counts_every_completion(magistere, amqp_url, tmp_path) -> None:
    exchange = f"magistere.test.{uuid.uuid4().hex[:12]}"
    purge(amqp_url, ["enrolment.events", "tracking.events"])
    data = tmp_path / "data"
    up = magistere.start_up(data, extra=["--transport", "amqp", "--amqp-url", amqp_url, "--exchange", exchange,
                                         "--queue-type", "quorum", "--no-seed"])
    run = uuid.uuid4().hex[:10]
    leftovers = [f"loadgen.{run}.{name}{suffix}" for name in ("completions", "raw")
                 for suffix in ("", ".dead", ".delay.1000ms")]
    try:
        up.wait_ready()
        result = bench(
            "--catalog", up.url("catalog"), "--enrolment", up.url("enrolment"), "--tracking", up.url("tracking"),
            "--amqp-url", amqp_url, "--exchange", exchange, "--data-dir", str(data),
            "--teachers", str(TEACHERS), "--teachers-per-session", "25", "--activities", str(ACTIVITIES),
            "--reports-per-teacher", str(REPORTS), "--connections", "8", "--xapi-statements", str(XAPI_STATEMENTS),
            "--xapi-batch", "1", "--xapi-batch", "50", "--trainer-connections", "1", "--trainer-interval-ms", "50",
            "--raw-broker-messages", "1000", "--completion-timeout", "60", "--run-id", run, "--prefer-minimal",
            "--popular-teachers", str(POPULAR), "--popular-capacity", str(POPULAR_CAPACITY),
            "--popular-connections", "16", "--json")
        assert result.returncode == 0, f"bench exited {result.returncode}\n{result.stdout[-3000:]}\n{result.stderr}"
        report = json.loads(result.stdout)
        assert report["run"] == run
        assert report["ok"] is True and report["failures"] == []
        assert report["teachers"] == TEACHERS and report["sessions"] == 2
        phases = {phase["name"]: phase for phase in report["phases"]}
        progress = phases["progress reports (JSON)"]
        assert progress["events"] == TEACHERS * REPORTS
        assert progress["statuses"] == {"201": TEACHERS * REPORTS}
        for batch, requests in ((1, XAPI_STATEMENTS), (50, XAPI_STATEMENTS // 50)):
            xapi = phases[f"xAPI statements, batches of {batch}"]
            assert xapi["events"] == XAPI_STATEMENTS and xapi["statuses"] == {"200": requests}
        assert phases["prepare: teachers accept"]["statuses"] == {"200": TEACHERS}
        reads = report["trainerReads"]
        assert reads["requests"] >= 1 and set(reads["statuses"]) == {"200"}
        for phase in [*report["phases"], reads]:
            assert not any(status.startswith("5") or status == "transport" for status in phase["statuses"]), phase
            latency = phase["latency"]
            assert latency["count"] == phase["requests"]
            assert 0 <= latency["p50"] <= latency["p90"] <= latency["p99"] <= latency["max"]

        # The popular session: many teachers at once, never more approved than seats, the others waitlisted.
        assert phases[f"popular session: {POPULAR} enrol (open)"]["statuses"] == {"201": POPULAR}
        assert phases[f"popular session: {POPULAR} apply"]["statuses"] == {"201": POPULAR}
        assert phases[f"popular session: {POPULAR} approvals at once"]["statuses"] == {"200": POPULAR}
        checks = {check["mode"]: check for check in report["seatChecks"]}
        assert set(checks) == {"open", "application"}
        for check in checks.values():
            assert check["problems"] == [], check
            assert check["states"] == {"approved": POPULAR_CAPACITY, "waitlisted": POPULAR - POPULAR_CAPACITY}
            assert check["seatsTaken"] == POPULAR_CAPACITY and check["seatsWaitlisted"] == POPULAR - POPULAR_CAPACITY
            assert check["answeredApproved"] == POPULAR_CAPACITY and check["waitlistPositionsDistinct"] is True

        completions = report["completions"]
        assert completions["expected"] == TEACHERS
        assert completions["counted"] == TEACHERS and completions["distinctEvents"] == TEACHERS
        assert completions["secondCompletions"] == 0
        assert completions["fromLastReportSent"]["count"] == TEACHERS
        assert report["rawBroker"]["messages"] == 1000 and report["rawBroker"]["endToEndPerSecond"] > 0
        assert report["progressToRawBrokerRatio"] > 0

        # The catalogue's read benchmark fills a catalogue through the API the same way (a smoke of it).
        seeded = subprocess.run(
            [str(CLI), "dev", "seed-catalog", "--catalog", up.url("catalog"), "--courses", str(SEEDED_COURSES),
             "--connections", "4", "--run-id", run,
             "--auth-hs256-secret-file", str(data / "auth-hs256.secret")],
            env=clean_environment(), capture_output=True, text=True, timeout=BENCH_TIMEOUT_SECONDS)
        assert seeded.returncode == 0, f"seed-catalog exited {seeded.returncode}\n{seeded.stdout}\n{seeded.stderr}"
        assert "seed: publish courses" in seeded.stdout
        with urllib.request.urlopen(up.url("catalog") + "/courses?limit=1") as answer:
            listing = json.load(answer)
        assert listing["total"] == SEEDED_COURSES + 1  # and the campaign's own course
        assert sum(facet["count"] for facet in listing["facets"]["origin"]) == SEEDED_COURSES + 1
    finally:
        magistere.stop_all()  # before the exchange goes, so no process publishes into a deleted exchange
        delete(amqp_url, leftovers, [exchange, f"loadgen.raw.{run}"])


@pytest.mark.parametrize("flag, url", [
    ("--tracking", "http://10.20.30.40:8083"),
    ("--catalog", "http://example.org:8081"),
    ("--enrolment", "http://[2001:db8::1]:8082"),
    ("--tracking", "https://127.0.0.1:8083"),
    ("--amqp-url", "amqp://bench:secret@192.0.2.7:5672/"),
    ("--amqp-url", "amqp://bench:secret@127.0.0.1:5672,192.0.2.7:5672/"),
])
def test_a_target_off_loopback_is_refused_before_anything_is_sent(flag: str, url: str) -> None:
    environment = clean_environment(MAGISTERE_AUTH_HS256_SECRET="x" * 48)
    result = bench(flag, url, "--teachers", "1", environment=environment)
    assert result.returncode == 2, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    assert "refusing to drive" in result.stderr and "loopback" in result.stderr, result.stderr
    assert "bench:" not in result.stderr, "it must not have started anything"
