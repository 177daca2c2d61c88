"""Each service's OpenAPI document, linted by a real OpenAPI tool (openapi-spec-validator, from PyPI).

The documents are the data files `Sources/<Service>/OpenAPI/openapi.json`; PlatformTests checks them against the
routers and the access tables, and this test checks that they are valid OpenAPI 3.1 for any tool that reads them
(schemathesis, code generators, API gateways). The file is read from the source tree and compared with what the
running service serves, so the served document is the linted one.
"""

from __future__ import annotations

import json

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from conftest import REPO, http

SERVICES = {"catalog": "CatalogService", "enrolment": "EnrolmentService", "tracking": "TrackingService"}


@pytest.fixture(scope="module")
def up(magistere_module):
    process = magistere_module.start_up(magistere_module.directory / "data")
    process.wait_ready()
    return process


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_the_served_document_is_the_file_and_valid_openapi_3_1(up, service: str) -> None:
    path = REPO / "Sources" / SERVICES[service] / "OpenAPI" / "openapi.json"
    text = path.read_bytes()
    served = http("GET", up.url(service) + "/openapi.json").expect(200)
    assert served.body == text, f"{service} serves something else than {path}"
    document = json.loads(text)
    assert document["openapi"].startswith("3.1")
    try:
        validate(document)
    except OpenAPIValidationError as error:
        pytest.fail(f"{path} is not valid OpenAPI: {error}")


def test_the_linter_is_not_vacuous() -> None:
    broken = json.loads((REPO / "Sources" / "TrackingService" / "OpenAPI" / "openapi.json").read_text())
    broken["paths"]["/health"]["get"]["responses"] = {"200": {"description": 3}}
    with pytest.raises(OpenAPIValidationError):
        validate(broken)
