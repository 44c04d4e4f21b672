"""The start-up and command line every service shares: its roles (`all`, `api`, `worker`),
`migrate` and `await-schema`; logging, tracing, metrics and the token verifier, then serve; at the end,
the spans still batched are exported once serving has stopped.

A service runs as one process doing everything (`all`, the default: the local runner, the
end-to-end tests) or, in Kubernetes, as two Deployments of the same image: `api` serves the
gRPC API, `worker` does the background work (consumers, schedulers, senders) and serves gRPC
health only, so both are probed alike. Both relay the outbox: an API pod's events leave right
after its commits, and a worker sweeps whatever an API pod left behind.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import ModuleType
from typing import Any, Generic, TypeVar

import grpc

from kit import migrations
from kit.bus import Bus
from kit.db import Database
from kit.errors import DomainError
from kit.grpc_server import Register, serve
from kit.idempotency import IdempotentCalls, forget_expired_forever
from kit.logs import configure_logging
from kit.metrics import serve_metrics
from kit.settings import ServiceSettings
from kit.telemetry import configure_tracing, shutdown_tracing
from kit.tokens import TokenVerifier

Task = Callable[[], Coroutine[Any, Any, None]]
AWAIT_SCHEMA_SECONDS = 300.0


class Role(StrEnum):
    ALL = "all"
    API = "api"
    WORKER = "worker"


ROLE_HELP = {
    Role.ALL: "the API and every background task in one process (the default)",
    Role.API: "the gRPC API, with the outbox relay of its own commits",
    Role.WORKER: "the background work only, serving gRPC health",
}


@dataclass(frozen=True)
class ServiceProcess:
    """What a service runs, by role: its servicers, the tasks the API needs beside them (the
    policy, caches kept fresh), the background work, and the tasks of every role (the relay);
    its database keeps the replies of calls made with an Idempotency-Key (the API stores them,
    the worker forgets the expired ones)."""

    register: Register
    database: Database
    every_role: Sequence[Task] = ()
    api: Sequence[Task] = ()
    worker: Sequence[Task] = ()
    on_stop: Callable[[], Awaitable[None]] | None = None

    def tasks(self, role: Role) -> list[Task]:
        own = {Role.ALL: [*self.api, *self.worker], Role.API: self.api, Role.WORKER: self.worker}
        return [*self.every_role, *own[role]]


async def service_bus(settings: ServiceSettings) -> Bus:
    """The service's connection to NATS, its own stream ensured (at the configured replicas)."""
    common = settings.common
    bus = await Bus.connect(
        common.nats_url,
        common.bus_prefix,
        name=settings.service_name,
        replicas=common.stream_replicas,
    )
    await bus.ensure_service_stream(settings.service_name)
    return bus


async def run_service(settings: ServiceSettings, process: ServiceProcess, role: Role) -> None:
    """Serve `role` of the service until SIGINT/SIGTERM. A worker serves health (and
    reflection) without a servicer, and so needs no token verifier."""
    common = settings.common
    configure_logging(settings.service_name, common.log_level)
    configure_tracing(settings.service_name, common.otel_exporter, common.trace_sample_ratio)
    serve_metrics(common)
    serves_api = role is not Role.WORKER
    verifier = (
        TokenVerifier.from_file(
            common.jwt_public_key_file, issuer=common.jwt_issuer, audience=common.jwt_audience
        )
        if serves_api
        else None
    )
    await serve(
        address=settings.grpc_address,
        verifier=verifier,
        register=process.register if serves_api else lambda _server: [],
        background=[
            *process.tasks(role),
            *([] if role is Role.API else [lambda: forget_expired_forever(process.database)]),
        ],
        on_stop=process.on_stop,
        wrappers=[IdempotentCalls(process.database).wrap] if serves_api else [],
    )
    await asyncio.to_thread(shutdown_tracing)


def servicer_registration(pb2: ModuleType, pb2_grpc: ModuleType, service: str) -> Register:
    """A `register` for the servicer of `service` from its generated modules (the base
    servicer, answering UNIMPLEMENTED, for a service whose calls are still to come)."""

    def register(server: grpc.aio.Server) -> list[str]:
        servicer = getattr(pb2_grpc, f"{service}Servicer")()
        getattr(pb2_grpc, f"add_{service}Servicer_to_server")(servicer, server)
        return [pb2.DESCRIPTOR.services_by_name[service].full_name]

    return register


S = TypeVar("S", bound=ServiceSettings)
Command = Callable[[S, argparse.Namespace], None]


class ServiceCommands(Generic[S]):
    """`python -m services.<svc> [all | api | worker | migrate | await-schema | ...]`: the
    roles and schema commands every service has; a service adds its own with `add`."""

    def __init__(
        self,
        service: str,
        settings: Callable[[], S],
        run: Callable[[S, Role], Coroutine[Any, Any, None]],
        *,
        roles: Sequence[Role] = tuple(Role),
    ) -> None:
        self.service, self._settings, self._run = service, settings, run
        self.parser = argparse.ArgumentParser(prog=f"python -m services.{service}")
        self._commands = self.parser.add_subparsers(dest="command")
        self._own: dict[str, Command[S]] = {}
        self._roles = [role.value for role in roles]
        for role in roles:
            self._commands.add_parser(role.value, help=ROLE_HELP[role])
        self._commands.add_parser("migrate", help="migrate the database to head (concurrent-safe)")
        wait = self._commands.add_parser(
            "await-schema", help="wait until the database is at head (an init container)"
        )
        wait.add_argument("--timeout", type=float, default=AWAIT_SCHEMA_SECONDS, metavar="SECONDS")

    def add(self, name: str, help: str, command: Command[S]) -> argparse.ArgumentParser:
        """Add the service's own command; returns its parser, for its arguments."""
        self._own[name] = command
        return self._commands.add_parser(name, help=help)

    def main(self, argv: Sequence[str] | None = None) -> None:
        args = self.parser.parse_args(argv)
        settings = self._settings()
        name = args.command or Role.ALL.value
        if name in self._own:
            try:
                self._own[name](settings, args)
            except DomainError as refused:  # the operator's input: a message, not a traceback
                violations = "".join(f"; {v.field}: {v.description}" for v in refused.violations)
                sys.exit(f"{refused.reason}: {refused.message}{violations}")
        elif name == "migrate":
            migrations.upgrade(self.service, settings.database_url)
            revision = migrations.head_of(self.service)
            sys.stdout.write(json.dumps({"migrated": self.service, "revision": revision}) + "\n")
        elif name == "await-schema":
            try:
                asyncio.run(
                    migrations.wait_for_head(self.service, settings.database_url, args.timeout)
                )
            except TimeoutError as error:
                sys.exit(str(error))
        elif name in self._roles:
            asyncio.run(self._run(settings, Role(name)))
