"""`python -m devstack run | migrate`: the whole platform on this machine, or its migrations."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time

from devstack.infra import ensure_nats, ensure_redis
from devstack.platform import LocalPlatform, PlatformConfig
from kit.settings import CommonSettings

ADMIN_MOBILE = "13800000000"


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def config_from_environment() -> PlatformConfig:
    common = CommonSettings()
    config = PlatformConfig(
        nats_url=common.nats_url,
        redis_url=common.redis_url,
        bus_prefix=common.bus_prefix,
        redis_prefix=common.redis_prefix,
        gateway_port=int(os.environ.get("GATEWAY_PORT", "8080")),
    )
    for service in config.service_ports:
        url = os.environ.get(f"{service.upper()}_DATABASE_URL")
        if url:
            config.database_urls[service] = url
    return config


def run(config: PlatformConfig) -> None:
    stop_requested = False

    def request_stop(*_: object) -> None:
        nonlocal stop_requested
        stop_requested = True

    signal.signal(signal.SIGTERM, request_stop)
    started = [
        s
        for s in (
            ensure_nats(config.nats_url, config.var_dir / "nats"),
            ensure_redis(config.redis_url, config.var_dir / "redis"),
        )
        if s
    ]
    for server in started:
        say(f"started the project's own {server.name}")
    platform = LocalPlatform(config)
    try:
        say("migrating databases and loading the territory ...")
        platform.prepare()
        demo = int(os.environ.get("JZ_DEMO_HOUSEHOLDS", "0"))
        if demo:
            say(f"loading a demo province of {demo:,} households ...")
            loaded = platform.load_demo(demo)
            say(
                f"demo: {loaded['new_households']:,} new, {loaded['unchanged_households']:,} already there"
            )
        say(f"starting {', '.join(config.services)} and the gateway ...")
        platform.start()
        say(
            f"SMSC simulator (SMPP 3.4): 127.0.0.1:{platform.smsc_port}; the texts it receives "
            "appear below (non-urgent ones wait out NOTIFICATION_QUIET_HOURS, 22:00-07:00)"
        )
        admin = platform.bootstrap_admin(ADMIN_MOBILE, "省管理员")
        if admin.get("exists"):
            say(
                f"province administrator: {ADMIN_MOBILE} (exists; its password was shown on the first run)"
            )
        else:
            say(
                f"province administrator: {ADMIN_MOBILE}, one-time password: {admin['initial_password']}"
            )
        say(f"console: {config.gateway_url}/console/  (sign in with the administrator above)")
        say(
            f"gateway: {config.gateway_url}  (API docs: {config.gateway_url}/docs)  — Ctrl-C stops everything"
        )
        while not stop_requested:
            for text in platform.new_texts():
                say(f"SMS to {text}")
            dead = platform.supervisor.dead()
            if dead:
                say(f"{dead[0].name} stopped unexpectedly:\n{dead[0].last_lines()}")
                break
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        say("stopping ...")
        platform.stop()
        for server in started:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m devstack")
    parser.add_argument("command", choices=["run", "migrate"])
    args = parser.parse_args()
    config = config_from_environment()
    if args.command == "migrate":
        say(f"migrated: {', '.join(LocalPlatform(config).migrate()) or 'nothing'}")
    else:
        run(config)


if __name__ == "__main__":
    main()
