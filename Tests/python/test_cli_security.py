"""The binary's security settings, from the outside: what `magistere token` signs, what a deployed service refuses to
start with (no token keys, RabbitMQ's guest account on a remote broker, a short secret), and the embedded mode's
secret file.
"""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import time

from conftest import CLI, clean_environment, http, skip_unless_ci


def run(*arguments: str, **environment: str) -> subprocess.CompletedProcess:
    if not CLI.exists():
        skip_unless_ci(f"{CLI} is not built: run scripts/test")
    return subprocess.run([str(CLI), *arguments], env=clean_environment(**environment), capture_output=True,
                          text=True, timeout=60)


def claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_token_signs_the_subject_roles_academy_and_lifetime(tmp_path) -> None:
    result = run("token", "--subject", "manager-lyon-01", "--role", "manager", "--role", "trainer",
                 "--academy", "lyon", "--ttl", "600", "--data-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    assert token.count(".") == 2
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["alg"] == "HS256"
    body = claims(token)
    assert body["sub"] == "manager-lyon-01" and body["roles"] == ["manager", "trainer"] and body["academy"] == "lyon"
    assert body["iss"] == "magistere" and "magistere" in body["aud"]
    assert abs(body["exp"] - (time.time() + 600)) < 30
    # The first use made the embedded secret, readable by its owner only; the next token uses the same one.
    secret = tmp_path / "auth-hs256.secret"
    assert stat.S_IMODE(os.stat(secret).st_mode) == 0o600
    assert len(secret.read_text().strip()) >= 32
    again = run("token", "--subject", "ens-0001", "--role", "participant", "--data-dir", str(tmp_path))
    assert again.returncode == 0 and secret.read_text().strip() == secret.read_text().strip()


def test_token_refuses_no_role_an_unknown_role_and_a_subject_that_is_not_a_pseudonymous_id(tmp_path) -> None:
    assert run("token", "--subject", "ens-0001", "--data-dir", str(tmp_path)).returncode != 0
    unknown = run("token", "--subject", "ens-0001", "--role", "superuser", "--data-dir", str(tmp_path))
    assert unknown.returncode != 0 and "superuser" in unknown.stderr
    email = run("token", "--subject", "jeanne.martin@ac-lyon.fr", "--role", "participant", "--data-dir", str(tmp_path))
    assert email.returncode != 0 and "pseudonymous" in email.stderr


def test_a_deployed_service_without_token_keys_does_not_start(tmp_path) -> None:
    result = run("catalog", "--data-dir", str(tmp_path), "--transport", "embedded", "--port", "1")
    assert result.returncode != 0
    assert "no token keys" in result.stderr, result.stderr
    short = run("catalog", "--data-dir", str(tmp_path), "--transport", "embedded", "--port", "1",
                MAGISTERE_AUTH_HS256_SECRET="too-short")
    assert short.returncode != 0 and "too short" in short.stderr, short.stderr
    missing = run("enrolment", "--data-dir", str(tmp_path), "--transport", "embedded", "--port", "1",
                  MAGISTERE_AUTH_JWKS_FILE=str(tmp_path / "no-such-jwks.json"))
    assert missing.returncode != 0 and "no-such-jwks.json" in missing.stderr, missing.stderr


def test_the_guest_account_is_refused_on_a_remote_broker(tmp_path) -> None:
    secret = "x" * 48
    for command in (["catalog"], ["broker", "setup"]):
        result = run(*command, "--amqp-url", "amqp://guest:guest@broker.example.org:5672/",
                     MAGISTERE_AUTH_HS256_SECRET=secret, MAGISTERE_DATA_DIR=str(tmp_path))
        assert result.returncode != 0
        assert "guest" in result.stderr and "its own user" in result.stderr, result.stderr


def test_the_tokens_of_magistere_token_open_magistere_up(magistere, tmp_path) -> None:
    up = magistere.start_up(tmp_path / "data")
    up.wait_ready()
    records = f"{up.url('enrolment')}/teachers/ens-0001/record"
    assert http("GET", records).status == 401
    mine = up.tokens.bearer("ens-0001", "participant")
    assert http("GET", records, headers=mine).status == 200
    assert http("GET", records, headers=up.tokens.bearer("ens-0002", "participant")).status == 403
    # A token signed with another secret is refused.
    other = run("token", "--subject", "ens-0001", "--role", "participant", "--data-dir", str(tmp_path / "elsewhere"))
    forged = http("GET", records, headers={"Authorization": f"Bearer {other.stdout.strip()}"})
    assert forged.status == 401 and "signature" in forged.headers.get("www-authenticate", "")
