"""An outside system subscribes to M@gistère events with a generic AMQP client and none of our code.

The subscriber here is plain `pika`: it declares its own exclusive queue, binds it to the durable topic exchange
`magistere.events` with the binding key `catalog.#`, and publishes nothing itself. Our Swift CLI publishes a sample
`catalog.course.published.v1` event (through a real outbox and relay); the subscriber must receive it as a
structured-mode CloudEvent 1.0 with the AMQP properties the README documents.

Run by scripts/test, which exports MAGISTERE_TEST_AMQP_URL and MAGISTERE_REPO and builds the CLI first. Outside CI
(env CI unset) the test skips when the CLI is not built yet or no broker is configured; under CI it fails instead.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import subprocess
import time
from datetime import datetime

import pika
import pytest

EXCHANGE = "magistere.events"
BINDING_KEY = "catalog.#"
EVENT_TYPE = "catalog.course.published.v1"
RECEIVE_TIMEOUT_SECONDS = 20
CLI_TIMEOUT_SECONDS = 60

REPO = pathlib.Path(os.environ.get("MAGISTERE_REPO") or pathlib.Path(__file__).resolve().parents[2])
CLI = pathlib.Path(os.environ.get("MAGISTERE_CLI") or REPO / ".build" / "debug" / "magistere")

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
TRACEPARENT = re.compile(r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def skip_unless_ci(reason: str) -> None:
    """Outside CI a missing prerequisite skips the test; under CI it is a failure, never a quiet skip."""
    if under_ci():
        pytest.fail(f"{reason} (CI is set, so this fails instead of skipping)")
    pytest.skip(reason)


def run_publish_sample(amqp_url: str) -> subprocess.CompletedProcess[str]:
    command = [str(CLI), "dev", "publish-sample", "--amqp-url", amqp_url, "--type", EVENT_TYPE]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=CLI_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"{' '.join(command)} did not finish within {CLI_TIMEOUT_SECONDS}s\n"
                    f"stdout:\n{error.stdout}\nstderr:\n{error.stderr}")
    if result.returncode != 0:
        pytest.fail(f"{' '.join(command)} exited with {result.returncode}\n"
                    f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}")
    return result


def test_outside_pika_subscriber_receives_a_cloudevent() -> None:
    amqp_url = os.environ.get("MAGISTERE_TEST_AMQP_URL")
    if not amqp_url:
        skip_unless_ci("MAGISTERE_TEST_AMQP_URL is not set: run the tests with scripts/test")
    if not (CLI.is_file() and os.access(CLI, os.X_OK)):
        skip_unless_ci(f"the magistere CLI is not built yet ({CLI}): run `swift build` or scripts/test")

    parameters = pika.URLParameters(amqp_url)
    parameters.connection_attempts = 3
    parameters.retry_delay = 1
    parameters.socket_timeout = 10
    connection = pika.BlockingConnection(parameters)
    try:
        channel = connection.channel()
        # Our own queue, our own binding: nothing of the platform's code is involved on this side.
        channel.exchange_declare(exchange=EXCHANGE, exchange_type="topic", durable=True)
        queue = channel.queue_declare(queue="", exclusive=True).method.queue
        channel.queue_bind(queue=queue, exchange=EXCHANGE, routing_key=BINDING_KEY)

        run_publish_sample(amqp_url)

        seen: list[str] = []
        deadline = time.monotonic() + RECEIVE_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            method, properties, body = channel.basic_get(queue=queue, auto_ack=True)
            if method is None:
                connection.sleep(0.1)
                continue
            seen.append(method.routing_key)
            if method.routing_key == EVENT_TYPE:
                break
        else:
            pytest.fail(f"no {EVENT_TYPE} message reached the pika subscriber's queue within "
                        f"{RECEIVE_TIMEOUT_SECONDS}s (other routing keys received: {seen})")
    finally:
        if connection.is_open:
            connection.close()

    # AMQP properties.
    assert properties.content_type == "application/cloudevents+json"
    assert properties.delivery_mode == 2, "events must be persistent"
    assert properties.app_id == "catalog"

    # A structured-mode CloudEvent 1.0.
    event = json.loads(body)
    assert isinstance(event, dict), f"the body is not a JSON object: {body[:200]!r}"
    assert event.get("specversion") == "1.0"
    assert isinstance(event.get("id"), str) and event["id"], "id must be a non-empty string"
    assert event.get("source") == "/magistere/catalog"
    assert event.get("type") == EVENT_TYPE == method.routing_key
    assert isinstance(event.get("time"), str) and RFC3339.match(event["time"]), f"time is not RFC 3339: {event.get('time')!r}"
    datetime.fromisoformat(event["time"].replace("Z", "+00:00"))
    assert isinstance(event.get("subject"), str) and event["subject"], "subject must be a non-empty string"
    if "datacontenttype" in event:
        assert event["datacontenttype"] == "application/json"

    data = event.get("data")
    assert isinstance(data, dict), "data must be a JSON object"
    assert isinstance(data.get("courseID"), str) and data["courseID"], "data.courseID must be a non-empty string"
    assert isinstance(data.get("activities"), list) and data["activities"], "data.activities must be a non-empty list"
    assert event["subject"] == data["courseID"], "the subject of a course event is its course id"

    # The envelope mirrored in AMQP properties, so a subscriber can route and deduplicate without parsing the body.
    assert properties.message_id == event["id"]
    assert properties.type == event["type"]

    headers = properties.headers or {}
    if "traceparent" in headers:
        traceparent = headers["traceparent"]
        if isinstance(traceparent, bytes):
            traceparent = traceparent.decode()
        assert TRACEPARENT.match(traceparent), f"traceparent header is not W3C trace context: {traceparent!r}"

    # The published JSON Schema of the type, when the repository has it, accepts the event as received.
    schema_path = REPO / "Sources" / "Contracts" / "Schemas" / f"{EVENT_TYPE}.schema.json"
    if schema_path.is_file():
        import jsonschema

        schema = json.loads(schema_path.read_text())
        validator_class = jsonschema.validators.validator_for(schema)
        validator_class(schema, format_checker=validator_class.FORMAT_CHECKER).validate(event)
