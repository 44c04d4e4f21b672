"""Training's settings (env prefix `TRAINING_`)."""

from pydantic_settings import SettingsConfigDict

from kit.settings import ServiceSettings


class TrainingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TRAINING_", extra="ignore")

    service_name: str = "training"
    grpc_port: int = 50054
