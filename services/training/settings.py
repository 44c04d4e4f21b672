"""Training's settings (env prefix `TRAINING_`): the public notice's length, who is texted at
each level, how often the scheduler looks, and the keys of candidates' personal data."""

from pydantic import model_validator
from pydantic_settings import SettingsConfigDict

from kit.public_notice import MIN_NOTICE_DAYS
from kit.settings import CallsIdentity, ServiceSettings

DEV_SECRET = "dev-only-training-secret"


class TrainingSettings(ServiceSettings, CallsIdentity):
    model_config = SettingsConfigDict(env_prefix="TRAINING_", extra="ignore")

    service_name: str = "training"
    identity_client_id: str = "svc-training"
    grpc_port: int = 50054
    # Days a public notice (公示) runs; at least 5 outside dev and test runs.
    notice_period_days: float = 7.0
    # Holders of this role at the level whose turn it is are texted at each step.
    reviewer_role: str = "admin"
    scheduler_interval_seconds: float = 30.0
    scheduler_batch: int = 100
    # Keys of the personal data at rest (identity numbers, phones): encryption, blind index.
    encryption_secret: str = DEV_SECRET
    index_secret: str = DEV_SECRET + "-index"

    @model_validator(mode="after")
    def _production_rules(self) -> "TrainingSettings":
        if self.notice_period_days <= 0:
            raise ValueError("TRAINING_NOTICE_PERIOD_DAYS must be positive")
        if self.common.environment != "prod":
            return self
        if self.notice_period_days < MIN_NOTICE_DAYS:
            raise ValueError(f"a public notice runs at least {MIN_NOTICE_DAYS:g} days")
        if DEV_SECRET in self.encryption_secret + self.index_secret:
            raise ValueError(
                "TRAINING_ENCRYPTION_SECRET and TRAINING_INDEX_SECRET must be set in production"
            )
        return self
