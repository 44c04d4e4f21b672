"""`python -m services.identity [all | api | worker | migrate | await-schema | load-regions
[--file F] | bootstrap-admin ... | register-service ... | verify-audit]`: serve identity (its
worker appends every service's audited acts to the one log), one of the bootstrap steps, each
safe to re-run and to run beside the others and the starting services, or the audit log's
verification."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from kit.redis_client import redis_client
from kit.service_main import ServiceCommands
from services.identity.app import Identity, run
from services.identity.audit_service import verify
from services.identity.settings import IdentitySettings

T = TypeVar("T")


async def with_identity(settings: IdentitySettings, use: Callable[[Identity], Awaitable[T]]) -> T:
    """Run one bootstrap step on identity's use-cases, then let go of the database and Redis."""
    redis = redis_client(settings.common)
    identity = await Identity.build(settings, redis)
    try:
        return await use(identity)
    finally:
        await identity.components.db.dispose()
        await redis.aclose()


def answer(result: dict) -> None:
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")


def read_secret_file(path: Path) -> str:
    """A secret mounted as a file (a Kubernetes Secret): its content without the line end."""
    return path.read_text(encoding="utf-8").strip()


def load_regions(settings: IdentitySettings, args: argparse.Namespace) -> None:
    path = args.file or settings.regions_file
    loaded = asyncio.run(with_identity(settings, lambda i: i.regions.load_file(path)))
    answer({"loaded": loaded, "file": str(path)})


def bootstrap_admin(settings: IdentitySettings, args: argparse.Namespace) -> None:
    password = read_secret_file(args.password_file) if args.password_file else None
    created = asyncio.run(
        with_identity(
            settings,
            lambda i: i.users.bootstrap_admin(args.mobile, args.name, args.region, password),
        )
    )
    if created is None:
        answer({"exists": True, "mobile": args.mobile})
        return
    user, initial = created
    result = {"user_id": user.id, "mobile": args.mobile}
    # The operator's own password is in their Secret already: it is never echoed to a log.
    answer(result if password is not None else {**result, "initial_password": initial})


def register_service(settings: IdentitySettings, args: argparse.Namespace) -> None:
    if args.secret_file is not None:
        secret = read_secret_file(args.secret_file)
    else:
        secret = os.environ.get(args.secret_env, "")
    client = asyncio.run(
        with_identity(
            settings,
            lambda i: i.clients.register_service(args.name, args.region, args.scopes, secret),
        )
    )
    answer({"client_id": client.client_id, "scopes": args.scopes})


def verify_audit(settings: IdentitySettings, _args: argparse.Namespace) -> None:
    """Walk the audit log's hash chain; a broken record is named and the exit is non-zero."""
    checked = asyncio.run(with_identity(settings, lambda i: verify(i.components.db)))
    result: dict = {"verified": checked.broken is None, "records": checked.records}
    result["head"] = {"id": checked.head_id, "hash": checked.head_hash}
    if checked.broken is None:
        answer(result)
        return
    broken = {"id": checked.broken.record_id, "reason": checked.broken.reason}
    sys.exit(json.dumps({**result, "broken_record": broken}, ensure_ascii=False))


def main() -> None:
    commands = ServiceCommands("identity", IdentitySettings, run)
    load = commands.add("load-regions", "load the division codes (idempotent)", load_regions)
    load.add_argument("--file", type=Path, default=None)
    admin = commands.add("bootstrap-admin", "create the first administrator", bootstrap_admin)
    admin.add_argument("--mobile", required=True)
    admin.add_argument("--name", required=True)
    admin.add_argument("--region", default="370000000000")
    admin.add_argument(
        "--password-file",
        type=Path,
        default=None,
        help="its one-time password (changed at first login); generated and printed without",
    )
    service = commands.add(
        "register-service",
        "create or re-key the client of one of the platform's services",
        register_service,
    )
    service.add_argument("--name", required=True, help="e.g. notification: client svc-<name>")
    service.add_argument("--scopes", nargs="+", required=True, help="e.g. users:contact")
    service.add_argument("--region", default="370000000000")
    secret = service.add_mutually_exclusive_group(required=True)
    secret.add_argument("--secret-env", help="the environment variable holding its secret")
    secret.add_argument("--secret-file", type=Path, help="the file holding its secret")
    commands.add(
        "verify-audit", "check the audit log's hash chain (exit 1 at a broken record)", verify_audit
    )
    commands.main()


if __name__ == "__main__":
    main()
