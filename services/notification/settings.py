"""Notification's settings (env prefix `NOTIFICATION_`)."""

from pydantic_settings import SettingsConfigDict

from kit.settings import ServiceSettings


class NotificationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATION_", extra="ignore")

    service_name: str = "notification"
    grpc_port: int = 50055
