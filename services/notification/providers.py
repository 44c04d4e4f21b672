"""The one place the SMS provider is chosen: `NOTIFICATION_PROVIDER` names it."""

from __future__ import annotations

from services.notification.settings import NotificationSettings
from services.notification.sms.http_provider import HttpSmsConfig, HttpSmsProvider
from services.notification.sms.provider import SmsProvider
from services.notification.sms.smpp import SmppConfig, SmppProvider


def provider_from_settings(settings: NotificationSettings) -> SmsProvider | None:
    """The provider to send through; None (`none`): messages are recorded and stay queued."""
    if settings.provider == "smpp":
        return SmppProvider(SmppConfig.from_settings(settings))
    if settings.provider == "http":
        return HttpSmsProvider(HttpSmsConfig.from_settings(settings))
    return None
