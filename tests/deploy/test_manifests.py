"""Every overlay under deploy/k8s/overlays/ renders with `kubectl kustomize`, and what it renders
is what a cluster would accept: built-in kinds pass `kubernetes-validate --strict`, custom
resources pass their operator's CRD schema, nothing is of a kind nobody validates, and every
workload is hardened, probed and sized."""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.deploy import custom_resources
from tests.deploy.tooling import kind_and_name, overlays, render, require_tool

OVERLAYS = overlays()
# The oldest and the newest minor of upstream's support window (three minors) at the
# kubernetes-validate release pinned in deploy/tools.in.
KUBERNETES_VERSIONS = ("1.35", "1.37")
SERVICES = ("identity", "registry", "assistance", "training", "notification")
POD_TEMPLATE_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "Job"}
LONG_RUNNING_KINDS = {"Deployment", "StatefulSet", "DaemonSet"}
NO_SCHEMA = re.compile(r"Couldn't find schema for kind (\S+) with api version (\S+) for")


@dataclass
class Verdict:
    """kubernetes-validate's word on one rendered overlay: its errors, and the (apiVersion, kind)
    pairs it has no schema for (it only warns about those, and passes them)."""

    problems: list[str] = field(default_factory=list)
    unknown: set[tuple[str, str]] = field(default_factory=set)


@cache
def kubernetes_validate() -> dict[str, Verdict]:
    """One kubernetes-validate run over every overlay that renders: loading its schemas costs as
    much as validating a tier, so one process for all is about twice as fast as one each."""
    tool = require_tool("kubernetes-validate")
    versions = [arg for version in KUBERNETES_VERSIONS for arg in ("-k", version)]
    verdicts = {overlay.name: Verdict() for overlay in OVERLAYS}
    with tempfile.TemporaryDirectory() as folder:
        # Files, not stdin: the tool reads its input once per Kubernetes version.
        files = {}
        for overlay in OVERLAYS:
            if not render(overlay).error:
                files[overlay.name] = Path(folder) / f"{overlay.name}.yaml"
                files[overlay.name].write_text(render(overlay).text)
        result = subprocess.run(
            [tool, "--strict", "--quiet", *versions, *map(str, files.values())],
            capture_output=True,
            text=True,
            timeout=600,
        )
    for line in (result.stdout + result.stderr).splitlines():
        concerned = [name for name, path in files.items() if f" {path} " in f" {line} "]
        for name in concerned or files:  # a line naming no file concerns them all
            if match := NO_SCHEMA.search(line):
                verdicts[name].unknown.add((match[2], match[1]))
            elif line.strip():
                verdicts[name].problems.append(line.replace(f"{folder}/", ""))
    if result.returncode != 0 and not any(v.problems for v in verdicts.values()):
        for verdict in verdicts.values():
            verdict.problems.append(f"kubernetes-validate exited {result.returncode}, silently")
    return verdicts


def pod_templates(resources: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(workload, pod spec) for every workload that runs pods, CronJobs included."""
    found = []
    for resource in resources:
        if resource["kind"] in POD_TEMPLATE_KINDS:
            found.append((resource, resource["spec"]["template"]["spec"]))
        elif resource["kind"] == "CronJob":
            found.append((resource, resource["spec"]["jobTemplate"]["spec"]["template"]["spec"]))
    return found


def test_the_province_and_at_least_one_city_tier_are_overlays() -> None:
    names = {overlay.name for overlay in OVERLAYS}
    assert "province" in names, names
    assert any(name.startswith("city") for name in names), names


@pytest.mark.parametrize("overlay", OVERLAYS, ids=lambda path: path.name)
def test_every_overlay_renders_with_kustomize(overlay: Path) -> None:
    rendering = render(overlay)
    assert not rendering.error, f"kubectl kustomize {overlay.name} failed:\n{rendering.error}"
    assert rendering.documents, f"{overlay.name} renders nothing"


@pytest.mark.parametrize("overlay", OVERLAYS, ids=lambda path: path.name)
def test_rendered_built_in_kinds_pass_strict_schema_validation(overlay: Path) -> None:
    render(overlay).resources()
    problems = kubernetes_validate()[overlay.name].problems
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("overlay", OVERLAYS, ids=lambda path: path.name)
def test_every_rendered_kind_has_a_schema_it_is_validated_against(overlay: Path) -> None:
    render(overlay).resources()
    unknown = kubernetes_validate()[overlay.name].unknown
    unvalidated = sorted(unknown - set(custom_resources.validators()))
    assert not unvalidated, (
        f"no schema for {unvalidated}: neither a built-in kind of Kubernetes "
        f"{'/'.join(KUBERNETES_VERSIONS)} nor a CRD in deploy/k8s/schemas/ "
        "(see its README to add one)"
    )


@pytest.mark.parametrize("overlay", OVERLAYS, ids=lambda path: path.name)
def test_rendered_custom_resources_match_their_operators_crd_schema(overlay: Path) -> None:
    known = custom_resources.validators()
    broken = {
        kind_and_name(resource): list(custom_resources.errors(resource))
        for resource in render(overlay).resources()
        if (resource["apiVersion"], resource["kind"]) in known
    }
    assert not {name: errors for name, errors in broken.items() if errors}


def test_custom_resource_schemas_refuse_an_unknown_field() -> None:
    """The strict reading is real: a misspelt field of a ScaledObject is an error."""
    scaled_object = {
        "apiVersion": "keda.sh/v1alpha1",
        "kind": "ScaledObject",
        "metadata": {"name": "sms-dispatcher", "labels": {"app": "notification"}},
        "spec": {
            "scaleTargetRef": {"name": "sms-dispatcher"},
            "triggers": [{"type": "nats-jetstream", "metadata": {"stream": "notification"}}],
        },
    }
    assert list(custom_resources.errors(scaled_object)) == []
    scaled_object["spec"]["maxReplicas"] = 8  # the field is maxReplicaCount
    scaled_object["metadata"]["label"] = {}
    assert list(custom_resources.errors(scaled_object)) == [
        "metadata: Additional properties are not allowed ('label' was unexpected)",
        "spec: Additional properties are not allowed ('maxReplicas' was unexpected)",
    ]


def test_every_service_and_the_gateway_run_in_the_province_tier() -> None:
    (province,) = [overlay for overlay in OVERLAYS if overlay.name == "province"]
    deployments = {
        r["metadata"]["name"] for r in render(province).resources() if r["kind"] == "Deployment"
    }
    assert {*SERVICES, "gateway"} <= deployments


@pytest.mark.parametrize("overlay", OVERLAYS, ids=lambda path: path.name)
def test_services_are_probed_over_native_grpc(overlay: Path) -> None:
    for workload, pod in pod_templates(render(overlay).resources()):
        if workload["kind"] == "Deployment" and workload["metadata"]["name"] in SERVICES:
            probe = lookup(pod["containers"][0], "readinessProbe") or {}
            assert "grpc" in probe, kind_and_name(workload)


def lookup(node: Any, *keys: str) -> Any:
    """node[key][key]..., or None where a key is missing."""
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    return node


@pytest.mark.parametrize("overlay", OVERLAYS, ids=lambda path: path.name)
def test_workloads_are_hardened_probed_and_sized(overlay: Path) -> None:
    missing = []
    for workload, pod in pod_templates(render(overlay).resources()):
        name = kind_and_name(workload)
        if lookup(pod, "securityContext", "runAsNonRoot") is not True:
            missing.append(f"{name}: runAsNonRoot")
        if lookup(pod, "securityContext", "seccompProfile", "type") != "RuntimeDefault":
            missing.append(f"{name}: seccompProfile RuntimeDefault")
        for container in pod["containers"] + pod.get("initContainers", []):
            where = f"{name} container {container['name']}"
            if lookup(container, "securityContext", "readOnlyRootFilesystem") is not True:
                missing.append(f"{where}: readOnlyRootFilesystem")
            if lookup(container, "securityContext", "capabilities", "drop") != ["ALL"]:
                missing.append(f"{where}: capabilities drop ALL")
            if not lookup(container, "resources", "requests", "cpu"):
                missing.append(f"{where}: cpu request")
            if not lookup(container, "resources", "limits", "memory"):
                missing.append(f"{where}: memory limit")
            is_main = container in pod["containers"]
            if is_main and workload["kind"] in LONG_RUNNING_KINDS:
                if not (container.get("readinessProbe") and container.get("livenessProbe")):
                    missing.append(f"{where}: readiness and liveness probes")
    assert not missing, "\n".join(missing)
