"""The external tools the manifest checks run (kubectl, kubernetes-validate, checkov) and the
rendering of every overlay with `kubectl kustomize`, done once per test session.

A missing tool skips its checks with a message saying how to install it, except on CI (CI=true)
or with JZ_REQUIRE_TOOLS=1, where it fails: a check that silently did not run proves nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
TOOLS_BIN = ROOT / ".venv-tools" / "bin"
REQUIRE_TOOLS = os.environ.get("CI") == "true" or os.environ.get("JZ_REQUIRE_TOOLS") == "1"
HOW_TO_INSTALL = {
    "kubectl": "install kubectl (it embeds kustomize; `kubectl kustomize` renders the overlays)",
    "kubernetes-validate": "run `make tools` (installs it into .venv-tools/)",
    "checkov": "run `make tools` (installs it into .venv-tools/)",
}


def require_tool(name: str) -> str:
    """The path of tool `name` (.venv-tools/ first, then PATH); skips, or fails on CI, if absent."""
    candidate = TOOLS_BIN / name
    found = str(candidate) if candidate.exists() else shutil.which(name)
    if found:
        return found
    message = f"{name} is not installed: {HOW_TO_INSTALL[name]}"
    if REQUIRE_TOOLS:
        pytest.fail(f"{message} (required: CI=true or JZ_REQUIRE_TOOLS=1)")
    pytest.skip(message)


def overlays() -> list[Path]:
    """Every deployable tier: each directory under deploy/k8s/overlays/ with a kustomization."""
    return sorted(path.parent for path in (K8S / "overlays").glob("*/kustomization.yaml"))


@dataclass(frozen=True)
class Rendering:
    """What `kubectl kustomize` made of one overlay: its YAML, or kustomize's error."""

    overlay: Path
    text: str = ""
    error: str = ""
    documents: list[dict[str, Any]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.overlay.name

    def resources(self) -> list[dict[str, Any]]:
        """The rendered documents; fails the calling test when the overlay does not render."""
        if self.error:
            pytest.fail(f"overlay {self.name} does not render:\n{self.error}")
        return self.documents


@cache
def _render(overlay: Path, kubectl: str) -> Rendering:
    result = subprocess.run(
        [kubectl, "kustomize", str(overlay)], capture_output=True, text=True, timeout=120
    )
    if result.returncode != 0:
        return Rendering(overlay, error=result.stderr.strip() or f"exit {result.returncode}")
    documents = [doc for doc in yaml.safe_load_all(result.stdout) if doc]
    return Rendering(overlay, text=result.stdout, documents=documents)


def render(overlay: Path) -> Rendering:
    """The overlay rendered by `kubectl kustomize`, once per session whoever asks."""
    return _render(overlay, require_tool("kubectl"))


def kind_and_name(resource: dict[str, Any]) -> str:
    return f"{resource['kind']}/{resource['metadata']['name']}"
