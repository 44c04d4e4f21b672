"""One local platform: its environment, preparation (keys, migrations, territory), the SMSC
simulator, the service and gateway processes, and the first administrator. Used by `make run`,
the end-to-end tests and the benchmarks alike."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from devstack.processes import LogFollower, Supervisor, base_environment, free_port, run_module
from devstack.province import write_province
from kit import migrations
from kit.bus import Bus
from kit.service_auth import PLATFORM_CLIENTS
from kit.tokens import ensure_keypair

SERVICE_PORTS = {
    "identity": 50051,
    "registry": 50052,
    "assistance": 50053,
    "training": 50054,
    "notification": 50055,
    "projects": 50056,
}
ROOT = Path(__file__).resolve().parent.parent
SIMULATOR = "smsc-simulator"


def secret_env(process: str) -> str:
    """The variable holding a process's secret at identity (`GATEWAY_IDENTITY_SECRET`, ...)."""
    return f"{process.upper()}_IDENTITY_SECRET"


def has_migrations(service: str) -> bool:
    return (ROOT / "services" / service / "migrations").is_dir()


def ensure_secret(path: Path) -> str:
    """A random secret kept in `path`, made on first use (like the signing key pair)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def is_runnable(service: str) -> bool:
    return importlib.util.find_spec(f"services.{service}.__main__") is not None


@dataclass
class PlatformConfig:
    var_dir: Path = Path("var")
    nats_url: str = "nats://127.0.0.1:4222"
    redis_url: str = "redis://127.0.0.1:6379/0"
    bus_prefix: str = ""
    redis_prefix: str = "jz:"
    gateway_port: int = 8080
    service_ports: dict[str, int] = field(default_factory=lambda: dict(SERVICE_PORTS))
    database_urls: dict[str, str] = field(default_factory=dict)
    extra_env: dict[str, str] = field(default_factory=dict)
    # Process name (a service, or "gateway") -> the port it serves `/metrics` on (JZ_METRICS_PORT:
    # one per process, as every process shares the host); a process not named serves none.
    metrics_ports: dict[str, int] = field(default_factory=dict)
    # An SMSC already listening on 127.0.0.1 at this port (a test's own simulator); None: the
    # platform starts the SMSC simulator as a child process on a free port.
    smsc_port: int | None = None

    @property
    def services(self) -> list[str]:
        return [name for name in self.service_ports if is_runnable(name)]

    def database_url(self, service: str) -> str:
        default = f"sqlite+aiosqlite:///{self.var_dir.resolve() / 'data' / service}.db"
        return self.database_urls.get(service, default)

    @property
    def private_key(self) -> Path:
        return self.var_dir / "keys" / "jwt-signing.pem"

    @property
    def public_key(self) -> Path:
        return self.var_dir / "keys" / "jwt-signing.pub.pem"

    def client_secret(self, process: str) -> Path:
        """The secret of a process's own client at identity (`svc-<process>`)."""
        return self.var_dir / "keys" / f"{process}-identity.secret"

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    def metrics_url(self, process: str) -> str:
        return f"http://127.0.0.1:{self.metrics_ports[process]}/metrics"


class LocalPlatform:
    def __init__(self, config: PlatformConfig) -> None:
        self.config = config
        self.supervisor = Supervisor(config.var_dir / "logs")
        self.smsc_port = config.smsc_port or free_port()
        self._texts: LogFollower | None = None

    def environment(self) -> dict[str, str]:
        c = self.config
        env = {
            "JZ_NATS_URL": c.nats_url,
            "JZ_REDIS_URL": c.redis_url,
            "JZ_BUS_PREFIX": c.bus_prefix,
            "JZ_REDIS_PREFIX": c.redis_prefix,
            "JZ_JWT_PUBLIC_KEY_FILE": str(c.public_key.resolve()),
            "IDENTITY_SIGNING_KEY_FILE": str(c.private_key.resolve()),
            "GATEWAY_PORT": str(c.gateway_port),
            "NOTIFICATION_PROVIDER": "smpp",
            "NOTIFICATION_SMPP_HOST": "127.0.0.1",
            "NOTIFICATION_SMPP_PORT": str(self.smsc_port),
            "ASSISTANCE_OBJECT_STORE_FOLDER": str(
                c.var_dir.resolve() / "data" / "assistance-objects"
            ),
        }
        for process in PLATFORM_CLIENTS:
            env[secret_env(process)] = ensure_secret(c.client_secret(process))
        for service, port in c.service_ports.items():
            env[f"{service.upper()}_GRPC_PORT"] = str(port)
            env[f"{service.upper()}_DATABASE_URL"] = c.database_url(service)
            env[f"JZ_{service.upper()}_ADDRESS"] = f"127.0.0.1:{port}"
        env.update(c.extra_env)
        return base_environment(env)

    def migrate(self) -> list[str]:
        migrated = [s for s in self.config.services if has_migrations(s)]
        for service in migrated:
            migrations.upgrade(service, self.config.database_url(service))
        return migrated

    def prepare(self) -> None:
        """Keys, migrations, the territory and every process's own client at identity; every
        step is idempotent."""
        ensure_keypair(self.config.private_key, self.config.public_key)
        self.migrate()
        env = self.environment()
        run_module("services.identity", "load-regions", env=env)
        for process, scopes in PLATFORM_CLIENTS.items():
            run_module(
                "services.identity",
                "register-service",
                "--name",
                process,
                "--scopes",
                *scopes,
                "--secret-env",
                secret_env(process),
                env=env,
            )

    def load_demo(self, households: int) -> dict:
        """A generated province of `households` households in the registry (once: a registry
        that has them already reports them unchanged)."""
        path = self.config.var_dir / "demo" / f"province-{households}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            write_province(path, households)
        output = run_module(
            "services.registry", "import-file", "--file", str(path), env=self.environment()
        )
        return json.loads(output.strip().splitlines()[-1])

    def start(self) -> None:
        env = self.environment()
        if self.config.smsc_port is None:
            self.start_simulator(env)
        for service in self.config.services:
            child = self.supervisor.spawn(
                service, f"services.{service}", self._own_env(env, service)
            )
            self.supervisor.wait_grpc(child, f"127.0.0.1:{self.config.service_ports[service]}")
        gateway = self.supervisor.spawn("gateway", "gateway", self._own_env(env, "gateway"))
        self.supervisor.wait_http(gateway, f"{self.config.gateway_url}/readyz")

    def _own_env(self, env: dict[str, str], process: str) -> dict[str, str]:
        """The platform's environment with this process's own metrics port, if it has one."""
        port = self.config.metrics_ports.get(process)
        return env if port is None else {**env, "JZ_METRICS_PORT": str(port)}

    def start_simulator(self, env: dict[str, str]) -> None:
        """The SMSC simulator that notification binds to, as it would to a carrier's."""
        port = str(self.smsc_port)
        child = self.supervisor.spawn(
            SIMULATOR, "services.notification.sms.simulator", env, "--port", port
        )
        self.supervisor.wait_port(child, self.smsc_port)
        self._texts = LogFollower(child.log_path)

    def new_texts(self) -> list[str]:
        """The texts the simulator received since the last call, as `139****0001: 【…】…`."""
        if self._texts is None:
            return []
        texts = []
        for line in self._texts.new_lines():
            try:
                record = json.loads(line)
            except ValueError:
                continue  # not a log record (a traceback's lines)
            if isinstance(record, dict) and {"to", "text"} <= record.keys():
                texts.append(f"{record['to']}: {record['text']}")
        return texts

    def bootstrap_admin(self, mobile: str, name: str, region: str = "370000000000") -> dict:
        output = run_module(
            "services.identity",
            "bootstrap-admin",
            "--mobile",
            mobile,
            "--name",
            name,
            "--region",
            region,
            env=self.environment(),
        )
        return json.loads(output.strip().splitlines()[-1])

    def stop(self) -> None:
        self.supervisor.stop_all()

    def delete_streams(self) -> None:
        """Remove the JetStream streams of this platform's bus prefix (test and benchmark
        runs share the machine's NATS, which outlives them). Without a prefix it does nothing:
        the streams would be everyone's."""
        if self.config.bus_prefix:
            asyncio.run(self._delete_streams())

    async def _delete_streams(self) -> None:
        bus = await Bus.connect(
            self.config.nats_url, self.config.bus_prefix, name="devstack-cleanup"
        )
        try:
            await bus.delete_prefixed_streams()
        finally:
            await bus.close()
