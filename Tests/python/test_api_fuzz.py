"""Each service's OpenAPI document, fuzzed with schemathesis (PyPI) against a running `magistere up`.

One `magistere up` (embedded bus, temporary data folder, free ports) serves the module. Before fuzzing, the scenario
of conftest.Platform creates real data: a published course, an open session of it and an approved enrolment of the
fuzzing caller, so that path parameters can name things that exist and the fuzzer reaches the handlers' logic instead
of stopping at 404. Then, per service, `schemathesis run <service>/openapi.json` with:

- a bearer token holding every role, for the academy of that data (routes answer 2xx, or the 4xx they document);
- path parameters pinned per route family to the real ids (a config file generated for the run); every other part
  of each request (bodies, query strings, headers) is generated, valid and invalid;
- the checks `not_a_server_error` (zero 5xx), `status_code_conformance`, `content_type_conformance` and
  `response_schema_conformance` (every response is one the document describes, with its schema);
- the phases examples, coverage and fuzzing, a fixed seed (a failure reproduces), a bounded number of examples.

A failure prints schemathesis' report: the request (as curl) and what contradicted the document.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

from conftest import seeded_platform, skip_unless_ci

FUZZ_SUBJECT = "fuzz-0001"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
MAX_EXAMPLES = int(os.environ.get("MAGISTERE_TEST_FUZZ_EXAMPLES", "25"))
SEED = os.environ.get("MAGISTERE_TEST_FUZZ_SEED", "20261129")
RUN_TIMEOUT_SECONDS = 600


def schemathesis_command() -> list[str]:
    executable = pathlib.Path(sys.executable).with_name("schemathesis")
    if not executable.exists():
        skip_unless_ci("schemathesis is not installed: pip install -r Tests/python/requirements.txt")
    return [str(executable)]


@pytest.fixture(scope="module")
def world(magistere_module):
    """`magistere up` with a course, an open session and the fuzzing caller's approved enrolment."""
    return seeded_platform(magistere_module, FUZZ_SUBJECT)


def pinned_ids(service: str, world: dict) -> list[tuple[str, dict[str, str]]]:
    """Per route family (a regular expression on the path), the path parameters pinned to real ids."""
    if service == "catalog":
        return [("^/courses/", {"id": world["course"], "version": "1", "activityID": "video"})]
    if service == "enrolment":
        return [("^/sessions/", {"id": world["session"]}), ("^/enrolments/", {"id": world["enrolment"]}),
                ("^/teachers/", {"id": FUZZ_SUBJECT})]
    return [("^/sessions/", {"id": world["session"]}), ("^/enrolments/", {"id": world["enrolment"]})]


def config_file(service: str, world: dict) -> pathlib.Path:
    lines = ["[generation]", f"max-examples = {MAX_EXAMPLES}", ""]
    for pattern, parameters in pinned_ids(service, world):
        lines += ["[[operations]]", f'include-path-regex = "{pattern}"', "[operations.parameters]"]
        lines += [f'"path.{name}" = "{value}"' for name, value in parameters.items()]
        lines.append("")
    path = world["directory"] / f"schemathesis-{service}.toml"
    path.write_text("\n".join(lines))
    return path


@pytest.mark.parametrize("service", ["catalog", "enrolment", "tracking"])
def test_the_service_honours_its_openapi_document_under_fuzzing(world, service: str) -> None:
    up = world["up"]
    command = [
        *schemathesis_command(), "--config-file", str(config_file(service, world)),
        "run", f"{up.url(service)}/openapi.json",
        "-H", f"Authorization: Bearer {world['token']}",
        "--checks", CHECKS, "--phases", "examples,coverage,fuzzing", "--seed", SEED, "--no-shrink",
        "--workers", "1", "--request-timeout", "10", "--max-failures", "20",
    ]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=RUN_TIMEOUT_SECONDS,
                                cwd=world["directory"])
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"schemathesis did not finish within {RUN_TIMEOUT_SECONDS}s\n{(error.stdout or '')[-4000:]}")
    report = result.stdout + result.stderr
    assert result.returncode == 0, f"schemathesis found problems in {service}:\n{report[-12000:]}"
    assert "Tested:" in report or "tested" in report.lower(), report[-2000:]
