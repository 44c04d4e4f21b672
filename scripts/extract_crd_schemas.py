"""Extract the openAPIV3Schema of each served version of some CustomResourceDefinitions into
small JSON files under deploy/k8s/schemas/, the schemas the manifest checks validate custom
resources against (kubernetes-validate only ships the built-in kinds).

Usage: python scripts/extract_crd_schemas.py --origin "kedacore/keda v2.20.2" OUT_DIR CRD.yaml...
       python scripts/extract_crd_schemas.py --objectmeta K8S_DEFINITIONS.json OUT_DIR

Descriptions, CEL rules and list-type hints are dropped: they make up most of a CRD and change
nothing a JSON Schema validator checks. The output is deterministic, so a rerun changes nothing.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import yaml

# Keys that document or drive server-side machinery a JSON Schema validator cannot use.
DROPPED_KEYS = {
    "description",
    "x-kubernetes-validations",
    "x-kubernetes-list-type",
    "x-kubernetes-list-map-keys",
    "x-kubernetes-map-type",
}
OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"


def stripped(node: Any) -> Any:
    """The schema without its documentation, recursively (property names are kept whatever
    they are called: a property may well be named `description`)."""
    if isinstance(node, list):
        return [stripped(item) for item in node]
    if not isinstance(node, dict):
        return node
    result = {}
    for key, value in node.items():
        if key == "properties":
            result[key] = {name: stripped(sub) for name, sub in value.items()}
        elif key not in DROPPED_KEYS:
            result[key] = stripped(value)
    return result


def write_json(path: Path, document: dict[str, Any]) -> None:
    path.write_text(json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


def extract_crd(crd_path: Path, origin: str, out_dir: Path) -> list[Path]:
    written = []
    for crd in yaml.safe_load_all(crd_path.read_text()):
        if not crd or crd.get("kind") != "CustomResourceDefinition":
            continue
        spec = crd["spec"]
        for version in spec["versions"]:
            # A deprecated version is left out: a manifest written against it fails as an
            # unknown kind, which is the point.
            if not version.get("served", True) or version.get("deprecated"):
                continue
            api_version = f"{spec['group']}/{version['name']}"
            kind = spec["names"]["kind"]
            path = out_dir / f"{spec['group']}_{version['name']}_{kind.lower()}.json"
            write_json(
                path,
                {
                    "apiVersion": api_version,
                    "kind": kind,
                    "origin": f"{origin}: {crd_path.name}",
                    "schema": stripped(version["schema"]["openAPIV3Schema"]),
                },
            )
            written.append(path)
    return written


def extract_object_meta(definitions_path: Path, out_dir: Path) -> Path:
    """ObjectMeta and the definitions it refers to, from kubernetes-validate's strict schemas:
    the API server checks a custom resource's metadata as it checks a built-in one's."""
    definitions = json.loads(definitions_path.read_text())["$defs"]
    wanted, queue = {}, [OBJECT_META]
    while queue:
        name = queue.pop()
        if name in wanted:
            continue
        wanted[name] = stripped(definitions[name])
        text = json.dumps(wanted[name])
        queue += [ref.split('"')[0] for ref in text.split('"$ref": "#/$defs/')[1:]]
    path = out_dir / "objectmeta.json"
    write_json(
        path,
        {
            "origin": f"kubernetes-validate strict definitions: {definitions_path.parent.name}",
            "schema": {"$ref": f"#/$defs/{OBJECT_META}", "$defs": wanted},
        },
    )
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--origin", help="project and release the CRDs come from")
    parser.add_argument("--objectmeta", type=Path, help="kubernetes-validate _definitions.json")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("crds", nargs="*", type=Path)
    args = parser.parse_args()
    if args.objectmeta:
        extract_object_meta(args.objectmeta, args.out_dir)
    if args.crds and not args.origin:
        parser.error("--origin is required with CRD files")
    for crd_path in args.crds:
        extract_crd(crd_path, args.origin, args.out_dir)


if __name__ == "__main__":
    main()
