"""Assistance's settings (env prefix `ASSISTANCE_`)."""

from pydantic_settings import SettingsConfigDict

from kit.settings import ServiceSettings


class AssistanceSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANCE_", extra="ignore")

    service_name: str = "assistance"
    grpc_port: int = 50053
