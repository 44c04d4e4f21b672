"""Fixtures of the deployment checks: one checkov run over every rendered overlay and the image's
Dockerfile, shared by all the tests that read its report."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from typing import Any

import pytest

from tests.deploy.rendered import ROOT, overlays, rendered_text, require_tool

# Checkov fetches guidelines from its vendor's platform and checks PyPI for a newer release
# unless told not to; the checks must not depend on (or send anything to) the outside.
MAKE_TOOLS = "`make tools` installs it into .venv-tools/"
CHECKOV_OFFLINE = {"CKV_SKIP_PACKAGE_UPDATE_CHECK": "true", "BC_SKIP_MAPPING": "TRUE"}


@pytest.fixture(scope="session")
def checkov_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """checkov's results by framework (`kubernetes`, `dockerfile`), from ONE run over every
    overlay that renders (each as `<overlay>.yaml`) and the Dockerfile: checkov spends most of
    its time starting, so one run for all is several times faster than one per overlay."""
    checkov = require_tool("checkov", MAKE_TOOLS)
    folder = tmp_path_factory.mktemp("checkov")
    for overlay in overlays():
        try:
            (folder / f"{overlay}.yaml").write_text(rendered_text(overlay))
        except pytest.fail.Exception:
            continue  # the overlay's own tests fail with kustomize's message
    shutil.copy(ROOT / "deploy" / "Dockerfile", folder / "Dockerfile")
    result = subprocess.run(
        [
            checkov,
            "--directory",
            ".",
            "--framework",
            "kubernetes",
            "dockerfile",
            "--output",
            "json",
            "--skip-download",
        ],
        cwd=folder,  # no .checkov.yaml of anyone's is picked up: skips live in the manifests
        env=os.environ | CHECKOV_OFFLINE,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if result.returncode not in (0, 1):  # 1 is "some check failed"
        pytest.fail(f"checkov crashed (exit {result.returncode}):\n{result.stderr[-3000:]}")
    reports = json.loads(result.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    return {report["check_type"]: report for report in reports}
