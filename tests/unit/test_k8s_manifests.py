"""The Kubernetes manifests parse, reference files that exist, and every workload is
hardened, probed and sized."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"


def documents(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def workloads() -> list[tuple[str, dict]]:
    return [
        (path.name, doc)
        for path in sorted((K8S / "base").glob("*.yaml"))
        for doc in documents(path)
        if doc.get("kind") == "Deployment"
    ]


@pytest.mark.parametrize(
    "kustomization", sorted(K8S.rglob("kustomization.yaml")), ids=lambda p: p.parent.name
)
def test_every_kustomization_lists_files_that_exist(kustomization: Path) -> None:
    (config,) = documents(kustomization)
    for resource in config["resources"]:
        assert (kustomization.parent / resource).exists(), resource


def test_every_service_and_the_gateway_has_a_deployment() -> None:
    names = {doc["metadata"]["name"] for _, doc in workloads()}
    assert names == {"identity", "registry", "assistance", "training", "notification", "gateway"}


@pytest.mark.parametrize(
    ("filename", "deployment"), workloads(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_workloads_are_hardened_probed_and_sized(filename: str, deployment: dict) -> None:
    pod = deployment["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
    for container in pod["containers"] + pod.get("initContainers", []):
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
    (main,) = pod["containers"]
    assert main["readinessProbe"] and main["livenessProbe"]
    assert main["resources"]["requests"]["cpu"] and main["resources"]["limits"]["memory"]


def test_services_are_probed_over_native_grpc_and_migrate_in_an_init_container() -> None:
    by_name = {doc["metadata"]["name"]: doc["spec"]["template"]["spec"] for _, doc in workloads()}
    for name, pod in by_name.items():
        if name != "gateway":
            assert "grpc" in pod["containers"][0]["readinessProbe"]
    for service in ("identity", "registry", "assistance", "training", "notification"):
        migrate = by_name[service]["initContainers"][0]["command"][-1]
        assert f"upgrade('{service}'" in migrate


def test_notification_presents_the_secret_identity_registers_its_client_with() -> None:
    by_name = {doc["metadata"]["name"]: doc["spec"]["template"]["spec"] for _, doc in workloads()}
    (register,) = [
        c for c in by_name["identity"]["initContainers"] if "register-service" in c["command"]
    ]
    secret = register["command"][register["command"].index("--secret-env") + 1]
    notification_env = {e["name"] for e in by_name["notification"]["containers"][0]["env"]}
    assert secret in notification_env and secret in {e["name"] for e in register["env"]}
