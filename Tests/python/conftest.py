"""Shared fixtures of the outside-client tests: the `magistere` binary, processes of it, plain HTTP, bounded polling.

Test modules import the plain helpers (`from conftest import http, poll, Platform`: pytest puts this folder on
sys.path) and get process launchers as fixtures (`magistere`, `magistere_module`).

Every process a test starts is registered with the `magistere` fixture and stopped in its teardown (SIGTERM, then
SIGKILL after a grace period), whatever happened; its output goes to a log file whose tail is printed when a test
fails. Every wait is bounded. Outside CI (env CI unset) a missing prerequisite (binary not built, no broker) skips;
under CI it fails, never skipping silently.
"""

from __future__ import annotations

import json
import os
import pathlib
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

import pytest

REPO = pathlib.Path(os.environ.get("MAGISTERE_REPO") or pathlib.Path(__file__).resolve().parents[2])
CLI = pathlib.Path(os.environ.get("MAGISTERE_CLI") or REPO / ".build" / "debug" / "magistere")

READY_TIMEOUT_SECONDS = 60
STOP_GRACE_SECONDS = 10
HTTP_TIMEOUT_SECONDS = 15
# Environment variables that are the test harness's own, not settings of the binary.
HARNESS_VARIABLES = ("MAGISTERE_TEST_", "MAGISTERE_REPO", "MAGISTERE_CLI")


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def skip_unless_ci(reason: str) -> None:
    """Outside CI a missing prerequisite skips the test; under CI it is a failure, never a quiet skip."""
    if under_ci():
        pytest.fail(f"{reason} (CI is set, so this fails instead of skipping)")
    pytest.skip(reason)


def tracking_partition(session_id: str, count: int = 32) -> int:
    """The tracking partition of a session: FNV-1a (64 bit) of its UTF-8 id, modulo 32 (Contracts'
    `TrackingPartitions`)."""
    value = 0xcbf29ce484222325
    for byte in session_id.encode("utf-8"):
        value ^= byte
        value = (value * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return value % count


def tracking_store(data: pathlib.Path, session_id: str) -> pathlib.Path:
    """The SQLite file holding a session's tracking state: one file per partition beside `tracking.sqlite`."""
    return data / f"tracking.p{tracking_partition(session_id):02d}.sqlite"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def clean_environment(**overrides: str) -> dict[str, str]:
    """This process's environment without any MAGISTERE_ setting (so nothing leaks in), plus `overrides`."""
    environment = {
        key: value for key, value in os.environ.items()
        if not key.startswith("MAGISTERE_") or key.startswith(HARNESS_VARIABLES)
    }
    environment.update(overrides)
    return environment


# ---------------------------------------------------------------------------------------------------------------
# HTTP with the standard library only


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            raise AssertionError(f"not JSON (HTTP {self.status}): {self.body[:500]!r}") from None

    def expect(self, *statuses: int) -> "Reply":
        assert self.status in statuses, f"expected HTTP {statuses}, got {self.status}: {self.body[:1000]!r}"
        return self


def http(method: str, url: str, body: Any = None, headers: dict[str, str] | None = None,
         raw: bytes | None = None, content_type: str | None = None) -> Reply:
    """One request; HTTP errors are returned as replies (never raised), transport errors raise."""
    data = raw
    all_headers = dict(headers or {})
    if body is not None:
        data = json.dumps(body).encode()
        all_headers.setdefault("Content-Type", "application/json")
    if content_type:
        all_headers["Content-Type"] = content_type
    request = urllib.request.Request(url, data=data, method=method, headers=all_headers)
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:
            return Reply(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())


def poll(what: str, check: Callable[[], Any], timeout: float = 15, interval: float = 0.1) -> Any:
    """Calls `check` until it returns something truthy (returned), failing after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        try:
            last = check()
        except (OSError, urllib.error.URLError) as error:  # a server not listening yet
            last = error
        else:
            if last:
                return last
        if time.monotonic() >= deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what} (last: {str(last)[:500]})")
        time.sleep(interval)


# ---------------------------------------------------------------------------------------------------------------
# Processes of the binary


# ---------------------------------------------------------------------------------------------------------------
# Bearer tokens, signed by the binary itself (`magistere token`)


class Tokens:
    """Mints bearer tokens with `magistere token`: from the data folder's secret (`magistere up`) or from an HS256
    secret given in the environment (services deployed on their own). Tokens are cached per (subject, roles,
    academy)."""

    def __init__(self, data_dir: pathlib.Path | None = None, secret: str | None = None) -> None:
        self.data_dir, self.secret = data_dir, secret
        self.cache: dict[tuple, str] = {}

    def token(self, subject: str, *roles: str, academy: str | None = None, districts: tuple[str, ...] = (),
              events: tuple[str, ...] = ()) -> str:
        key = (subject, roles, academy, districts, events)
        if key not in self.cache:
            arguments = [str(CLI), "token", "--subject", subject]
            for role in roles:
                arguments += ["--role", role]
            if academy:
                arguments += ["--academy", academy]
            for district in districts:
                arguments += ["--district", district]
            for event in events:
                arguments += ["--event", event]
            if self.data_dir is not None:
                arguments += ["--data-dir", str(self.data_dir)]
            environment = clean_environment(**({"MAGISTERE_AUTH_HS256_SECRET": self.secret} if self.secret else {}))
            result = subprocess.run(arguments, env=environment, capture_output=True, text=True, timeout=30)
            assert result.returncode == 0, f"magistere token failed: {result.stderr}"
            self.cache[key] = result.stdout.strip()
        return self.cache[key]

    def bearer(self, subject: str, *roles: str, academy: str | None = None,
               districts: tuple[str, ...] = (), events: tuple[str, ...] = ()) -> dict[str, str]:
        """The `Authorization` header of a token."""
        token = self.token(subject, *roles, academy=academy, districts=districts, events=events)
        return {"Authorization": f"Bearer {token}"}


@dataclass
class MagistereProcess:
    name: str
    arguments: list[str]
    log_path: pathlib.Path
    process: subprocess.Popen
    urls: dict[str, str] = field(default_factory=dict)
    tokens: Tokens | None = None

    def url(self, service: str) -> str:
        return self.urls[service]

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError as error:
            return f"(no log: {error})"
        return "\n".join(text.splitlines()[-lines:])

    def wait_ready(self, timeout: float = READY_TIMEOUT_SECONDS) -> None:
        """Waits for `/ready` of every HTTP endpoint of the process; fails early if the process exits."""
        deadline = time.monotonic() + timeout
        for service, base in self.urls.items():
            while True:
                if self.process.poll() is not None:
                    pytest.fail(f"{self.name} exited with {self.process.returncode} before {service} was ready\n"
                                f"--- last lines of {self.log_path} ---\n{self.log_tail()}")
                try:
                    if http("GET", base + "/ready").status == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() >= deadline:
                    pytest.fail(f"{self.name}: {service} at {base} not ready within {timeout}s\n"
                                f"--- last lines of {self.log_path} ---\n{self.log_tail()}")
                time.sleep(0.1)

    def stop(self) -> None:
        """SIGTERM (graceful shutdown), then SIGKILL if it is still there after the grace period."""
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_GRACE_SECONDS)


class Launcher:
    """Starts `magistere` processes for one test (or module) and stops them all at teardown."""

    def __init__(self, directory: pathlib.Path) -> None:
        self.directory = directory
        self.processes: list[MagistereProcess] = []

    def start(self, name: str, arguments: list[str], environment: dict[str, str],
              urls: dict[str, str]) -> MagistereProcess:
        if not (CLI.is_file() and os.access(CLI, os.X_OK)):
            skip_unless_ci(f"the magistere CLI is not built yet ({CLI}): run `swift build` or scripts/test")
        log_path = self.directory / f"{name}.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [str(CLI), *arguments], env=environment, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, cwd=self.directory)
        started = MagistereProcess(name, arguments, log_path, process, urls)
        self.processes.append(started)
        return started

    def start_up(self, data_dir: pathlib.Path, extra: list[str] | None = None,
                 ports: dict[str, int] | None = None) -> MagistereProcess:
        """`magistere up` (embedded bus, seed courses) on the given ports, or free ones; the web front too."""
        ports = dict(ports or {service: free_port() for service in ("catalog", "enrolment", "tracking")})
        ports.setdefault("web", free_port())
        arguments = [
            "up", "--data-dir", str(data_dir), "--host", "127.0.0.1",
            "--catalog-port", str(ports["catalog"]), "--enrolment-port", str(ports["enrolment"]),
            "--tracking-port", str(ports["tracking"]), "--web-port", str(ports["web"]), *(extra or []),
        ]
        urls = {service: f"http://127.0.0.1:{port}" for service, port in ports.items()}
        started = self.start("up", arguments, clean_environment(), urls)
        started.tokens = Tokens(data_dir=data_dir)
        return started

    def stop_all(self) -> None:
        for process in reversed(self.processes):
            process.stop()

    def logs(self) -> str:
        return "\n".join(f"--- last lines of {p.name} ({p.log_path}) ---\n{p.log_tail()}" for p in self.processes)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Attaches the tail of every process log to a failing test's report."""
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        launchers = [item.funcargs.get(name) for name in ("magistere", "magistere_module")]
        text = "\n".join(l.logs() for l in launchers if isinstance(l, Launcher) and l.processes)
        if text:
            report.sections.append(("magistere process logs", text))


@pytest.fixture
def magistere(tmp_path: pathlib.Path):
    """A launcher whose processes are stopped when the test ends."""
    launcher = Launcher(tmp_path)
    try:
        yield launcher
    finally:
        launcher.stop_all()


@pytest.fixture(scope="module")
def magistere_module(tmp_path_factory):
    """The same, for processes shared by a module's tests."""
    launcher = Launcher(tmp_path_factory.mktemp("magistere"))
    try:
        yield launcher
    finally:
        launcher.stop_all()


@pytest.fixture
def amqp_url() -> str:
    url = os.environ.get("MAGISTERE_TEST_AMQP_URL")
    if not url:
        skip_unless_ci("MAGISTERE_TEST_AMQP_URL is not set: run the tests with scripts/test")
    return url


# ---------------------------------------------------------------------------------------------------------------
# The platform's scenario, driven over HTTP (the same calls as docs/walkthrough.md)

MANAGER = "manager-test-01"
TRAINER = "trainer-test-07"
DESIGNER = "designer-test-03"
ACADEMY = "lyon"


class Platform:
    """Drives the three services' HTTP APIs: a course with a video, a quiz and an in-person meeting (90 min at a
    distance, 180 in person), a session of it, approved enrolments, progress until completion."""

    VIDEO_MINUTES, QUIZ_MINUTES, MEETING_MINUTES = 60, 30, 180

    def __init__(self, catalog: str, enrolment: str, tracking: str, tokens: Tokens, wait: float = 20) -> None:
        self.catalog, self.enrolment, self.tracking, self.tokens, self.wait = catalog, enrolment, tracking, tokens, wait

    @classmethod
    def of(cls, process: MagistereProcess) -> "Platform":
        """The platform of a `magistere up` process."""
        assert process.tokens is not None
        return cls(process.url("catalog"), process.url("enrolment"), process.url("tracking"), process.tokens)

    def designer(self) -> dict[str, str]:
        return self.tokens.bearer(DESIGNER, "designer", academy=ACADEMY)

    def manager(self) -> dict[str, str]:
        return self.tokens.bearer(MANAGER, "manager", academy=ACADEMY)

    def trainer(self) -> dict[str, str]:
        return self.tokens.bearer(TRAINER, "trainer", academy=ACADEMY)

    def teacher(self, who: str) -> dict[str, str]:
        return self.tokens.bearer(who, "participant", academy=ACADEMY)

    def publish_course(self) -> dict:
        tag = uuid.uuid4().hex[:8]
        draft = {
            "title": f"Le calcul en ligne au cycle 3 ({tag})",
            "summary": "Automatiser les procédures de calcul en ligne et les expliciter en classe.",
            "objectives": ["Identifier les procédures de calcul en ligne des élèves"],
            "keywords": ["calcul", tag],
            "domain": "Mathématiques",
            "audience": {"schoolLevels": ["primary"], "disciplines": ["Mathématiques"], "gradeLevels": ["CM1"]},
            "origin": {"kind": "academy", "academy": "lyon", "sharedNationally": False},
            "owner": {"organisation": "DSDEN du Rhône"},
            "activities": [
                {"id": "video", "title": "Vidéo", "kind": "video", "estimatedMinutes": self.VIDEO_MINUTES},
                {"id": "quiz", "title": "Quiz", "kind": "selfAssessmentQuiz", "estimatedMinutes": self.QUIZ_MINUTES,
                 "passThreshold": 0.8},
                {"id": "meeting", "title": "Regroupement", "kind": "inPersonMeeting", "grouping": "collective",
                 "modality": "inPerson", "estimatedMinutes": self.MEETING_MINUTES},
            ],
        }
        created = http("POST", f"{self.catalog}/courses", draft, self.designer()).expect(201).json()
        assert created["publicationIssues"] == [], created
        version = http("POST", f"{self.catalog}/courses/{created['courseID']}/publish",
                       headers=self.designer()).expect(201).json()
        assert version["version"] == 1
        return version

    def schedule_session(self, course_id: str, capacity: int = 30, mode: str = "application") -> dict:
        """Schedules (polling until enrolment has heard of the course from the catalogue's event) and opens."""
        plan = {
            "course": {"courseID": course_id, "version": 1}, "academy": "lyon", "schoolLevel": "primary",
            "district": "Lyon 3e", "capacity": capacity, "mode": mode, "trainerIDs": [TRAINER],
            "calendar": {"enrolmentOpensAt": "2027-01-04T08:00:00Z", "enrolmentClosesAt": "2027-01-22T17:00:00Z",
                         "startsAt": "2027-01-25T08:00:00Z", "endsAt": "2027-03-26T17:00:00Z",
                         "meetings": [{"activityID": "meeting", "startsAt": "2027-03-10T13:30:00Z"}]},
        }

        def schedule():
            reply = http("POST", f"{self.enrolment}/sessions", plan, self.manager())
            if reply.status == 422 and b"has not been published" in reply.body:
                return None  # the CoursePublished event has not reached enrolment yet
            return reply.expect(201).json()

        session = poll(f"enrolment to know course {course_id} (POST /sessions)", schedule, self.wait)
        opened = http("POST", f"{self.enrolment}/sessions/{session['id']}/open", headers=self.manager())
        assert opened.expect(200).json()["state"] == "openForEnrolment"
        return session

    def approved_enrolment(self, session_id: str, teacher: str) -> str:
        applied = http("POST", f"{self.enrolment}/sessions/{session_id}/applications", headers=self.teacher(teacher))
        enrolment_id = applied.expect(201).json()["id"]
        approved = http("POST", f"{self.enrolment}/enrolments/{enrolment_id}/approve", headers=self.manager())
        assert approved.expect(200).json()["state"] == "approved"
        return enrolment_id

    def wait_tracked(self, enrolment_id: str) -> dict:
        """Polls tracking until it has heard of the approved enrolment (and of the course version)."""
        def known():
            reply = http("GET", f"{self.tracking}/enrolments/{enrolment_id}/progress", headers=self.manager())
            if reply.status == 200 and reply.json()["requiredTotal"] == 3:
                return reply.json()
            return None
        return poll(f"tracking to know enrolment {enrolment_id}", known, self.wait)

    def progress(self, enrolment_id: str, teacher: str, record: dict) -> Reply:
        return http("POST", f"{self.tracking}/enrolments/{enrolment_id}/progress", record, self.teacher(teacher))

    def attendance(self, session_id: str, entries: list[dict]) -> Reply:
        sheet = {"activityID": "meeting", "entries": entries}
        return http("POST", f"{self.tracking}/sessions/{session_id}/attendance", sheet, self.trainer())

    def record(self, teacher: str) -> dict:
        return http("GET", f"{self.enrolment}/teachers/{teacher}/record", headers=self.teacher(teacher)).expect(200).json()


def seeded_platform(launcher: Launcher, subject: str) -> dict:
    """`magistere up` with a published course, an open session of it and `subject`'s approved enrolment (known to
    tracking), and a token of `subject` holding every role in the session's academy: what the fuzz and hostile-input
    tests aim their requests at, so that they reach the handlers' logic instead of stopping at 404."""
    up = launcher.start_up(launcher.directory / "data")
    up.wait_ready()
    platform = Platform.of(up)
    course = platform.publish_course()
    session = platform.schedule_session(course["courseID"])
    enrolment_id = platform.approved_enrolment(session["id"], subject)
    platform.wait_tracked(enrolment_id)
    token = up.tokens.token(subject, "designer", "manager", "trainer", "tutor", "participant", "operator",
                            academy=ACADEMY)
    return {"up": up, "platform": platform, "course": course["courseID"], "session": session["id"],
            "enrolment": enrolment_id, "token": token, "headers": {"Authorization": f"Bearer {token}"},
            "directory": launcher.directory}
