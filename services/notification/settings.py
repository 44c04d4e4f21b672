"""Notification's settings (env prefix `NOTIFICATION_`): keys of the phone numbers at rest, its
client at identity, the SMS provider, and the sending rules (quiet hours, caps, retries)."""

from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from kit.settings import CallsIdentity, ServiceSettings

DEV_SECRET = "dev-only-notification-secret"
DEV_SMPP_PASSWORD = "jz-dev"  # SMPP 3.4 passwords have at most 8 characters


class NotificationSettings(ServiceSettings, CallsIdentity):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATION_", extra="ignore")

    service_name: str = "notification"
    grpc_port: int = 50055
    # Keys of the phone numbers at rest: encryption, and the blind index (per-number caps,
    # the sender of a reply).
    encryption_secret: str = DEV_SECRET
    index_secret: str = DEV_SECRET + "-index"
    # Its client at identity may also read phone numbers (users:contact).
    identity_client_id: str = "svc-notification"
    # none: messages are recorded and stay queued (no provider connected yet).
    provider: Literal["none", "smpp", "http"] = "none"
    signature: str = "精准扶贫"
    quiet_hours: str = "22:00-07:00"  # local time; empty: none
    timezone: str = "Asia/Shanghai"
    daily_cap: int = 20  # messages per number per local day (urgent ones are never held)
    max_attempts: int = 8
    retry_base_seconds: float = 30.0
    retry_max_seconds: float = 3600.0
    receipt_timeout_seconds: float = 48 * 3600.0  # submitted without a receipt: expired
    dispatch_batch: int = 200
    dispatch_interval_seconds: float = 1.0
    sending_lease_seconds: float = 120.0  # a claim left by a crashed sender is retried after it
    # SMPP 3.4 to the carrier's SMSC (locally: `python -m services.notification.sms.simulator`).
    smpp_host: str = "127.0.0.1"
    smpp_port: int = 2775
    smpp_system_id: str = "jingzhun"
    smpp_password: str = DEV_SMPP_PASSWORD
    smpp_system_type: str = ""
    smpp_source_addr: str = "106900001"  # the platform's SP number: the sender cadres see
    # Its type of number and numbering plan, as the carrier checks them (0/0: unknown).
    smpp_source_ton: int = Field(default=0, ge=0, le=6)
    smpp_source_npi: int = Field(default=0, ge=0, le=18)
    # Recipients as national numbers (13800000000, TON 2 NPI 1) or international ones
    # (8613800000000, TON 1 NPI 1).
    smpp_dest_format: Literal["national", "international"] = "national"
    smpp_window: int = 10  # submit_sm sent and not yet answered
    smpp_rate: float = 100.0  # parts per second, as the carrier allows
    smpp_enquire_interval: float = 30.0  # seconds of silence before an enquire_link
    smpp_response_timeout: float = 10.0
    smpp_reconnect_max: float = 30.0  # the longest wait between two reconnection attempts
    # A cloud SMS HTTP API (provider "http"): its address, keys, and the approved template that
    # carries a whole text (`{text}`) for messages sent without a template code of their own.
    sms_http_url: str = "http://127.0.0.1:8090"
    sms_http_access_key: str = "jingzhun"
    sms_http_secret: str = DEV_SMPP_PASSWORD
    sms_http_text_template: str = "notice"

    @model_validator(mode="after")
    def _real_provider_secret_in_production(self) -> "NotificationSettings":
        if self.common.environment == "prod" and DEV_SMPP_PASSWORD in (
            {"smpp": self.smpp_password, "http": self.sms_http_secret}.get(self.provider, "")
        ):
            raise ValueError(
                "NOTIFICATION_SMPP_PASSWORD or NOTIFICATION_SMS_HTTP_SECRET must be set in production"
            )
        return self

    @model_validator(mode="after")
    def _real_secrets_in_production(self) -> "NotificationSettings":
        if self.common.environment == "prod" and (
            DEV_SECRET in self.encryption_secret + self.index_secret
        ):
            raise ValueError(
                "NOTIFICATION_ENCRYPTION_SECRET and NOTIFICATION_INDEX_SECRET must be set in "
                "production"
            )
        return self
