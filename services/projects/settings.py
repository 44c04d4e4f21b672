"""Projects' settings (env prefix `PROJECTS_`): the days each level has to review a project,
the public notice's length, who is texted at each level, how often the scheduler looks, and
the keys of the objectors' contacts."""

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from kit.public_notice import MIN_NOTICE_DAYS
from kit.settings import CallsIdentity, ServiceSettings

DEV_SECRET = "dev-only-projects-secret"


class ProjectsSettings(ServiceSettings, CallsIdentity):
    model_config = SettingsConfigDict(env_prefix="PROJECTS_", extra="ignore")

    service_name: str = "projects"
    identity_client_id: str = "svc-projects"
    grpc_port: int = 50056
    # Days the town has to review a proposal, and the county to decide after the notice.
    town_review_days: float = Field(default=10.0, gt=0)
    county_review_days: float = Field(default=15.0, gt=0)
    # Days a public notice (公示) runs; at least 5 outside dev and test runs.
    notice_period_days: float = Field(default=7.0, gt=0)
    # Holders of this role at the level whose turn it is are texted at each step.
    reviewer_role: str = "admin"
    scheduler_interval_seconds: float = Field(default=30.0, gt=0)
    scheduler_batch: int = Field(default=100, ge=1)
    # Keys of the objectors' contacts at rest: encryption, blind index.
    encryption_secret: str = DEV_SECRET
    index_secret: str = DEV_SECRET + "-index"

    @model_validator(mode="after")
    def _production_rules(self) -> "ProjectsSettings":
        if self.common.environment != "prod":
            return self
        if self.notice_period_days < MIN_NOTICE_DAYS:
            raise ValueError(f"a public notice runs at least {MIN_NOTICE_DAYS:g} days")
        if DEV_SECRET in self.encryption_secret + self.index_secret:
            raise ValueError(
                "PROJECTS_ENCRYPTION_SECRET and PROJECTS_INDEX_SECRET must be set in production"
            )
        return self
