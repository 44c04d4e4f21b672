"""The manifests as a cluster would get them: each overlay rendered once by `kubectl kustomize`
(skipped with a clear message where kubectl is absent, a failure on CI)."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
TOOLS_BIN = ROOT / ".venv-tools" / "bin"
Obj = dict[str, Any]


def overlays() -> list[str]:
    return sorted(p.parent.name for p in (K8S / "overlays").glob("*/kustomization.yaml"))


def cities() -> list[str]:
    return [name for name in overlays() if name.startswith("city-")]


def require_tool(name: str, install: str) -> str:
    """The tool's path: .venv-tools/ first (`make tools` installs the manifest checks' tools
    there, away from the project's pins), then PATH."""
    local = TOOLS_BIN / name
    path = str(local) if local.exists() else shutil.which(name)
    if path is None:
        message = f"{name} is not installed ({install})"
        if os.environ.get("CI") == "true" or os.environ.get("JZ_REQUIRE_TOOLS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


@functools.cache
def _kustomize(overlay: str) -> subprocess.CompletedProcess[str]:
    kubectl = require_tool("kubectl", "apt-get install kubectl, or any kubectl with kustomize")
    return subprocess.run(
        [kubectl, "kustomize", str(K8S / "overlays" / overlay)],
        capture_output=True,
        text=True,
        check=False,
    )


def rendered_text(overlay: str) -> str:
    """The overlay's YAML as kustomize writes it (rendered once, failures included)."""
    done = _kustomize(overlay)
    if done.returncode != 0:
        pytest.fail(f"kubectl kustomize {overlay} failed:\n{done.stderr}")
    return done.stdout


@functools.cache
def _render(overlay: str) -> tuple[Obj, ...]:
    return tuple(doc for doc in yaml.safe_load_all(rendered_text(overlay)) if doc)


def render(overlay: str) -> list[Obj]:
    return list(_render(overlay))


def of_kind(objects: list[Obj], kind: str) -> dict[str, Obj]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def pod_labels(workload: Obj) -> dict[str, str]:
    return workload["spec"]["template"]["metadata"]["labels"]
