"""The docker-compose topology, run as three separate OS processes against the test RabbitMQ (no Docker engine here).

docker-compose.yml is parsed with PyYAML; catalog, enrolment and tracking are started as `magistere <command>` with
the compose file's own command and environment, overriding only what must differ on this machine:

- MAGISTERE_AMQP_URL → the test broker (MAGISTERE_TEST_AMQP_URL);
- MAGISTERE_AMQP_EXCHANGE → an exchange unique to this run (so no other run's events reach these processes, and
  this run's events reach no one else's); it is deleted at the end, which removes its bindings;
- MAGISTERE_DATA_DIR → a temporary folder per service; the port variable → a free port; MAGISTERE_HTTP_HOST →
  127.0.0.1.

The consuming queues have fixed names (`enrolment.events`, `tracking.events`, shared with any other run on the same
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
import pathlib
import subprocess
import re
import time
import urllib.parse
import uuid

import pika
import pika.exceptions
import yaml

from conftest import CLI, REPO, Platform, Tokens, clean_environment, free_port, http, poll

SERVICES = ("catalog", "enrolment", "tracking")
PORT_VARIABLE = {"catalog": "MAGISTERE_CATALOG_PORT", "enrolment": "MAGISTERE_ENROLMENT_PORT",
                 "tracking": "MAGISTERE_TRACKING_PORT"}
OVERRIDDEN = {"MAGISTERE_AMQP_URL", "MAGISTERE_AMQP_EXCHANGE", "MAGISTERE_DATA_DIR", "MAGISTERE_HTTP_HOST",
              "MAGISTERE_AMQP_PASSWORD_FILE", "MAGISTERE_AUTH_HS256_SECRET_FILE"}
FIXED_QUEUES = ("enrolment.events", "tracking.events")
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


def secret_files(amqp_url: str, tmp_path) -> dict[str, str]:
    """The compose file's secrets (/run/secrets/… in containers) as files of this run: the test broker's password,
    and an HS256 secret the three services share and `magistere token` signs with."""
    password = tmp_path / "amqp-password"
    password.write_text((urllib.parse.urlparse(amqp_url).password or "guest") + "\n")
    secret = tmp_path / "auth-hs256.secret"
    secret.write_text(uuid.uuid4().hex + uuid.uuid4().hex + "\n")
    return {"MAGISTERE_AMQP_PASSWORD_FILE": str(password), "MAGISTERE_AUTH_HS256_SECRET_FILE": str(secret)}


def run_topology(magistere, amqp_url: str, exchange: str, tmp_path) -> None:
    services = compose_services()
    secrets = secret_files(amqp_url, tmp_path)
    # The one-shot broker-setup container runs first, so that the consumers' queues exist before the catalogue
    # publishes its seed: without it, a catalogue that starts first announces its courses to nobody.
    setup = services["broker-setup"]
    setup_environment = {key: str(value) for key, value in setup["environment"].items()}
    setup_environment.update({"MAGISTERE_AMQP_URL": amqp_url, "MAGISTERE_AMQP_EXCHANGE": exchange,
                              "MAGISTERE_AMQP_PASSWORD_FILE": secrets["MAGISTERE_AMQP_PASSWORD_FILE"]})
    done = subprocess.run([str(CLI), *[str(part) for part in setup["command"]]],
                          env=clean_environment(**setup_environment), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"broker setup failed: {done.stdout}{done.stderr}"
    assert "enrolment.events" in done.stdout and "tracking.events" in done.stdout
    processes = {}
    for name in SERVICES:
        service = services[name]
        command = [str(part) for part in service["command"]]
        compose_environment = {key: str(value) for key, value in service["environment"].items()}
        port = free_port()
        environment = dict(compose_environment)
        environment.update({
            "MAGISTERE_AMQP_URL": amqp_url, "MAGISTERE_AMQP_EXCHANGE": exchange,
            "MAGISTERE_DATA_DIR": str(tmp_path / f"{name}-data"), "MAGISTERE_HTTP_HOST": "127.0.0.1",
            PORT_VARIABLE[name]: str(port), **secrets,
        })
        changed = {key for key in environment if compose_environment.get(key) != environment[key]}
        assert changed <= OVERRIDDEN | {PORT_VARIABLE[name]}, f"{name}: overriding more than needed: {changed}"
        assert environment["MAGISTERE_TRANSPORT"] == "amqp"
        process = magistere.start(name, command, clean_environment(**environment),
                                  {name: f"http://127.0.0.1:{port}"})
        processes[name] = (process, health_path(service))

    for name, (process, path) in processes.items():
        process.wait_ready()  # /ready: store open, broker connected, consumers running
        assert http("GET", process.url(name) + path).status == 200, f"{name}: compose health check {path} fails"

    secret = pathlib.Path(secrets["MAGISTERE_AUTH_HS256_SECRET_FILE"]).read_text().strip()
    platform = Platform(*(processes[name][0].url(name) for name in SERVICES), tokens=Tokens(secret=secret),
                        wait=SCENARIO_WAIT_SECONDS)
    teacher = f"ens-{uuid.uuid4().hex[:10]}"

    course = platform.publish_course()                                  # catalog → CoursePublished
    session = platform.schedule_session(course["courseID"])             # polls until enrolment heard of it
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
    assert data["ruleVersion"] == 1
    assert set(data["criteriaMet"]) == {"required-activities-completed", "required-quizzes-passed",
                                        "required-meetings-attended"}
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
