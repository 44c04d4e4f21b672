"""Settings shared by every process (env prefix `JZ_`) and the base of each service's own.

Each service adds its own prefix (`IDENTITY_DATABASE_URL`, ...). Defaults are safe for a local
run. Every setting may also be a file in the folder named by `JZ_SECRETS_DIR`, named like its
variable (`/etc/jingzhun/secrets/REGISTRY_DATABASE_URL`: a Kubernetes Secret mounted as files);
a variable that is set wins over the file. Identity's signing key is a file too: in `prod` a
missing one stops identity at start (only `dev` and `test` create a key pair).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SecretsSettingsSource,
    SettingsConfigDict,
)

VAR_DIR = Path("var")
SECRETS_DIR_ENV = "JZ_SECRETS_DIR"


class PlatformSettings(BaseSettings):
    """Base of every settings class: values from the arguments, then the environment, then
    the files of `$JZ_SECRETS_DIR` (looked up when the settings are made, not at import)."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        folder = os.environ.get(SECRETS_DIR_ENV)
        if folder:
            file_secret_settings = SecretsSettingsSource(settings_cls, secrets_dir=folder)
        return init_settings, env_settings, dotenv_settings, file_secret_settings


class CommonSettings(PlatformSettings):
    model_config = SettingsConfigDict(env_prefix="JZ_", extra="ignore")

    environment: Literal["dev", "test", "prod"] = "dev"
    nats_url: str = "nats://127.0.0.1:4222"
    redis_url: str = "redis://127.0.0.1:6379/0"
    # Prefix of every NATS subject and stream name, so that test runs never see each other.
    bus_prefix: str = ""
    # Prefix of every Redis key, for the same reason.
    redis_prefix: str = "jz:"
    # The Redis pool (kit.redis_client): its size, how long a request waits for a connection
    # when all are busy, how often a failed command is retried (backoff capped) and how long
    # one connect or reply may take.
    redis_max_connections: int = Field(default=100, ge=1)
    redis_pool_timeout_seconds: float = Field(default=5.0, gt=0)
    redis_retries: int = Field(default=3, ge=0)
    redis_retry_cap_seconds: float = Field(default=0.5, gt=0)
    redis_socket_timeout_seconds: float = Field(default=2.0, gt=0)
    jwt_public_key_file: Path = VAR_DIR / "keys" / "jwt-signing.pub.pem"
    jwt_issuer: str = "jingzhun"
    jwt_audience: str = "jingzhun"
    log_level: str = "INFO"
    otel_exporter: Literal["none", "console", "otlp"] = "none"
    trace_sample_ratio: float = Field(default=1.0, ge=0.0, le=1.0)
    # Prometheus metrics on a port of their own (0: none), never the gateway's public one.
    metrics_port: int = Field(default=0, ge=0, le=65535)
    metrics_host: str = "127.0.0.1"
    # How often backlog gauges (outbox, consumers, SMS queue) are read from their stores.
    metrics_sample_seconds: float = Field(default=15.0, gt=0)
    identity_address: str = "127.0.0.1:50051"
    registry_address: str = "127.0.0.1:50052"
    assistance_address: str = "127.0.0.1:50053"
    training_address: str = "127.0.0.1:50054"
    notification_address: str = "127.0.0.1:50055"
    projects_address: str = "127.0.0.1:50056"
    # Copies of every JetStream stream the services create: 3 in a 3-node NATS cluster.
    stream_replicas: int = Field(default=1, ge=1, le=5)


class ServiceSettings(PlatformSettings):
    """Base of a service's settings; subclasses set `env_prefix` and their defaults."""

    model_config = SettingsConfigDict(extra="ignore")

    service_name: str = "service"
    grpc_host: str = "127.0.0.1"
    grpc_port: int = 50050
    database_url: str = ""
    common: CommonSettings = Field(default_factory=CommonSettings)

    @model_validator(mode="after")
    def _default_database(self) -> ServiceSettings:
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{VAR_DIR / 'data' / self.service_name}.db"
        return self

    @property
    def grpc_address(self) -> str:
        return f"{self.grpc_host}:{self.grpc_port}"


class CallsIdentity(PlatformSettings):
    """Mixed into the settings of a process that calls identity as itself (every process but
    identity): its client there, `svc-<name>`, registered by `python -m services.identity
    register-service`, and that client's secret (`<PREFIX>_IDENTITY_SECRET`, or the file of
    that name in `$JZ_SECRETS_DIR`). Each subclass names its client."""

    identity_client_id: str = ""
    identity_secret: str = ""
    common: CommonSettings = Field(default_factory=CommonSettings)

    @model_validator(mode="after")
    def _identity_secret_in_production(self) -> CallsIdentity:
        if self.common.environment == "prod" and not self.identity_secret:
            prefix = self.model_config.get("env_prefix", "")
            raise ValueError(f"{prefix.upper()}IDENTITY_SECRET must be set in production")
        return self
