"""`python -m services.identity [serve | load-regions [--file F] | bootstrap-admin ... |
register-service ...]`."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path

from redis.asyncio import Redis

from services.identity.app import Identity, run
from services.identity.settings import IdentitySettings


async def load_regions(settings: IdentitySettings, path: Path) -> None:
    redis = Redis.from_url(settings.common.redis_url)
    identity = await Identity.build(settings, redis)
    loaded = await identity.regions.load_file(path)
    sys.stdout.write(json.dumps({"loaded": loaded, "file": str(path)}) + "\n")
    await identity.components.db.dispose()
    await redis.aclose()


async def bootstrap_admin(settings: IdentitySettings, mobile: str, name: str, region: str) -> None:
    redis = Redis.from_url(settings.common.redis_url)
    identity = await Identity.build(settings, redis)
    created = await identity.users.bootstrap_admin(mobile, name, region)
    if created is None:
        result: dict = {"exists": True, "mobile": mobile}
    else:
        user, password = created
        result = {"user_id": user.id, "mobile": mobile, "initial_password": password}
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    await identity.components.db.dispose()
    await redis.aclose()


async def register_service(
    settings: IdentitySettings, name: str, region: str, scopes: list[str], secret: str
) -> None:
    redis = Redis.from_url(settings.common.redis_url)
    identity = await Identity.build(settings, redis)
    try:
        client = await identity.clients.register_service(name, region, scopes, secret)
    finally:
        await identity.components.db.dispose()
        await redis.aclose()
    sys.stdout.write(json.dumps({"client_id": client.client_id, "scopes": scopes}) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m services.identity")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="serve gRPC (the default)")
    load = commands.add_parser("load-regions", help="load the division codes (idempotent)")
    load.add_argument("--file", type=Path, default=None)
    admin = commands.add_parser("bootstrap-admin", help="create the first administrator")
    admin.add_argument("--mobile", required=True)
    admin.add_argument("--name", required=True)
    admin.add_argument("--region", default="370000000000")
    service = commands.add_parser(
        "register-service", help="create or re-key the client of one of the platform's services"
    )
    service.add_argument("--name", required=True, help="e.g. notification: client svc-<name>")
    service.add_argument("--scopes", nargs="+", required=True, help="e.g. users:contact")
    service.add_argument("--region", default="370000000000")
    service.add_argument(
        "--secret-env", required=True, help="the environment variable holding its secret"
    )
    args = parser.parse_args()
    settings = IdentitySettings()
    if args.command == "load-regions":
        asyncio.run(load_regions(settings, args.file or settings.regions_file))
    elif args.command == "bootstrap-admin":
        asyncio.run(bootstrap_admin(settings, args.mobile, args.name, args.region))
    elif args.command == "register-service":
        secret = os.environ.get(args.secret_env, "")
        asyncio.run(register_service(settings, args.name, args.region, args.scopes, secret))
    else:
        asyncio.run(run(settings))


if __name__ == "__main__":
    main()
