"""Registry's settings (env prefix `REGISTRY_`)."""

from pydantic import model_validator
from pydantic_settings import SettingsConfigDict

from kit.settings import ServiceSettings

DEV_SECRET = "dev-only-registry-secret"


class RegistrySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REGISTRY_", extra="ignore")

    service_name: str = "registry"
    grpc_port: int = 50052
    # Keys of the personal data at rest (identity numbers): encryption, and the blind index.
    encryption_secret: str = DEV_SECRET
    index_secret: str = DEV_SECRET + "-index"

    @model_validator(mode="after")
    def _real_secrets_in_production(self) -> "RegistrySettings":
        if self.common.environment == "prod" and DEV_SECRET in (
            self.encryption_secret + self.index_secret
        ):
            raise ValueError(
                "REGISTRY_ENCRYPTION_SECRET and REGISTRY_INDEX_SECRET must be set in production"
            )
        return self
