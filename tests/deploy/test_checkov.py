"""checkov finds nothing to fix in any rendered overlay nor in the image's Dockerfile; a check
may be skipped only by an annotation (`checkov.io/skip<N>: CKV_K8S_xx=<reason>`) or a Dockerfile
comment (`#checkov:skip=CKV_DOCKER_x:<reason>`) that says why, in the manifest itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.deploy.rendered import overlays, rendered_text

# What checkov records as the reason of a skip that gave none.
NO_REASON = {"", "No comment provided"}


def results(report: dict[str, Any], outcome: str, file_name: str) -> list[dict[str, Any]]:
    """The `failed_checks`/`skipped_checks` of checkov's report that concern `file_name`."""
    return [
        check
        for check in report.get("results", {}).get(outcome, [])
        if Path(check["file_path"]).name == file_name
    ]


def described(checks: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{check['check_id']} {check['resource']}: {check['check_name']}" for check in checks
    )


@pytest.mark.parametrize("overlay", overlays())
def test_checkov_passes_every_check_on_the_rendered_overlay(
    overlay: str, checkov_report: dict[str, dict[str, Any]]
) -> None:
    rendered_text(overlay)  # fails with kustomize's message if it does not render
    report = checkov_report["kubernetes"]
    assert report["summary"]["parsing_errors"] == 0
    failed = results(report, "failed_checks", f"{overlay}.yaml")
    if failed:
        pytest.fail(f"{len(failed)} failed checks:\n{described(failed)}")


@pytest.mark.parametrize("overlay", overlays())
def test_every_check_skipped_in_an_overlay_says_why(
    overlay: str, checkov_report: dict[str, dict[str, Any]]
) -> None:
    rendered_text(overlay)  # fails with kustomize's message if it does not render
    skipped = results(checkov_report["kubernetes"], "skipped_checks", f"{overlay}.yaml")
    unexplained = [c for c in skipped if c["check_result"]["suppress_comment"] in NO_REASON]
    if unexplained:
        pytest.fail(f"skipped without a reason:\n{described(unexplained)}")


def test_checkov_passes_every_check_on_the_dockerfile(
    checkov_report: dict[str, dict[str, Any]],
) -> None:
    report = checkov_report["dockerfile"]
    failed = results(report, "failed_checks", "Dockerfile")
    if failed:
        pytest.fail(described(failed))
    skipped = results(report, "skipped_checks", "Dockerfile")
    assert all(c["check_result"]["suppress_comment"] not in NO_REASON for c in skipped)
