"""Settings shared by every process (env prefix `JZ_`) and the base of each service's own.

Each service adds its own prefix (`IDENTITY_DATABASE_URL`, ...). Defaults are safe for a local
run. The one secret, identity's signing key, is a file: in `prod` a missing one stops identity
at start (only `dev` and `test` create a key pair).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

VAR_DIR = Path("var")


class CommonSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JZ_", extra="ignore")

    environment: Literal["dev", "test", "prod"] = "dev"
    nats_url: str = "nats://127.0.0.1:4222"
    redis_url: str = "redis://127.0.0.1:6379/0"
    # Prefix of every NATS subject and stream name, so that test runs never see each other.
    bus_prefix: str = ""
    # Prefix of every Redis key, for the same reason.
    redis_prefix: str = "jz:"
    jwt_public_key_file: Path = VAR_DIR / "keys" / "jwt-signing.pub.pem"
    jwt_issuer: str = "jingzhun"
    jwt_audience: str = "jingzhun"
    log_level: str = "INFO"
    otel_exporter: Literal["none", "console", "otlp"] = "none"
    trace_sample_ratio: float = Field(default=1.0, ge=0.0, le=1.0)
    identity_address: str = "127.0.0.1:50051"
    registry_address: str = "127.0.0.1:50052"
    assistance_address: str = "127.0.0.1:50053"
    training_address: str = "127.0.0.1:50054"
    notification_address: str = "127.0.0.1:50055"


class ServiceSettings(BaseSettings):
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
