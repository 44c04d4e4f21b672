"""`python -m services.identity [serve | load-regions [--file F] | bootstrap-admin ...]`."""

from __future__ import annotations

import argparse
import asyncio
import json
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
    args = parser.parse_args()
    settings = IdentitySettings()
    if args.command == "load-regions":
        asyncio.run(load_regions(settings, args.file or settings.regions_file))
    elif args.command == "bootstrap-admin":
        asyncio.run(bootstrap_admin(settings, args.mobile, args.name, args.region))
    else:
        asyncio.run(run(settings))


if __name__ == "__main__":
    main()
