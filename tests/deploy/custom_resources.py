"""Strict validation of custom resources (KEDA, CloudNativePG, Prometheus Operator,
OpenTelemetry Operator) against the operators' own CRD schemas, kept in deploy/k8s/schemas/.

kubernetes-validate ships the built-in kinds only: for any other kind it prints a warning and
passes. A CRD's openAPIV3Schema is an OpenAPI dialect, so it is read the way the API server
reads it under strict field validation (kubectl's default): an object rejects the fields its
schema does not list unless it says `x-kubernetes-preserve-unknown-fields`, `nullable` admits
null, and the metadata is checked as the API server checks every object's metadata.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from tests.deploy.rendered import K8S

SCHEMAS = K8S / "schemas"


def strict(node: Any) -> Any:
    """The schema as the API server applies it to an object it is asked to store."""
    if isinstance(node, list):
        return [strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    result = {
        key: (
            {name: strict(sub) for name, sub in value.items()}
            if key == "properties"
            else strict(value)
        )
        for key, value in node.items()
    }
    if result.get("nullable") and "type" in result:
        result["type"] = [result["type"], "null"]
    is_object = result.get("type") == "object" or "properties" in result
    if (
        is_object
        and "additionalProperties" not in result
        and not result.get("x-kubernetes-preserve-unknown-fields")
    ):
        # A structural schema prunes what it does not list; strict validation refuses it.
        result["additionalProperties"] = False
    if result.get("x-kubernetes-embedded-resource"):
        result.setdefault("properties", {}).update(
            {
                "apiVersion": {"type": "string"},
                "kind": {"type": "string"},
                "metadata": {"type": "object"},
            }
        )
    return result


@cache
def validators() -> dict[tuple[str, str], Draft202012Validator]:
    """One validator per (apiVersion, kind) that deploy/k8s/schemas/ knows."""
    object_meta = json.loads((SCHEMAS / "objectmeta.json").read_text())["schema"]
    found = {}
    for path in sorted(SCHEMAS.glob("*.json")):
        document = json.loads(path.read_text())
        if "kind" not in document:
            continue
        schema = strict(document["schema"])
        # ObjectMeta's definitions refer to each other from the root: they join the schema's.
        schema["properties"]["metadata"] = {"$ref": object_meta["$ref"]}
        schema["$defs"] = object_meta["$defs"]
        schema["required"] = sorted({*schema.get("required", []), "apiVersion", "kind"})
        found[(document["apiVersion"], document["kind"])] = Draft202012Validator(schema)
    return found


def errors(resource: dict[str, Any]) -> Iterator[str]:
    """Each way `resource` breaks its CRD's schema, as `path: message`."""
    validator = validators()[(resource["apiVersion"], resource["kind"])]
    for error in sorted(validator.iter_errors(resource), key=lambda e: list(e.absolute_path)):
        path = ".".join(str(part) for part in error.absolute_path) or "(root)"
        yield f"{path}: {error.message}"
