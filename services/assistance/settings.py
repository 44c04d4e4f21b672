"""Assistance's settings (env prefix `ASSISTANCE_`): how long each level has to act on a need
(urgent ones less), who owns needs at a level, how far from a household a visit's check-in may
be, how long the town has to verify an alert, where attachments are kept (kit.object_store)
and how far from a visit's time a photo may be taken, and how often the scheduler looks."""

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from kit.object_store import StoresObjects
from kit.settings import CallsIdentity, ServiceSettings

LEVELS = ("village", "town", "county", "city", "province")


class AssistanceSettings(ServiceSettings, CallsIdentity, StoresObjects):
    model_config = SettingsConfigDict(env_prefix="ASSISTANCE_", extra="ignore")

    service_name: str = "assistance"
    identity_client_id: str = "svc-assistance"
    grpc_port: int = 50053
    # Hours each level owns a need before it escalates by itself (JSON in the environment).
    need_deadline_hours: dict[str, float] = Field(
        default_factory=lambda: {
            "village": 72.0,
            "town": 120.0,
            "county": 168.0,
            "city": 240.0,
            "province": 336.0,
        }
    )
    urgent_need_deadline_hours: dict[str, float] = Field(
        default_factory=lambda: {
            "village": 24.0,
            "town": 48.0,
            "county": 72.0,
            "city": 96.0,
            "province": 120.0,
        }
    )
    # Holders of this role at the new owner's region are texted when a need reaches it.
    need_owner_role: str = "admin"
    # Hours the town has to verify a return-to-poverty alert.
    alert_verify_hours: float = Field(default=72.0, gt=0)
    # A visit's check-in farther than this from the household's registered location is flagged.
    visit_max_distance_m: float = Field(default=500.0, gt=0)
    # A photo attached to a visit taken (by its EXIF) further than this from the check-in time
    # is flagged exif_time_off.
    attachment_exif_max_hours: float = Field(default=6.0, gt=0)
    scheduler_interval_seconds: float = 30.0
    scheduler_batch: int = 100

    @field_validator("need_deadline_hours", "urgent_need_deadline_hours")
    @classmethod
    def _every_level(cls, hours: dict[str, float]) -> dict[str, float]:
        if set(hours) != set(LEVELS) or any(value <= 0 for value in hours.values()):
            raise ValueError(f"give a positive number of hours for each of {', '.join(LEVELS)}")
        return hours
