"""docker-compose.yml and the Dockerfile cannot be run here (no Docker engine), so they are kept honest
against the real binary: every variable the compose file sets is one the binary reads, every command is
a real subcommand, every health check hits a port and path the service really serves.
"""

from __future__ import annotations

import os
import pathlib
import re
import subprocess

import pytest
import yaml

REPO = pathlib.Path(os.environ.get("MAGISTERE_REPO") or pathlib.Path(__file__).resolve().parents[2])
CLI = pathlib.Path(os.environ.get("MAGISTERE_CLI") or REPO / ".build" / "debug" / "magistere")
SERVICES = ("catalog", "enrolment", "tracking-a", "tracking-b", "web")
# The services with a store (the web front keeps nothing).
STORED = ("catalog", "enrolment", "tracking-a", "tracking-b")
PORT_VARIABLE = {"catalog": "MAGISTERE_CATALOG_PORT", "enrolment": "MAGISTERE_ENROLMENT_PORT",
                 "tracking-a": "MAGISTERE_TRACKING_PORT", "tracking-b": "MAGISTERE_TRACKING_PORT",
                 "web": "MAGISTERE_WEB_PORT"}


def subcommand(name: str) -> str:
    """The command a compose service runs: tracking's instances are all `magistere tracking`."""
    return name.split("-")[0]


def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def cli(*arguments: str) -> subprocess.CompletedProcess:
    if not CLI.exists():
        pytest.fail(f"{CLI} is not built: run scripts/test")
    return subprocess.run([str(CLI), *arguments], capture_output=True, text=True, timeout=60)


def known_variables() -> set[str]:
    result = cli("config", "--names")
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


def test_every_variable_the_compose_file_sets_is_read_by_the_binary():
    known = known_variables()
    for name in SERVICES:
        environment = compose()["services"][name]["environment"]
        unknown = sorted(set(environment) - known)
        assert not unknown, f"{name} sets variables the binary does not read: {unknown}"


def test_every_compose_command_is_a_real_subcommand():
    for name in SERVICES:
        command = compose()["services"][name]["command"]
        assert command[0] == subcommand(name)
        result = cli(*command, "--help")
        assert result.returncode == 0, f"`magistere {' '.join(command)} --help` failed: {result.stderr}"


def test_health_checks_hit_the_port_each_service_listens_on_and_a_path_it_serves():
    for name in SERVICES:
        service = compose()["services"][name]
        port = service["environment"][PORT_VARIABLE[name]]
        test = " ".join(service["healthcheck"]["test"])
        match = re.search(r"http://127\.0\.0\.1:(\d+)(/\w+)", test)
        assert match, f"{name}: health check is not an HTTP probe: {test}"
        assert match.group(1) == str(port), f"{name}: health check port {match.group(1)} but service port {port}"
        assert match.group(2) in ("/ready", "/health")
        assert f"{port}:{port}" in service["ports"]


def test_each_service_has_its_own_volume_for_its_store():
    volumes = [compose()["services"][name]["volumes"][0].split(":")[0] for name in STORED]
    assert len(set(volumes)) == len(STORED)
    assert set(volumes) <= set(compose()["volumes"])
    assert "volumes" not in compose()["services"]["web"], "the web front keeps nothing"
    for name in STORED:
        data_dir = compose()["services"][name]["environment"]["MAGISTERE_DATA_DIR"]
        assert compose()["services"][name]["volumes"][0].endswith(":" + data_dir)


def broker_nodes() -> dict[str, dict]:
    return {name: service for name, service in compose()["services"].items() if name.startswith("rabbitmq-")}


def test_the_broker_runs_with_management_and_prometheus_plugins():
    plugins = (REPO / "deploy" / "rabbitmq" / "enabled_plugins").read_text()
    assert "rabbitmq_management" in plugins and "rabbitmq_prometheus" in plugins
    for name, node in broker_nodes().items():
        assert "/etc/rabbitmq/enabled_plugins" in " ".join(node["volumes"]), name


def test_the_broker_is_a_cluster_of_three_nodes_that_every_service_lists():
    """Three nodes, each its own volume and host name, all in cluster.conf's peer list and sharing one Erlang
    cookie; every broker URL of the file names the three (host:port, comma-separated: AMQPEndpoint's form, which
    BrokerNodesTests parses)."""
    nodes = broker_nodes()
    assert len(nodes) == 3
    hosts = {node["hostname"] for node in nodes.values()}
    assert hosts == set(nodes)
    assert len({node["volumes"][0].split(":")[0] for node in nodes.values()}) == 3
    peers = set(re.findall(r"^cluster_formation\.classic_config\.nodes\.\d+\s*=\s*rabbit@(\S+)$",
                           (REPO / "deploy" / "rabbitmq" / "cluster.conf").read_text(), re.M))
    assert peers == hosts
    for name, node in nodes.items():
        assert "/etc/rabbitmq/conf.d/30-cluster.conf" in " ".join(node["volumes"]), name
        assert node["secrets"] == ["erlang-cookie"], name
        assert "/run/secrets/erlang-cookie /var/lib/rabbitmq/.erlang.cookie" in " ".join(node["entrypoint"]), name
    setup = compose()["services"]["broker-setup"]
    assert set(setup["depends_on"]) == set(nodes)
    for name in (*STORED, "broker-setup"):  # the web front talks to no broker
        url = compose()["services"][name]["environment"]["MAGISTERE_AMQP_URL"]
        listed = re.findall(r"[@,]([\w.-]+):5672", url)
        assert set(listed) == hosts, f"{name}: {url} does not list every broker node"


def test_every_broker_configuration_key_is_one_rabbitmq_knows():
    """Each key of deploy/rabbitmq/*.conf is a mapping of the installed RabbitMQ's configuration schema."""
    schemas = list(pathlib.Path("/usr/lib/rabbitmq/lib").glob("rabbitmq_server-*/plugins/*/priv/schema/*.schema"))
    if not schemas:
        pytest.fail("no RabbitMQ schema found under /usr/lib/rabbitmq: run scripts/test (it installs rabbitmq-server)")
    patterns = []
    for schema in schemas:
        for key in re.findall(r'\{mapping, "([^"]+)"', schema.read_text()):
            patterns.append(re.compile("^" + re.sub(r"\\\$\w+", r"[^.]+", re.escape(key)) + "$"))
    for conf in sorted((REPO / "deploy" / "rabbitmq").glob("*.conf")):
        for line in conf.read_text().splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key = line.split("=", 1)[0].strip()
            assert any(p.match(key) for p in patterns), f"{conf.name}: RabbitMQ has no setting {key}"


def test_the_dockerfile_builds_the_binary_the_compose_file_runs():
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "--product magistere" in dockerfile
    assert 'ENTRYPOINT ["/usr/local/bin/magistere"]' in dockerfile
    for library in ("librabbitmq4", "libsqlite3-0"):
        assert library in dockerfile, f"the runtime image lacks {library}"
    assert dockerfile.count("FROM ") == 2, "multi-stage: a build stage and a slim runtime stage"


def test_the_web_front_reaches_each_service_where_the_compose_file_serves_it():
    services = compose()["services"]
    environment = services["web"]["environment"]
    for variable, target, port_variable in [("MAGISTERE_CATALOG_URL", "catalog", "MAGISTERE_CATALOG_PORT"),
                                            ("MAGISTERE_ENROLMENT_URL", "enrolment", "MAGISTERE_ENROLMENT_PORT"),
                                            ("MAGISTERE_TRACKING_URL", "tracking-a", "MAGISTERE_TRACKING_PORT")]:
        port = services[target]["environment"][port_variable]
        assert environment[variable] == f"http://{target}:{port}", variable
        assert target in services["web"]["depends_on"]
    assert environment["MAGISTERE_WEB_DEMO_ACCOUNTS"] == "false", "no demo sign-in in a deployment"


def test_the_readme_documents_every_configuration_key_with_its_default():
    readme = (REPO / "README.md").read_text()
    result = cli("config")
    assert result.returncode == 0, result.stderr
    for line in result.stdout.splitlines():
        variable, flag, default, _ = line.split("\t", 3)
        row = next((l for l in readme.splitlines() if l.startswith(f"| `{variable}`")), None)
        assert row is not None, f"README's configuration reference lacks {variable}"
        assert f"`{flag}`" in row, f"README row of {variable} lacks its flag {flag}"
        shown = default.removeprefix("default: ")
        assert (f"`{shown}`" in row) or (shown == "(none)" and "none" in row), f"README row of {variable} lacks its default {shown}"


def test_secrets_are_files_mounted_where_the_variables_point():
    """No secret value in the compose file: every *_FILE / *_PASS_FILE variable points under /run/secrets/ at a
    secret the service mounts and the file declares; no password appears in a broker URL."""
    document = compose()
    declared = set(document.get("secrets", {}))
    for name, service in document["services"].items():
        mounted = set(service.get("secrets", []))
        for variable, value in service.get("environment", {}).items():
            value = str(value)
            if variable.endswith("_FILE") and value.startswith("/run/secrets/"):
                secret = value.removeprefix("/run/secrets/")
                assert secret in declared, f"{name}: {variable} names an undeclared secret {secret}"
                assert secret in mounted, f"{name}: {variable} names secret {secret}, which it does not mount"
            if variable == "MAGISTERE_AMQP_URL":
                assert not re.search(r"//[^/@]+:[^/@]+@", value), f"{name}: a password in {variable}"
            assert "SECRET" not in variable or variable.endswith("_FILE"), f"{name}: {variable} holds a secret value"
    for name in SERVICES:
        environment = document["services"][name]["environment"]
        assert "MAGISTERE_AUTH_HS256_SECRET_FILE" in environment or "MAGISTERE_AUTH_JWKS_FILE" in environment, \
            f"{name} has no token keys: it would refuse to start"


def partition_numbers(text: str) -> list[int]:
    if text == "all":
        return list(range(32))
    if text == "none":
        return []
    numbers: list[int] = []
    for part in text.split(","):
        low, _, high = part.partition("-")
        numbers.extend(range(int(low), int(high or low) + 1))
    return numbers


def test_tracking_runs_as_instances_of_one_partition_map():
    """Each tracking service of the file is an instance of the map it mounts: named there, answering at the port the
    map's URL gives, the 32 partitions split between them (one owner each). test_deployed_topology starts them with
    this map (its URLs moved to free ports): the binary accepts it."""
    import json
    document = compose()
    trackers = {name: service for name, service in document["services"].items() if name.startswith("tracking")}
    assert len(trackers) >= 2, "docker-compose.yml should show tracking scaled out"
    maps = set()
    owners: dict[int, str] = {}
    for name, service in trackers.items():
        environment = service["environment"]
        assert environment["MAGISTERE_TRACKING_INSTANCE"] == name
        path = environment["MAGISTERE_TRACKING_PARTITION_MAP"]
        mount = next(v for v in service["volumes"] if v.split(":")[1] == path)
        maps.add(mount.split(":")[0])
        document_map = json.loads((REPO / mount.split(":")[0]).read_text())
        entry = document_map["instances"][name]
        assert entry["url"].endswith(":" + environment["MAGISTERE_TRACKING_PORT"]), (name, entry)
        for partition in partition_numbers(entry["partitions"]):
            assert partition not in owners, f"partition {partition}: {owners.get(partition)} and {name}"
            owners[partition] = name
        assert len({v.split(":")[0] for v in service["volumes"]} & set(document["volumes"])) == 1, name
    assert len(maps) == 1, f"the tracking instances mount different maps: {maps}"
    assert sorted(owners) == list(range(32)), f"partitions without an owner: {set(range(32)) - set(owners)}"
    assert set(document_map["instances"]) == set(trackers)

