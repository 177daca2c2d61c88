"""Hostile input against a running `magistere up`: no request may take a service down, nor credit an hour that the
session's staff did not grant (issue 11).

Two tests, both against one `magistere up` (the three services in one process: one crash would take all three):

- every body route of every service's OpenAPI document receives a skeleton body built from its schema, then the
  same body with every number replaced by extreme values (hypothesis draws them, bounded examples, fixed seed),
  with its arrays blown up, its strings made huge, and a document nested far deeper than any parser should follow;
  after each operation the process must still be alive and every service `/ready`, and no answer may be a 5xx
  (except the xAPI 503 that asks a client to retry);
- a hostile participant's bounded mix — self-certified attendance (JSON and xAPI), absurd durations, oversized
  batches, extreme numbers — after which every service is still ready and no hour was credited without the
  trainer's attendance sheet.
"""

from __future__ import annotations

import copy
import json
import uuid

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from conftest import Platform, http, seeded_platform

SUBJECT = "hostile-0001"
EXTREME_INTEGERS = [2**63 - 1, -(2**63), 2**63, -(2**63) - 1, 2**64, 10**30, -(10**30), 2**53 + 1]
EXTREME_FLOATS = [1e308, -1e308, 1e-320, 1.7976931348623157e308]
DEEP = 100_000
ACTIVITY_PREFIX = "https://magistere.education.gouv.fr/xapi/activities/"
HOME_PAGE = "https://magistere.education.gouv.fr"


@pytest.fixture(scope="module")
def world(magistere_module):
    return seeded_platform(magistere_module, SUBJECT)


def assert_alive(world: dict, after: str) -> None:
    up = world["up"]
    assert up.process.poll() is None, f"magistere up died after {after} (exit {up.process.returncode})"
    for service in ("catalog", "enrolment", "tracking"):
        reply = http("GET", up.url(service) + "/ready")
        assert reply.status == 200, f"{service} not ready after {after}: {reply.status} {reply.body[:300]!r}"


# ---------------------------------------------------------------------------------------------------------------
# Bodies from the OpenAPI schemas


def resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        node = document
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def skeleton(document: dict, schema: dict, world: dict, depth: int = 0) -> object:
    """A plausible instance of `schema`: every property, one array item, the first enum value."""
    schema = resolve(document, schema)
    if depth > 12:
        return None
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return skeleton(document, schema[key][0], world, depth + 1)
    if "allOf" in schema:
        merged: dict = {}
        for part in schema["allOf"]:
            value = skeleton(document, part, world, depth + 1)
            if isinstance(value, dict):
                merged.update(value)
        return merged
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "object" or "properties" in schema:
        return {name: skeleton(document, sub, world, depth + 1) for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return [skeleton(document, schema.get("items", {}), world, depth + 1)]
    if kind == "integer":
        return 1
    if kind == "number":
        return 0.5
    if kind == "boolean":
        return True
    fmt = schema.get("format")
    if fmt == "date-time":
        return "2026-12-01T10:00:00Z"
    if fmt == "uuid":
        return world["enrolment"]
    return "x"


def with_leaves(value: object, kinds: tuple, replace) -> object:
    """`value` with every leaf of one of `kinds` replaced by `replace(leaf)` (booleans are not numbers here)."""
    if isinstance(value, dict):
        return {key: with_leaves(item, kinds, replace) for key, item in value.items()}
    if isinstance(value, list):
        return [with_leaves(item, kinds, replace) for item in value]
    if isinstance(value, kinds) and not isinstance(value, bool):
        return replace(value)
    return value


def doubled(value: object) -> object:
    if isinstance(value, dict):
        return {key: doubled(item) for key, item in value.items()}
    if isinstance(value, list):
        return [doubled(item) for item in value] * 2
    return value


def body_operations(world: dict) -> list[tuple[str, str, str, dict]]:
    """(service, method, url, JSON skeleton) for every operation with a JSON request body."""
    pinned = {"id": None, "version": "1", "activityID": "video"}
    found = []
    for service in ("catalog", "enrolment", "tracking"):
        base = world["up"].url(service)
        document = http("GET", base + "/openapi.json").expect(200).json()
        for path, item in document["paths"].items():
            for method, operation in item.items():
                if method not in ("post", "put", "patch"):
                    continue
                content = operation.get("requestBody", {}).get("content", {})
                if "application/json" not in content:
                    continue
                concrete = path
                for name, value in pinned.items():
                    if value is None:
                        value = world["course"] if path.startswith("/courses") else (
                            world["session"] if path.startswith("/sessions") else world["enrolment"])
                    concrete = concrete.replace("{" + name + "}", value)
                concrete = concrete.replace("{academy}", "lyon")
                body = skeleton(document, content["application/json"].get("schema", {}), world)
                found.append((service, method.upper(), base + concrete, body))
    assert len(found) >= 10, f"too few body routes found: {[f[2] for f in found]}"
    return found


SENT: list[int] = []


def send(world: dict, method: str, url: str, raw: bytes) -> int:
    headers = dict(world["headers"], **{"X-Experience-API-Version": "1.0.3"})
    if method == "PUT" and "/courses/" in url:
        headers["If-Match"] = '"1"'
    reply = http(method, url, raw=raw, headers=headers, content_type="application/json")
    SENT.append(reply.status)
    acceptable_retry = reply.status == 503 and "/xapi/" in url
    assert reply.status < 500 or acceptable_retry, f"{method} {url} answered {reply.status}: {reply.body[:500]!r}"
    return reply.status


def bounded(raw: bytes, limit: int = 1_100_000) -> bytes:
    """The body, or (when it is larger than `limit`) the same JSON cut short: the service must refuse it without
    reading on, and the test must not stall a socket on megabytes nobody reads."""
    return raw if len(raw) <= limit else raw[:limit]


number = st.one_of(st.sampled_from(EXTREME_INTEGERS), st.sampled_from(EXTREME_FLOATS),
                   st.integers(min_value=-(2**70), max_value=2**70))


def test_no_body_route_falls_over_on_extreme_numbers_huge_arrays_or_deep_documents(world) -> None:
    operations = body_operations(world)
    print(f"{len(operations)} body routes: " + ", ".join(f"{m} {u.split('/', 3)[-1]}" for _, m, u, _ in operations))
    for service, method, url, body in operations:
        where = f"{service} {method} {url}"

        @seed(20261202)
        @settings(max_examples=12, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(value=number)
        def extreme_numbers(value) -> None:
            # Every number extreme, and every list doubled, so that sums of extremes are tried as well.
            mutated = doubled(with_leaves(body, (int, float), lambda _: value))
            send(world, method, url, json.dumps(mutated).encode())

        extreme_numbers()
        # Arrays blown up, then strings: each in one request of at most ~1 MB, around the body limits (256 KiB
        # JSON, 1 MiB xAPI), so that both sides of each limit are tried and 413 is a fine answer.
        for copies in (2_000, 20_000):
            huge_arrays = copy.deepcopy(body)
            if isinstance(huge_arrays, dict):
                huge_arrays = {k: (v * copies if isinstance(v, list) else v) for k, v in huge_arrays.items()}
            elif isinstance(huge_arrays, list):
                huge_arrays = huge_arrays * copies
            send(world, method, url, bounded(json.dumps(huge_arrays).encode()))
        send(world, method, url, bounded(json.dumps(with_leaves(body, (str,), lambda _: "é" * 40_000)).encode()))
        send(world, method, url, ("[" * DEEP + "]" * DEEP).encode())
        send(world, method, url, ('{"a":' * DEEP + "1" + "}" * DEEP).encode())
        assert_alive(world, where)
    print(f"{len(SENT)} hostile requests, statuses {sorted(set(SENT))}")
    assert len(SENT) >= len(operations) * 16


# ---------------------------------------------------------------------------------------------------------------
# A hostile participant


def statement(verb: str, activity: str, registration: str, actor: str, result: dict | None = None) -> dict:
    document = {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "account": {"homePage": HOME_PAGE, "name": actor}},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
        "object": {"objectType": "Activity", "id": activity},
        "context": {"registration": registration},
    }
    if result is not None:
        document["result"] = result
    return document


def test_a_hostile_participant_takes_nothing_down_and_credits_no_hour(world) -> None:
    # Given an approved teacher of a session of her own (the module's may have been cancelled by the first test),
    # who has not been to the meeting
    platform: Platform = world["platform"]
    up = world["up"]
    # The first test's every-role token reached POST /consumers/pause with its bodies: consume again.
    for service in ("catalog", "enrolment", "tracking"):
        http("POST", up.url(service) + "/consumers/resume", headers=world["headers"]).expect(200)
    course = platform.publish_course()["courseID"]  # the first test may have archived the module's course
    session = platform.schedule_session(course)["id"]
    teacher = f"hostile-{uuid.uuid4().hex[:6]}"
    enrolment = platform.approved_enrolment(session, teacher)
    platform.wait_tracked(enrolment)
    mine = platform.teacher(teacher)
    xapi = dict(mine, **{"X-Experience-API-Version": "1.0.3"})
    tracking = up.url("tracking")
    activity = lambda name: f"{ACTIVITY_PREFIX}{course}/{name}"  # noqa: E731

    # When she tries, for a bounded while, everything that might crash a service or earn her the hours
    statuses: dict[str, set[int]] = {}

    def note(kind: str, status: int) -> None:
        statuses.setdefault(kind, set()).add(status)
        assert status < 500 or (status == 503 and kind.startswith("xapi")), f"{kind}: HTTP {status}"

    for round_number in range(3):
        note("json completed meeting", platform.progress(enrolment, teacher, {
            "id": f"meet-{round_number}", "activityID": "meeting", "completed": True}).status)
        for seconds in (2**63, -(2**63) - 1, 10**30, 1e308, 8 * 3600 + 1):
            note("json absurd time", platform.progress(enrolment, teacher, {
                "id": f"t-{round_number}-{seconds}", "activityID": "video", "timeSpentSeconds": seconds}).status)
        note("json backdated", platform.progress(enrolment, teacher, {
            "id": f"old-{round_number}", "activityID": "video", "completed": True,
            "occurredAt": "2001-01-01T00:00:00Z"}).status)
        attended = statement("attended", activity("meeting"), enrolment, teacher)
        note("xapi attended", http("POST", f"{tracking}/xapi/statements", attended, xapi).status)
        for duration in ("PT99999999999999999999S", "P9999999999Y", "PT9H"):
            note("xapi duration", http("POST", f"{tracking}/xapi/statements", statement(
                "completed", activity("video"), enrolment, teacher, {"duration": duration}), xapi).status)
        batch = [statement("progressed", activity("video"), enrolment, teacher) for _ in range(251)]
        note("xapi batch 251", http("POST", f"{tracking}/xapi/statements", batch, xapi).status)
        note("xapi batch 250", http("POST", f"{tracking}/xapi/statements", batch[:250], xapi).status)
        note("xapi score", http("POST", f"{tracking}/xapi/statements", statement(
            "passed", activity("quiz"), enrolment, teacher, {"score": {"scaled": 1e308}}), xapi).status)
        note("xapi passed", http("POST", f"{tracking}/xapi/statements", statement(
            "passed", activity("quiz"), enrolment, teacher, {"score": {"scaled": 0.95}}), xapi).status)

    # Then every service still answers, and the refusals were the documented ones
    assert_alive(world, "the hostile participant's mix")
    assert statuses["json completed meeting"] == {422}
    assert statuses["json absurd time"] <= {400, 422}
    assert statuses["xapi duration"] == {400}
    assert statuses["xapi batch 251"] == {413}
    assert statuses["xapi batch 250"] == {200}
    assert statuses["xapi score"] == {400}
    # And the meeting is a claim the trainer sees, not an attendance: the course is not completed, no hour credited
    progress = http("GET", f"{tracking}/enrolments/{enrolment}/progress", headers=mine).expect(200).json()
    meeting = next(a for a in progress["activities"] if a["activityID"] == "meeting")
    assert meeting.get("attendance") is None and meeting["done"] is False
    assert meeting.get("attendanceClaimedAt")
    assert progress.get("completion") is None
    table = http("GET", f"{tracking}/sessions/{session}/progress", headers=platform.trainer()).expect(200).json()
    row = next(p for p in table["participants"] if p["enrolmentID"] == enrolment)
    assert "meeting" in row["attendanceClaims"] and row["completed"] is False
    record = platform.record(teacher)
    assert record["totalMinutes"] == 0 and record["trainings"] == []
