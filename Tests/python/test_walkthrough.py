"""docs/walkthrough.md cannot go stale: its `# walkthrough` shell blocks are run, in order, against a fresh
`magistere up` (embedded bus, data in a temporary folder), and every command must succeed.

The blocks are extracted from the markdown (```sh fences whose first line is `# walkthrough`), joined into one bash
script run with `set -euo pipefail` (the blocks share shell variables, as in the reader's terminal) and with
CATALOG/ENROLMENT/TRACKING pointing at the test's servers. Every curl of the page uses `-f` (or `expect_status` for the
requests meant to be refused), so a changed route, body or status fails here. A few outputs the page promises are then
checked in the script's output: the waiting list, the promotion, the completion, the 18 h / 9 h obligation.

Ports: free ones by default; MAGISTERE_TEST_WALKTHROUGH_PORTS="8081,8082,8083" runs on given ports (they must be
free). The whole script gets WALKTHROUGH_TIMEOUT_SECONDS.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from conftest import CLI, REPO, clean_environment, port_in_use, skip_unless_ci

DOC = REPO / "docs" / "walkthrough.md"
BLOCK = re.compile(r"^```sh\n# walkthrough\n(.*?)^```", re.MULTILINE | re.DOTALL)
WALKTHROUGH_TIMEOUT_SECONDS = 120


def walkthrough_blocks() -> list[str]:
    return BLOCK.findall(DOC.read_text())


def script(blocks: list[str]) -> str:
    parts = ["set -euo pipefail",
             "trap 'echo \"walkthrough: command failed (exit $?) in block $BLOCK, line $LINENO: $BASH_COMMAND\" >&2' ERR"]
    for number, block in enumerate(blocks, start=1):
        parts.append(f"BLOCK={number}; echo '@@ block {number}'")
        parts.append(block)
    return "\n".join(parts) + "\n"


def test_the_walkthrough_has_blocks_for_every_step() -> None:
    blocks = walkthrough_blocks()
    assert len(blocks) >= 15, f"only {len(blocks)} `# walkthrough` blocks in {DOC}"
    text = "\n".join(blocks)
    for route in ("/search", "/courses", "/publish", "/sessions", "/open", "/applications", "/approve", "/refuse",
                  "/withdraw", "/designations", "/designations.csv", "/accept", "/enrolments", "/progress",
                  "/attendance", "/xapi/statements", "/record", "/attestation", "/needs/", "/coverage/", "/plans/",
                  "/versions/1/publish", "/versions/1/designations", "/paf/", "/modules", "/audit", "/rules", "/reevaluation"):
        assert route in text, f"the walk-through no longer exercises {route}"
    assert "curl " in text and "Authorization: Bearer" in text and "X-Actor-ID" not in text


def test_the_walkthrough_runs_against_magistere_up(magistere, tmp_path) -> None:
    if shutil.which("bash") is None or shutil.which("curl") is None:
        skip_unless_ci("bash and curl are needed to run the walk-through")
    blocks = walkthrough_blocks()
    assert blocks, f"no `# walkthrough` blocks in {DOC}"

    ports = None
    fixed = os.environ.get("MAGISTERE_TEST_WALKTHROUGH_PORTS")
    if fixed:
        ports = dict(zip(("catalog", "enrolment", "tracking"), (int(p) for p in fixed.split(","))))
        busy = [p for p in ports.values() if port_in_use(p)]
        assert not busy, f"ports {busy} are taken: stop whatever listens there (scripts/run?)"
    up = magistere.start_up(tmp_path / "data", ports=ports)
    up.wait_ready()

    work = tmp_path / "reader"
    work.mkdir()
    environment = clean_environment(CATALOG=up.url("catalog"), ENROLMENT=up.url("enrolment"),
                                    TRACKING=up.url("tracking"), MAGISTERE=str(CLI), DATA=str(tmp_path / "data"),
                                    LC_ALL="C.UTF-8")
    try:
        result = subprocess.run(["bash", "-c", script(blocks)], cwd=work, env=environment, capture_output=True,
                                text=True, timeout=WALKTHROUGH_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"the walk-through did not finish within {WALKTHROUGH_TIMEOUT_SECONDS}s\n"
                    f"stdout (tail):\n{(error.stdout or '')[-4000:]}\nstderr:\n{error.stderr}")
    output = result.stdout
    if result.returncode != 0:
        pytest.fail(f"the walk-through failed (exit {result.returncode})\n--- stderr ---\n{result.stderr[-3000:]}\n"
                    f"--- stdout (tail) ---\n{output[-5000:]}")
    assert output.count("@@ block") == len(blocks)

    # What the page tells the reader they will see.
    assert '"waitlistPosition":2' in output, "the second waitlisted teacher shows position 2"
    assert '"command":"promote"' in output, "a withdrawal promotes the first waitlisted teacher"
    assert "Idempotent-Replayed: true" in output
    assert '"completion":{"completedAt"' in output, "tracking shows the completion"
    assert '"state":"completed"' in output
    assert '"distanceMinutes":90,"inPersonMinutes":180' in output
    # Section 2 and 7: the designer's rules decide, and the completion names each criterion met.
    assert '"completed:video","minimum-time:video","passed:quiz","attended:meeting"' in output
    # Section 8.1: a correction without a reason is refused; with one, the record goes down, then back up.
    assert "say why" in output and "HTTP 422" in output
    assert '"totalMinutes":0,"trainings":[]' in output, "the revoked training left the record"
    assert '"command":"revokeCompletion"' in output and '"action":"attendance-corrected"' in output
    assert '"revision":2' in output and '"totalMinutes":270' in output
    # Section 8.2: a designer's correction of the rules, a session re-evaluated under it, nothing changed.
    assert '"rulesRevision":2,"version":1' in output and '"result":"unchanged"' in output
    assert '"requiredDistanceMinutes":540,"requiredMinutes":1080' in output
    assert "(18 h, 9 h of it digital) is not met: 13 h 30 missing" in output
    # Section 9: the district's coverage, and the inspector refused another district.
    assert '"updatedBy":"ien-lyon-03"' in output
    assert '"doneMinutes":270' in output and '"short":["ens-0001","ens-0004","ens-0005"]' in output
    assert '"teachersConcerned":2,"theme":"Calcul en ligne"' in output
    # Section 10: a district's year planned — a bad plan refused, version 1 drafted, published, immutable, designated.
    assert "The training plan file is not valid" in output
    assert '"state":"draft","unansweredThemes":["Lecture au CP"]' in output
    assert "\npublished\n" in output and "a published plan never changes" in output
    assert '"participantID":"ens-0006"' in output and '"participantID":"ens-0007"' in output
    assert '"planVersion":1' in output
    # Section 10.1: the academy's PAF — drafted, published, its teachers designated, its module reported.
    assert '"seatsTaken":2' in output and '"teachersPlannedEnrolled":2' in output
    assert output.count("HTTP 403") == 4 and "HTTP 401" in output, "the refusals of sections 9 and 11"
