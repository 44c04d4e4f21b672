"""The campaign in a cluster (deploy/k8s/load): it renders with `kubectl kustomize`, passes
`kubernetes-validate --strict` where installed, seeds for as many workers as run and waits for
them all, runs hardened as non-root, and its image (deploy/load.Dockerfile) is built from
exactly the files it copies with the locust and httpx the project pins."""

from __future__ import annotations

import re
import subprocess
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tests.deploy.rendered import ROOT, require_tool

LOAD = ROOT / "deploy" / "k8s" / "load"
DOCKERFILE = ROOT / "deploy" / "load.Dockerfile"
Obj = dict[str, Any]


@cache
def rendered_text() -> str:
    kubectl = require_tool("kubectl", "apt-get install kubectl, or any kubectl with kustomize")
    done = subprocess.run([kubectl, "kustomize", str(LOAD)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def name_of(obj: Obj) -> str:
    """Its name, without the hash kustomize appends to a generated ConfigMap's."""
    name = obj["metadata"]["name"]
    return name.rsplit("-", 1)[0] if obj["kind"] == "ConfigMap" else name


def objects() -> dict[tuple[str, str], Obj]:
    docs = [d for d in yaml.safe_load_all(rendered_text()) if d]
    return {(d["kind"], name_of(d)): d for d in docs}


def settings() -> dict[str, str]:
    return objects()[("ConfigMap", "campaign-settings")]["data"]


def test_the_campaign_renders_and_passes_strict_validation() -> None:
    text = rendered_text()
    validate = require_tool("kubernetes-validate", "make tools")
    with tempfile.NamedTemporaryFile("w", suffix=".yaml") as file:
        file.write(text)
        file.flush()
        done = subprocess.run(
            [validate, "--strict", "--quiet", file.name], capture_output=True, text=True
        )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_seeding_slices_accounts_for_every_worker_the_master_waits_for() -> None:
    rendered = objects()
    workers = rendered[("Deployment", "campaign-worker")]["spec"]["replicas"]
    assert settings()["WORKERS"] == str(workers)
    pod = rendered[("Job", "campaign")]["spec"]["template"]["spec"]
    (seed,) = pod["initContainers"]
    assert "--processes=$(WORKERS)" in seed["args"] and "--host=$(HOST)" in seed["args"]
    (master,) = pod["containers"]
    assert '--expect-workers "$WORKERS"' in master["args"][0]
    worker = rendered[("Deployment", "campaign-worker")]["spec"]["template"]["spec"]
    assert "--master-host=campaign-master" in worker["containers"][0]["args"]


def test_every_campaign_container_is_hardened_and_sized() -> None:
    for (kind, name), obj in objects().items():
        if kind not in {"Job", "Deployment"}:
            continue
        pod = obj["spec"]["template"]["spec"]
        assert pod["automountServiceAccountToken"] is False, name
        for container in pod.get("initContainers", []) + pod["containers"]:
            context = container["securityContext"]
            assert context["runAsNonRoot"] and context["readOnlyRootFilesystem"], name
            assert context["capabilities"]["drop"] == ["ALL"], name
            assert {"requests", "limits"} <= container["resources"].keys(), name
            assert container["image"].endswith("/jingzhun-load"), name


def copied_sources() -> set[str]:
    sources: set[str] = set()
    for line in re.findall(r"^COPY (?!--from)(.+)$", DOCKERFILE.read_text(), re.MULTILINE):
        sources.update(line.split()[:-1])
    return sources


def test_the_image_context_admits_exactly_what_it_copies_with_the_projects_pins() -> None:
    ignore = Path(f"{DOCKERFILE}.dockerignore").read_text().splitlines()
    assert {line[1:] for line in ignore if line[:1] == "!"} == copied_sources()
    pins = dict(re.findall(r"\"(locust|httpx)==([^\"]+)\"", (ROOT / "pyproject.toml").read_text()))
    installed = dict(re.findall(r"(locust|httpx)==(\S+)", DOCKERFILE.read_text()))
    assert installed == pins
