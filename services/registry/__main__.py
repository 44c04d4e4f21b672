"""`python -m services.registry [serve | import-file --file F [--region R] [--dry-run]]`:
serve the registry's gRPC API, or import a filled-in households template from the server's
own disk (a first province-wide load, or `make run`'s demo) as the operator."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from kit.principal import Principal
from services.registry.app import build_components, run
from services.registry.imports_service import ImportRequest, ImportsService
from services.registry.settings import RegistrySettings
from services.registry.templates import TemplateKind

OPERATOR = "operator:import-file"


async def import_file(settings: RegistrySettings, path: Path, region: str, dry_run: bool) -> None:
    components = build_components(settings)
    operator = Principal(subject=OPERATOR, kind="user", region_code=region, roles=("admin",))
    file_format = path.suffix.lstrip(".").lower()
    request = ImportRequest("households", file_format, path.name, "valid_rows_only", dry_run)
    try:
        job = await ImportsService(components).import_rows(
            operator, request, path, TemplateKind.HOUSEHOLDS
        )
    finally:
        await components.db.dispose()
    result = {"job": job.id, "outcome": job.outcome, "findings": job.findings}
    sys.stdout.write(json.dumps({**result, **json.loads(job.summary)}) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m services.registry")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="serve gRPC (the default)")
    load = commands.add_parser("import-file", help="import a households template from disk")
    load.add_argument("--file", type=Path, required=True)
    load.add_argument("--region", default="370000000000", help="the territory it may fill")
    load.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    settings = RegistrySettings()
    if args.command == "import-file":
        asyncio.run(import_file(settings, args.file, args.region, args.dry_run))
    else:
        asyncio.run(run(settings))


if __name__ == "__main__":
    main()
