"""Registry's settings (env prefix `REGISTRY_`)."""

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from kit.public_notice import MIN_NOTICE_DAYS
from kit.settings import CallsIdentity, ServiceSettings

DEV_SECRET = "dev-only-registry-secret"


class RegistrySettings(ServiceSettings, CallsIdentity):
    model_config = SettingsConfigDict(env_prefix="REGISTRY_", extra="ignore")

    service_name: str = "registry"
    identity_client_id: str = "svc-registry"
    grpc_port: int = 50052
    # Keys of the personal data at rest (identity numbers): encryption, and the blind index.
    encryption_secret: str = DEV_SECRET
    index_secret: str = DEV_SECRET + "-index"
    # The poverty standard (yuan a year per person); the monitoring line is `ratio` times it.
    poverty_standard_yuan: int = Field(default=4000, gt=0)
    monitoring_line_ratio: float = Field(default=1.5, gt=0)
    # Days the public notice (公示) of households proposed for identification or exit runs; at
    # least MIN_NOTICE_DAYS outside dev and test runs.
    notice_period_days: float = Field(default=7.0, gt=0)

    @property
    def monitoring_line(self) -> int:
        return round(self.poverty_standard_yuan * self.monitoring_line_ratio)

    @model_validator(mode="after")
    def _real_secrets_in_production(self) -> "RegistrySettings":
        if self.common.environment == "prod" and DEV_SECRET in (
            self.encryption_secret + self.index_secret
        ):
            raise ValueError(
                "REGISTRY_ENCRYPTION_SECRET and REGISTRY_INDEX_SECRET must be set in production"
            )
        if self.common.environment == "prod" and self.notice_period_days < MIN_NOTICE_DAYS:
            raise ValueError(f"a public notice runs at least {MIN_NOTICE_DAYS:g} days")
        return self
