"""`python -m services.registry [all | api | worker | migrate | await-schema | import-file --file F
[--region R] [--dry-run] | index-phones]`: serve the registry's gRPC API and consume its events
(kit.service_main: the roles and schema commands), import a filled-in households template from
the server's own disk (a first province-wide load, or `make run`'s demo) as the operator, or
index the phones of members registered before migration 0013 (once, after it)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from kit.principal import Principal
from kit.service_main import ServiceCommands
from services.registry.app import build_components, run
from services.registry.imports_service import ImportRequest, ImportsService
from services.registry.phone_indexes import index_phones
from services.registry.settings import RegistrySettings
from services.registry.templates import TemplateKind

OPERATOR = "operator:import-file"


async def import_file(settings: RegistrySettings, path: Path, region: str, dry_run: bool) -> dict:
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
    return {**result, **json.loads(job.summary)}


def import_file_command(settings: RegistrySettings, args: argparse.Namespace) -> None:
    result = asyncio.run(import_file(settings, args.file, args.region, args.dry_run))
    sys.stdout.write(json.dumps(result) + "\n")


async def index_phones_of(settings: RegistrySettings) -> int:
    components = build_components(settings)
    try:
        return await index_phones(components)
    finally:
        await components.db.dispose()


def index_phones_command(settings: RegistrySettings, args: argparse.Namespace) -> None:
    indexed = asyncio.run(index_phones_of(settings))
    sys.stdout.write(json.dumps({"indexed": indexed}) + "\n")


def main() -> None:
    commands = ServiceCommands("registry", RegistrySettings, run)
    load = commands.add(
        "import-file", "import a households template from disk", import_file_command
    )
    load.add_argument("--file", type=Path, required=True)
    load.add_argument("--region", default="370000000000", help="the territory it may fill")
    load.add_argument("--dry-run", action="store_true")
    commands.add(
        "index-phones",
        "index members' phones registered before migration 0013",
        index_phones_command,
    )
    commands.main()


if __name__ == "__main__":
    main()
