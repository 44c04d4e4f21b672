"""Training's settings: a public notice of at least five days in production."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from kit.settings import CommonSettings
from services.training.settings import TrainingSettings


def test_production_refuses_a_notice_shorter_than_five_days_and_the_dev_secrets() -> None:
    prod = CommonSettings(environment="prod")
    secrets = {
        "encryption_secret": "real-secret",
        "index_secret": "real-index",
        "identity_secret": "s" * 40,
    }
    with pytest.raises(ValidationError, match="5 days"):
        TrainingSettings(common=prod, notice_period_days=4, **secrets)
    with pytest.raises(ValidationError, match="SECRET"):
        TrainingSettings(common=prod, notice_period_days=5, identity_secret="s" * 40)
    assert TrainingSettings(common=prod, notice_period_days=5, **secrets).notice_period_days == 5
