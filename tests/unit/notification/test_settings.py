"""Notification refuses to start in production without real keys for phone numbers and its own
secret at identity; the provider is the one the settings name."""

import pytest
from pydantic import ValidationError

from services.notification.providers import provider_from_settings
from services.notification.settings import NotificationSettings
from services.notification.sms.http_provider import HttpSmsProvider
from services.notification.sms.smpp import SmppConfig, SmppProvider

REAL = {"encryption_secret": "k1-real", "index_secret": "k2-real", "identity_secret": "s" * 40}


def test_production_needs_real_keys_and_the_identity_secret() -> None:
    for missing in REAL:
        given = {k: v for k, v in REAL.items() if k != missing}
        with pytest.raises(ValidationError, match=r"NOTIFICATION_.*must be set in production"):
            NotificationSettings(common={"environment": "prod"}, **given)
    assert NotificationSettings(common={"environment": "prod"}, **REAL).identity_secret


def test_the_provider_is_the_one_named() -> None:
    assert provider_from_settings(NotificationSettings()) is None
    assert isinstance(provider_from_settings(NotificationSettings(provider="smpp")), SmppProvider)
    assert isinstance(
        provider_from_settings(NotificationSettings(provider="http")), HttpSmsProvider
    )


def test_the_smpp_addresses_are_configured_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    default = SmppConfig.from_settings(NotificationSettings())
    assert (default.source_ton, default.source_npi, default.dest_format) == (0, 0, "national")
    monkeypatch.setenv("NOTIFICATION_SMPP_SOURCE_TON", "5")
    monkeypatch.setenv("NOTIFICATION_SMPP_SOURCE_NPI", "0")
    monkeypatch.setenv("NOTIFICATION_SMPP_DEST_FORMAT", "international")
    config = SmppConfig.from_settings(NotificationSettings())
    assert (config.source_ton, config.source_npi, config.dest_format) == (5, 0, "international")
    monkeypatch.setenv("NOTIFICATION_SMPP_DEST_FORMAT", "e164")
    with pytest.raises(ValidationError):
        NotificationSettings()
    monkeypatch.setenv("NOTIFICATION_SMPP_DEST_FORMAT", "national")
    monkeypatch.setenv("NOTIFICATION_SMPP_SOURCE_TON", "7")
    with pytest.raises(ValidationError):
        NotificationSettings()
