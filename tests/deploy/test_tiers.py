"""The tiers as an operator applies them: the files are what the generator writes, every city of
the territory has its tier, a city's gateway reaches its own workloads and the province's
services by the rendered Services' selectors, and the NetworkPolicies admit exactly the callers
the code has."""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.rendered import (
    K8S,
    ROOT,
    Obj,
    cities,
    of_kind,
    pod_labels,
    render,
    selects,
)

SERVICES = ("identity", "registry", "assistance", "training", "notification", "projects")
CITY_WORKLOADS = {"gateway", "registry", "assistance"}


def test_committed_manifests_are_what_the_generator_writes() -> None:
    done = subprocess.run(
        [sys.executable, str(K8S / "generate.py"), "--check"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_every_city_of_the_territory_has_its_own_tier() -> None:
    with gzip.open(ROOT / "services/identity/data/regions-37.tsv.gz", "rt") as lines:
        codes = {line[:4] for line in lines if line[2:4] != "00" and line[4:12] == "00000000"}
    assert len(codes) == 16  # Laiwu (3712) is part of Jinan since 2019
    assert {name.removeprefix("city-") for name in cities()} == codes


def address_target(address: str, objects: list[Obj]) -> Obj:
    """The Deployment that a `service:port` address reaches through its Service's selector."""
    name, port = address.split(":")
    service = of_kind(objects, "Service")[name]
    assert int(port) in {p["port"] for p in service["spec"]["ports"]}, address
    chosen = [
        d
        for d in of_kind(objects, "Deployment").values()
        if selects(service["spec"]["selector"], pod_labels(d))
    ]
    assert len(chosen) == 1, f"{address} selects {[d['metadata']['name'] for d in chosen]}"
    return chosen[0]


@pytest.mark.parametrize("city", cities())
def test_a_city_gateway_reaches_its_own_workloads_and_the_province_services(city: str) -> None:
    province, tier = render("province"), render(city)
    both = province + tier
    code = city.removeprefix("city-")
    config = of_kind(tier, "ConfigMap")[f"jingzhun-config-{code}"]["data"]
    for service in SERVICES:
        target = address_target(config[f"JZ_{service.upper()}_ADDRESS"], both)
        expected = f"city-{code}" if service in CITY_WORKLOADS else "province"
        assert pod_labels(target)["jingzhun.gov.cn/tier"] == expected, service
        assert pod_labels(target)["app.kubernetes.io/name"] == service
    gateway = of_kind(tier, "Deployment")[f"gateway-{code}"]
    assert gateway["spec"]["template"]["spec"]["containers"][0]["envFrom"] == [
        {"configMapRef": {"name": f"jingzhun-config-{code}"}}
    ]
    ingress = of_kind(tier, "Ingress")[f"gateway-{code}"]
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"]
    assert pod_labels(address_target(f"{backend}:80", both))["jingzhun.gov.cn/tier"] == city
    assert ingress["spec"]["rules"][0]["host"].startswith(f"{code}.")


def test_tiers_never_select_each_others_pods_and_share_no_names() -> None:
    province = render("province")
    names = {(o["kind"], o["metadata"]["name"]) for o in province}
    pods = {city: list(of_kind(render(city), "Deployment").values()) for city in cities()}
    for city in cities():
        tier = render(city)
        assert not names & {(o["kind"], o["metadata"]["name"]) for o in tier}, city
        for service in of_kind(province, "Service").values():
            assert not any(selects(service["spec"]["selector"], pod_labels(d)) for d in pods[city])
        for budget in of_kind(province, "PodDisruptionBudget").values():
            selector = budget["spec"]["selector"]["matchLabels"]
            assert not any(selects(selector, pod_labels(d)) for d in pods[city])


STUB = re.compile(r"\b(\w+_pb2_grpc)\.\w+Stub\b")
IMPORT = re.compile(r"^from jingzhun\.(\w+)\.v1 import (\([^)]*\)|[^\n]+)$", re.MULTILINE)


def callees_in_code(folder: Path) -> set[str]:
    """The services a process builds gRPC clients for, read from its source."""
    found = set()
    for path in folder.rglob("*.py"):
        text = path.read_text()
        modules = {
            module: service
            for service, names in IMPORT.findall(text)
            for module in re.findall(r"\w+_pb2_grpc", names)
        }
        found |= {modules[module] for module in STUB.findall(text) if module in modules}
    return found


def callers_in_code() -> dict[str, set[str]]:
    processes = {name: ROOT / "services" / name for name in SERVICES} | {
        "gateway": ROOT / "gateway"
    }
    callers: dict[str, set[str]] = {name: set() for name in SERVICES}
    for caller, folder in processes.items():
        for callee in callees_in_code(folder) - {caller}:
            callers[callee].add(caller)
    return callers


def admitted(policy: Obj, port: int) -> set[str]:
    names: set[str] = set()
    for rule in policy["spec"]["ingress"]:
        if {p["port"] for p in rule.get("ports", [])} != {port}:
            continue
        for peer in rule["from"]:
            for expression in peer.get("podSelector", {}).get("matchExpressions", []):
                if expression["key"] == "app.kubernetes.io/name":
                    names |= set(expression["values"])
    return names


def test_each_service_admits_exactly_the_callers_its_code_has() -> None:
    callers = callers_in_code()
    assert callers["identity"] >= {"gateway", "notification"}  # the reading works at all
    policies = of_kind(render("province"), "NetworkPolicy")
    services = of_kind(render("province"), "Service")
    for name in SERVICES:
        port = services[name]["spec"]["ports"][0]["port"]
        assert admitted(policies[f"{name}-api"], port) == callers[name], name


def test_every_pod_is_under_a_default_deny_and_has_its_own_policy() -> None:
    for overlay in ["province", *cities()]:
        objects = render(overlay)
        policies = list(of_kind(objects, "NetworkPolicy").values())
        deny = [p for p in policies if not p["spec"]["ingress"] and not p["spec"]["egress"]]
        assert deny, overlay
        for kind in ("Deployment", "Job"):
            for workload in of_kind(objects, kind).values():
                labels = pod_labels(workload)
                own = [
                    p
                    for p in policies
                    if p not in deny and selects(p["spec"]["podSelector"]["matchLabels"], labels)
                ]
                assert len(own) == 1, workload["metadata"]["name"]
                assert any(
                    all(
                        labels.get(k) == v
                        for k, v in p["spec"]["podSelector"].get("matchLabels", {}).items()
                    )
                    for p in deny
                ), workload["metadata"]["name"]


def test_only_the_gateway_is_reachable_from_the_ingress_and_only_notification_reaches_the_smsc() -> (
    None
):
    policies = of_kind(render("province"), "NetworkPolicy")
    from_ingress = {
        name
        for name, p in policies.items()
        for rule in p["spec"]["ingress"]
        for peer in rule["from"]
        if peer.get("namespaceSelector", {})
        .get("matchLabels", {})
        .get("kubernetes.io/metadata.name")
        == "ingress-nginx"
    }
    assert from_ingress == {"gateway"}
    to_outside = {
        name
        for name, p in policies.items()
        for rule in p["spec"]["egress"]
        for peer in rule["to"]
        if "ipBlock" in peer
    }
    # the SMSC; the object store (attachments, vouchers)
    assert to_outside == {"notification-worker", "assistance-api", "projects-api"}


def mounted_secret_files(pod: Obj) -> dict[str, tuple[str, str]]:
    """File name in the secrets folder -> (Secret, key), for one pod template."""
    files = {}
    for volume in pod["spec"].get("volumes", []):
        for source in volume.get("projected", {}).get("sources", []):
            secret = source.get("secret")
            for item in (secret or {}).get("items", []):
                files[item["path"]] = (secret["name"], item["key"])
    return files


def test_the_bootstrap_registers_every_process_client_with_the_secret_that_process_reads() -> None:
    """Each process calls identity as `svc-<process>` with least scopes (kit.service_auth): the
    bootstrap Job registers each from the very Secret key the process's pods mount."""
    from kit.service_auth import PLATFORM_CLIENTS

    rendered = render("province")
    job = of_kind(rendered, "Job")["identity-bootstrap"]["spec"]["template"]
    registered = {}
    for step in job["spec"]["initContainers"]:
        args = step["command"] + step.get("args", [])
        if "register-service" in args:
            name = args[args.index("--name") + 1]
            scopes = args[args.index("--scopes") + 1 : args.index("--secret-file")]
            secret_file = args[args.index("--secret-file") + 1].rsplit("/", 1)[1]
            registered[name] = (tuple(scopes), mounted_secret_files(job)[secret_file])
    assert {n: s for n, (s, _) in registered.items()} == PLATFORM_CLIENTS
    deployments = of_kind(rendered, "Deployment")
    for process, (_, source) in registered.items():
        names = [n for n in deployments if n == process or n.startswith(f"{process}-")]
        assert names, process
        for name in names:
            pod = deployments[name]["spec"]["template"]
            assert mounted_secret_files(pod)[f"{process.upper()}_IDENTITY_SECRET"] == source
