"""The docker-compose topology, run as separate OS processes against the test RabbitMQ (no Docker engine here).

docker-compose.yml is parsed with PyYAML; catalog, enrolment and the two tracking instances are started as
`magistere <command>` with the compose file's own command and environment, overriding only what must differ on this
machine:

- MAGISTERE_AMQP_URL → the test broker (MAGISTERE_TEST_AMQP_URL);
- MAGISTERE_AMQP_EXCHANGE → an exchange unique to this run (so no other run's events reach these processes, and
  this run's events reach no one else's); it is deleted at the end, which removes its bindings;
- MAGISTERE_DATA_DIR → a temporary folder per service; the port variable → a free port; MAGISTERE_HTTP_HOST →
  127.0.0.1; MAGISTERE_TRACKING_PARTITION_MAP → a copy of the map the compose file mounts, its URLs on those ports.

The consuming queues have fixed names (`enrolment.events`, `tracking.events` and its partitions', shared with any other run on the same
broker), so the test purges them before starting: a message left over from an earlier run (bound to an older
exchange) cannot reach these processes. Everything this run creates is random (course, session, enrolment ids) and
the observer's queue is exclusive to this test.

The end-to-end scenario then runs through the three processes, over the broker only: a course published on catalog,
enrolment hearing of it, a session scheduled and opened, a teacher applying and approved, tracking hearing of the
enrolment, progress on every required activity and the trainer's attendance; a pika queue bound to the unique exchange
(before the last step) receives exactly ONE `tracking.course.completed.v1` CloudEvent, within a few seconds, with the
right minutes, even when the last steps are sent again; and enrolment's yearly record of the teacher shows the hours.

Every wait is bounded; the processes are stopped (SIGTERM, then SIGKILL) at teardown, and a failure prints the tail
of each process's log.
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import re
import time
import urllib.parse
import uuid

import pika
import pika.exceptions
import yaml

from conftest import CLI, REPO, Platform, Tokens, clean_environment, free_port, http, poll, tracking_partition
from test_compose_file import partition_numbers

SERVICES = ("catalog", "enrolment", "tracking-a", "tracking-b")
ACCOUNTS = ("catalog", "enrolment", "tracking")  # the broker users: tracking's instances share theirs
PORT_VARIABLE = {"catalog": "MAGISTERE_CATALOG_PORT", "enrolment": "MAGISTERE_ENROLMENT_PORT",
                 "tracking-a": "MAGISTERE_TRACKING_PORT", "tracking-b": "MAGISTERE_TRACKING_PORT"}
OVERRIDDEN = {"MAGISTERE_AMQP_URL", "MAGISTERE_AMQP_EXCHANGE", "MAGISTERE_DATA_DIR", "MAGISTERE_HTTP_HOST",
              "MAGISTERE_AMQP_PASSWORD_FILE", "MAGISTERE_AUTH_HS256_SECRET_FILE", "MAGISTERE_TRACKING_PARTITION_MAP"}
FIXED_QUEUES = ("enrolment.events", "tracking.events", "enrolment.events.dead", "tracking.events.dead",
                *(f"tracking.events.partition.{partition:02d}" for partition in range(32)))
COMPLETED = "tracking.course.completed.v1"
FIRST_EVENT_WITHIN_SECONDS = 5
QUIET_AFTER_SECONDS = 3
SCENARIO_WAIT_SECONDS = 30


def compose_services() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]


def broker(amqp_url: str) -> pika.BlockingConnection:
    parameters = pika.URLParameters(amqp_url)
    parameters.connection_attempts = 3
    parameters.retry_delay = 1
    parameters.socket_timeout = 10
    parameters.blocked_connection_timeout = 10
    return pika.BlockingConnection(parameters)


def purge_fixed_queues(amqp_url: str) -> None:
    """Empties the services' fixed-name queues if they exist (a missing queue is fine)."""
    connection = broker(amqp_url)
    try:
        for queue in FIXED_QUEUES:
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


def delete_exchange(amqp_url: str, exchange: str) -> None:
    try:
        connection = broker(amqp_url)
    except pika.exceptions.AMQPError:
        return
    try:
        connection.channel().exchange_delete(exchange)
    except pika.exceptions.AMQPError:
        pass
    finally:
        if connection.is_open:
            connection.close()


def health_path(service: dict) -> str:
    match = re.search(r"http://127\.0\.0\.1:\d+(/\w+)", " ".join(service["healthcheck"]["test"]))
    assert match, f"not an HTTP health check: {service['healthcheck']['test']}"
    return match.group(1)


def test_compose_topology_as_processes_end_to_end(magistere, amqp_url, tmp_path) -> None:
    exchange = f"magistere.test.{uuid.uuid4().hex[:12]}"
    purge_fixed_queues(amqp_url)
    try:
        run_topology(magistere, amqp_url, exchange, tmp_path)
    finally:
        magistere.stop_all()  # before the exchange goes, so no process publishes into a deleted exchange
        delete_exchange(amqp_url, exchange)


def secret_files(tmp_path) -> dict[str, str]:
    """The compose file's secrets (/run/secrets/… in containers) as files of this run: a broker password per account
    (the administrator's and each service's), and an HS256 secret the three services share and `magistere token`
    signs with."""
    files = {}
    for account in ("admin", *ACCOUNTS):
        path = tmp_path / f"amqp-{account}-password"
        path.write_text(uuid.uuid4().hex + "\n")
        files[account] = str(path)
    secret = tmp_path / "auth-hs256.secret"
    secret.write_text(uuid.uuid4().hex + uuid.uuid4().hex + "\n")
    files["auth"] = str(secret)
    return files


class BrokerAccounts:
    """The compose file's broker accounts on the test broker: `magistere broker users` (the broker-users one-shot)
    writes them as definitions, which the test node imports (`rabbitmqctl import_definitions`). Users are named
    PREFIX + account with a prefix unique to this run, and deleted at the end."""

    def __init__(self, amqp_url: str, exchange: str, secrets: dict[str, str], tmp_path) -> None:
        self.amqp_url, self.secrets = amqp_url, secrets
        self.prefix = f"mt{uuid.uuid4().hex[:8]}-"
        parsed = urllib.parse.urlparse(amqp_url)
        self.host, self.port = parsed.hostname, parsed.port
        command = compose_services()["broker-users"]["command"]
        assert command[:2] == ["broker", "users"], command
        definitions = tmp_path / "definitions.json"
        arguments = [str(CLI), "broker", "users", "--prefix", self.prefix, "--vhost", "/", "--exchange", exchange,
                     "--admin-password-file", secrets["admin"], "--output", str(definitions)]
        for service in ACCOUNTS:
            arguments += ["--password-file", f"{service}={secrets[service]}"]
        done = subprocess.run(arguments, env=clean_environment(), capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, f"broker users failed: {done.stdout}{done.stderr}"
        assert definitions.stat().st_mode & 0o777 == 0o600, "the definitions hold password hashes: owner-only"
        self.ctl("import_definitions", str(definitions))

    @staticmethod
    def ctl(*arguments: str) -> subprocess.CompletedProcess:
        control, node = os.environ.get("MAGISTERE_TEST_NODE_CTL"), os.environ.get("MAGISTERE_TEST_NODE")
        assert control and node, "run through scripts/test: MAGISTERE_TEST_NODE_CTL and MAGISTERE_TEST_NODE are needed"
        done = subprocess.run([control, "ctl", node, *arguments], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, f"rabbitmqctl {' '.join(arguments)} failed: {done.stdout}{done.stderr}"
        return done

    def user(self, account: str) -> str:
        return self.prefix + account

    def url(self, account: str) -> str:
        """The account's broker URL, without the password (it is in the account's password file)."""
        return f"amqp://{self.user(account)}@{self.host}:{self.port}/"

    def password(self, account: str) -> str:
        return pathlib.Path(self.secrets[account]).read_text().strip()

    def delete(self) -> None:
        for account in ("admin", *ACCOUNTS):
            subprocess.run([os.environ["MAGISTERE_TEST_NODE_CTL"], "ctl", os.environ["MAGISTERE_TEST_NODE"],
                            "delete_user", self.user(account)], capture_output=True, timeout=60)


def run_topology(magistere, amqp_url: str, exchange: str, tmp_path) -> None:
    services = compose_services()
    secrets = secret_files(tmp_path)
    accounts = BrokerAccounts(amqp_url, exchange, secrets, tmp_path)
    try:
        run_services(magistere, services, accounts, amqp_url, exchange, secrets, tmp_path)
    finally:
        magistere.stop_all()
        accounts.delete()


def run_services(magistere, services: dict, accounts: BrokerAccounts, amqp_url: str, exchange: str,
                 secrets: dict[str, str], tmp_path) -> None:
    # The one-shot broker-setup container runs first, so that the consumers' queues exist before the catalogue
    # publishes its seed: without it, a catalogue that starts first announces its courses to nobody.
    setup = services["broker-setup"]
    setup_environment = {key: str(value) for key, value in setup["environment"].items()}
    assert setup_environment["MAGISTERE_AMQP_URL"].startswith("amqp://magistere-admin@")
    setup_environment.update({"MAGISTERE_AMQP_URL": accounts.url("admin"), "MAGISTERE_AMQP_EXCHANGE": exchange,
                              "MAGISTERE_AMQP_PASSWORD_FILE": secrets["admin"]})
    done = subprocess.run([str(CLI), *[str(part) for part in setup["command"]]],
                          env=clean_environment(**setup_environment), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"broker setup failed: {done.stdout}{done.stderr}"
    assert "declared enrolment.events ←" in done.stdout and "declared tracking.events ←" in done.stdout
    assert "declared tracking.events.partition.31" in done.stdout
    processes = {}
    ports = {name: free_port() for name in SERVICES}
    partition_map = None
    for name in SERVICES:
        service = services[name]
        account = name.split("-")[0]  # tracking-a and tracking-b are instances of tracking
        command = [str(part) for part in service["command"]]
        compose_environment = {key: str(value) for key, value in service["environment"].items()}
        port = ports[name]
        environment = dict(compose_environment)
        # The compose file gives each service its own broker user (magistere-<service>); here the same, prefixed.
        assert compose_environment["MAGISTERE_AMQP_URL"].startswith(f"amqp://magistere-{account}@")
        assert compose_environment["MAGISTERE_AMQP_PASSWORD_FILE"] == f"/run/secrets/amqp-{account}-password"
        environment.update({
            "MAGISTERE_AMQP_URL": accounts.url(account), "MAGISTERE_AMQP_EXCHANGE": exchange,
            "MAGISTERE_DATA_DIR": str(tmp_path / f"{name}-data"), "MAGISTERE_HTTP_HOST": "127.0.0.1",
            PORT_VARIABLE[name]: str(port), "MAGISTERE_AMQP_PASSWORD_FILE": secrets[account],
            "MAGISTERE_AUTH_HS256_SECRET_FILE": secrets["auth"],
        })
        if "MAGISTERE_TRACKING_PARTITION_MAP" in compose_environment:
            # The map the compose file mounts, with its instances' URLs on this run's ports.
            mount = next(volume for volume in service["volumes"]
                         if volume.split(":")[1] == compose_environment["MAGISTERE_TRACKING_PARTITION_MAP"])
            partition_map = json.loads((REPO / mount.split(":")[0]).read_text())
            for instance, entry in partition_map["instances"].items():
                entry["url"] = f"http://127.0.0.1:{ports[instance]}"
            (tmp_path / "partitions.json").write_text(json.dumps(partition_map))
            environment["MAGISTERE_TRACKING_PARTITION_MAP"] = str(tmp_path / "partitions.json")
        changed = {key for key in environment if compose_environment.get(key) != environment[key]}
        assert changed <= OVERRIDDEN | {PORT_VARIABLE[name]}, f"{name}: overriding more than needed: {changed}"
        assert environment["MAGISTERE_TRANSPORT"] == "amqp"
        process = magistere.start(name, command, clean_environment(**environment),
                                  {name: f"http://127.0.0.1:{port}"})
        processes[name] = (process, health_path(service))
    assert partition_map is not None, "tracking runs without a partition map"

    for name, (process, path) in processes.items():
        process.wait_ready()  # /ready: store open, broker connected, consumers running
        assert http("GET", process.url(name) + path).status == 200, f"{name}: compose health check {path} fails"

    secret = pathlib.Path(secrets["auth"]).read_text().strip()
    platform = Platform(*(processes[name][0].url(name) for name in ("catalog", "enrolment", "tracking-a")),
                        tokens=Tokens(secret=secret), wait=SCENARIO_WAIT_SECONDS)
    teacher = f"ens-{uuid.uuid4().hex[:10]}"

    course = platform.publish_course()                                  # catalog → CoursePublished
    session = platform.schedule_session(course["courseID"])             # polls until enrolment heard of it
    # The session's owner, by the map: the scenario talks to it (the other instance forwards or redirects, as
    # test_tracking_partitions shows)
    partition = tracking_partition(session["id"])
    owner = next(name for name, entry in partition_map["instances"].items()
                 if partition in partition_numbers(entry["partitions"]))
    platform.tracking = processes[owner][0].url(owner)
    print(f"session {session['id']} is in partition {partition}, owned by {owner}")
    enrolment_id = platform.approved_enrolment(session["id"], teacher)  # enrolment → EnrolmentApproved
    before = platform.wait_tracked(enrolment_id)                        # polls until tracking heard of it
    assert before["requiredDone"] == 0 and before["participantID"] == teacher

    platform.progress(enrolment_id, teacher, {"id": "video-1", "activityID": "video", "timeSpentSeconds": 3000,
                                              "completed": True}).expect(201)
    platform.progress(enrolment_id, teacher, {"id": "quiz-1", "activityID": "quiz", "score": 0.5}).expect(201)
    last_progress = {"id": "quiz-2", "activityID": "quiz", "timeSpentSeconds": 600, "score": 0.85}
    assert platform.progress(enrolment_id, teacher, last_progress).expect(201).json()["requiredDone"] == 2

    connection = broker(amqp_url)
    try:
        channel = connection.channel()
        channel.exchange_declare(exchange, exchange_type="topic", durable=True)  # the services declared it already
        queue = channel.queue_declare("", exclusive=True, auto_delete=True).method.queue
        channel.queue_bind(queue, exchange, routing_key=COMPLETED)

        started = time.monotonic()
        sheet = [{"enrolmentID": enrolment_id, "status": "present"}]
        assert platform.attendance(session["id"], sheet).expect(200).json()["completedEnrolments"] == [enrolment_id]

        received = []
        deadline = started + FIRST_EVENT_WITHIN_SECONDS
        while not received and time.monotonic() < deadline:
            method, properties, body = channel.basic_get(queue, auto_ack=True)
            if method is None:
                connection.sleep(0.05)
            else:
                received.append((method, properties, body))
        latency = time.monotonic() - started
        assert received, f"no {COMPLETED} on {exchange} within {FIRST_EVENT_WITHIN_SECONDS}s of the last step"
        print(f"completion event received {latency:.3f}s after the attendance was recorded")

        # The same last steps again (a retried request, a re-sent sheet): still one event.
        assert platform.progress(enrolment_id, teacher, last_progress).expect(200).headers["idempotent-replayed"] == "true"
        platform.attendance(session["id"], sheet).expect(200)
        quiet_until = time.monotonic() + QUIET_AFTER_SECONDS
        while time.monotonic() < quiet_until:
            method, properties, body = channel.basic_get(queue, auto_ack=True)
            if method is None:
                connection.sleep(0.1)
            else:
                received.append((method, properties, body))
        assert len(received) == 1, f"expected exactly one completion, got {len(received)}: {[b for _, _, b in received]}"
    finally:
        if connection.is_open:
            connection.close()

    method, properties, body = received[0]
    event = json.loads(body)
    assert method.routing_key == COMPLETED == event["type"]
    assert event["specversion"] == "1.0" and event["source"] == "/magistere/tracking"
    assert event["subject"] == enrolment_id
    assert properties.message_id == event["id"] and properties.app_id == "tracking"
    assert properties.content_type == "application/cloudevents+json" and properties.delivery_mode == 2
    data = event["data"]
    assert data["enrolmentID"] == enrolment_id and data["participantID"] == teacher
    assert data["sessionID"] == session["id"]
    assert data["course"] == {"courseID": course["courseID"], "version": 1}
    assert data["academy"] == "lyon" and data["schoolLevel"] == "primary"
    assert data["distanceMinutes"] == Platform.VIDEO_MINUTES + Platform.QUIZ_MINUTES == 90
    assert data["inPersonMinutes"] == Platform.MEETING_MINUTES == 180
    assert data["ruleVersion"] == 2 and data["revision"] == 1
    assert data["criteriaMet"] == ["required-activities-completed", "completed:video", "passed:quiz",
                                   "attended:meeting"]
    schema_path = REPO / "Sources" / "Contracts" / "Schemas" / f"{COMPLETED}.schema.json"
    import jsonschema

    schema = json.loads(schema_path.read_text())
    validator = jsonschema.validators.validator_for(schema)
    validator(schema, format_checker=validator.FORMAT_CHECKER).validate(event)

    # Enrolment consumed the completion from its own queue: the enrolment is completed, the hours are on record.
    def recorded():
        record = platform.record(teacher)
        return record if record["totalMinutes"] == 270 else None

    record = poll("enrolment's yearly record to show the completion", recorded, SCENARIO_WAIT_SECONDS)
    assert record["distanceMinutes"] == 90 and record["inPersonMinutes"] == 180
    assert [t["enrolmentID"] for t in record["trainings"]] == [enrolment_id]
    assert record["obligation"]["doneMinutes"] == 270 and record["obligation"]["met"] is False
    enrolment = http("GET", f"{platform.enrolment}/enrolments/{enrolment_id}",
                     headers=platform.teacher(teacher)).expect(200).json()
    assert enrolment["state"] == "completed"

    # A forged completion: enrolment's own broker account publishes tracking's event type, with a faithful
    # `source`. RabbitMQ vouches for the user_id; enrolment's consumer parks it, and the record is unchanged.
    forged = dict(event, id=str(uuid.uuid4()))
    forged["data"] = dict(event["data"], enrolmentID=str(uuid.uuid4()))
    credentials = pika.PlainCredentials(accounts.user("enrolment"), accounts.password("enrolment"))
    parameters = pika.ConnectionParameters(accounts.host, accounts.port, "/", credentials, socket_timeout=10)
    forger = pika.BlockingConnection(parameters)
    try:
        forger.channel().basic_publish(exchange, COMPLETED, json.dumps(forged).encode(), pika.BasicProperties(
            message_id=forged["id"], type=COMPLETED, app_id="tracking", user_id=accounts.user("enrolment"),
            content_type="application/cloudevents+json", delivery_mode=2))
    finally:
        forger.close()

    def parked():
        connection = broker(amqp_url)
        try:
            channel = connection.channel()
            while True:
                method, properties, body = channel.basic_get("enrolment.events.dead", auto_ack=False)
                if method is None:
                    return None
                if properties.message_id == forged["id"]:
                    channel.basic_ack(method.delivery_tag)
                    return properties.headers
                channel.basic_nack(method.delivery_tag, requeue=True)
                return None
        finally:
            connection.close()

    headers = poll("enrolment to park the forged completion", parked, SCENARIO_WAIT_SECONDS)
    assert accounts.user("enrolment") in headers["x-magistere-reason"], headers
    assert platform.record(teacher)["totalMinutes"] == 270
