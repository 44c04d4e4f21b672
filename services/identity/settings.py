"""Identity's settings (env prefix `IDENTITY_`)."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from kit.settings import VAR_DIR, ServiceSettings

DATA_DIR = Path(__file__).resolve().parent / "data"


class IdentitySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="IDENTITY_", extra="ignore")

    service_name: str = "identity"
    grpc_port: int = 50051
    signing_key_file: Path = VAR_DIR / "keys" / "jwt-signing.pem"
    regions_file: Path = DATA_DIR / "regions-37.tsv.gz"
    access_token_seconds: int = 600
    refresh_token_days: int = 30
    lockout_threshold: int = 5
    lockout_seconds: int = 900
    # argon2id cost (OWASP: m=19 MiB, t=2, p=1); tests may lower it, production must not.
    argon2_time_cost: int = 2
    argon2_memory_kib: int = 19456
