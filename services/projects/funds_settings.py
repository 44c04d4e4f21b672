"""Funds' settings (env prefix `PROJECTS_`, beside the project library's): when allocated funds
count as idle, and where vouchers are kept (kit.object_store: `PROJECTS_OBJECT_STORE`, local or
s3, and the `PROJECTS_S3_*` settings)."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from kit.object_store import StoresObjects


class FundsSettings(StoresObjects):
    model_config = SettingsConfigDict(env_prefix="PROJECTS_", extra="ignore")

    # Funds allocated to a project and not moved (allocated more, or paid) for this many days
    # are idle (资金闲置).
    idle_funds_days: float = Field(default=90.0, gt=0)
