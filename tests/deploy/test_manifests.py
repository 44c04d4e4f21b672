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
from tests.deploy.rendered import overlays, render, rendered_text, require_tool

OVERLAYS = overlays()
# The oldest and the newest minor of upstream's support window (three minors) at the
# kubernetes-validate release pinned in deploy/tools.in.
KUBERNETES_VERSIONS = ("1.35", "1.37")
SERVICES = ("identity", "registry", "assistance", "training", "notification", "projects")
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
    tool = require_tool("kubernetes-validate", "`make tools` installs it into .venv-tools/")
    versions = [arg for version in KUBERNETES_VERSIONS for arg in ("-k", version)]
    verdicts = {overlay: Verdict() for overlay in OVERLAYS}
    with tempfile.TemporaryDirectory() as folder:
        # Files, not stdin: the tool reads its input once per Kubernetes version.
        files = {}
        for overlay in OVERLAYS:
            try:
                text = rendered_text(overlay)
            except pytest.fail.Exception:
                continue  # the overlay's own tests fail with kustomize's message
            files[overlay] = Path(folder) / f"{overlay}.yaml"
            files[overlay].write_text(text)
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


def kind_and_name(resource: dict[str, Any]) -> str:
    return f"{resource['kind']}/{resource['metadata']['name']}"


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
    assert "province" in OVERLAYS, OVERLAYS
    assert any(name.startswith("city") for name in OVERLAYS), OVERLAYS


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_overlay_renders_with_kustomize(overlay: str) -> None:
    assert render(overlay), f"{overlay} renders nothing"  # or fails with kustomize's message


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_rendered_built_in_kinds_pass_strict_schema_validation(overlay: str) -> None:
    rendered_text(overlay)
    problems = kubernetes_validate()[overlay].problems
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_rendered_kind_has_a_schema_it_is_validated_against(overlay: str) -> None:
    rendered_text(overlay)
    unknown = kubernetes_validate()[overlay].unknown
    unvalidated = sorted(unknown - set(custom_resources.validators()))
    assert not unvalidated, (
        f"no schema for {unvalidated}: neither a built-in kind of Kubernetes "
        f"{'/'.join(KUBERNETES_VERSIONS)} nor a CRD in deploy/k8s/schemas/ "
        "(see its README to add one)"
    )


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_rendered_custom_resources_match_their_operators_crd_schema(overlay: str) -> None:
    known = custom_resources.validators()
    broken = {
        kind_and_name(resource): list(custom_resources.errors(resource))
        for resource in render(overlay)
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
    deployments = {r["metadata"]["name"] for r in render("province") if r["kind"] == "Deployment"}
    assert {*SERVICES, "gateway"} <= deployments


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_services_are_probed_over_native_grpc(overlay: str) -> None:
    for workload, pod in pod_templates(render(overlay)):
        if workload["kind"] == "Deployment" and workload["metadata"]["name"] in SERVICES:
            probe = lookup(pod["containers"][0], "readinessProbe") or {}
            assert "grpc" in probe, kind_and_name(workload)


def lookup(node: Any, *keys: str) -> Any:
    """node[key][key]..., or None where a key is missing."""
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    return node


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_workloads_are_hardened_probed_and_sized(overlay: str) -> None:
    missing = []
    for workload, pod in pod_templates(render(overlay)):
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
