"""The registry refuses to start in production with the development keys for personal data or
a public notice shorter than the documents allow."""

import pytest
from pydantic import ValidationError

from services.registry.settings import RegistrySettings


def test_production_needs_real_keys_for_personal_data() -> None:
    with pytest.raises(ValidationError, match="REGISTRY_ENCRYPTION_SECRET"):
        RegistrySettings(common={"environment": "prod"}, identity_secret="s" * 40)
    ready = RegistrySettings(
        common={"environment": "prod"},
        encryption_secret="k1-real",
        index_secret="k2-real",
        identity_secret="s" * 40,
    )
    assert ready.encryption_secret == "k1-real"


def test_development_runs_with_the_default_keys() -> None:
    assert RegistrySettings(common={"environment": "dev"}).encryption_secret


def test_production_notices_households_for_five_days_at_least() -> None:
    keys = {"encryption_secret": "k1-real", "index_secret": "k2-real", "identity_secret": "s" * 40}
    with pytest.raises(ValidationError, match="at least 5 days"):
        RegistrySettings(common={"environment": "prod"}, notice_period_days=2, **keys)
    assert RegistrySettings(common={"environment": "test"}, notice_period_days=6 / 86400)
