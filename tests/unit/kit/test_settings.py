"""Settings read from a Kubernetes Secret mounted as files (`JZ_SECRETS_DIR`, one file per
variable), the environment winning over a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.settings import GatewaySettings
from kit.settings import SECRETS_DIR_ENV, CommonSettings
from services.registry.settings import RegistrySettings

POSTGRES_URL = "postgresql+asyncpg://registry@db/registry"


@pytest.fixture
def secrets_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for variable in ("REGISTRY_DATABASE_URL", "REGISTRY_INDEX_SECRET", "JZ_NATS_URL"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.delenv("GATEWAY_PORT", raising=False)
    monkeypatch.setenv(SECRETS_DIR_ENV, str(tmp_path))
    return tmp_path


def test_a_service_setting_is_read_from_the_file_named_like_its_variable(
    secrets_dir: Path,
) -> None:
    (secrets_dir / "REGISTRY_DATABASE_URL").write_text(POSTGRES_URL + "\n")
    (secrets_dir / "JZ_NATS_URL").write_text("nats://nats:4222")
    settings = RegistrySettings()
    assert settings.database_url == POSTGRES_URL
    assert settings.common.nats_url == "nats://nats:4222"


def test_the_gateway_reads_its_settings_from_files_too(secrets_dir: Path) -> None:
    (secrets_dir / "GATEWAY_PORT").write_text("9090")
    assert GatewaySettings().port == 9090


def test_an_environment_variable_wins_over_its_file(
    secrets_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (secrets_dir / "REGISTRY_INDEX_SECRET").write_text("from-the-file")
    monkeypatch.setenv("REGISTRY_INDEX_SECRET", "from-the-environment")
    assert RegistrySettings().index_secret == "from-the-environment"


def test_the_folder_is_the_one_named_when_the_settings_are_made(
    secrets_dir: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    (secrets_dir / "JZ_NATS_URL").write_text("nats://first:4222")
    other = tmp_path_factory.mktemp("other-secrets")
    (other / "JZ_NATS_URL").write_text("nats://second:4222")
    assert CommonSettings().nats_url == "nats://first:4222"
    monkeypatch.setenv(SECRETS_DIR_ENV, str(other))
    assert CommonSettings().nats_url == "nats://second:4222"


def test_without_a_secrets_folder_the_defaults_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SECRETS_DIR_ENV, raising=False)
    monkeypatch.delenv("JZ_NATS_URL", raising=False)
    assert CommonSettings().nats_url == "nats://127.0.0.1:4222"


def test_every_process_but_identity_reads_its_own_client_secret_and_needs_it_in_production(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kit.service_auth import PLATFORM_CLIENTS
    from services.assistance.settings import AssistanceSettings
    from services.notification.settings import NotificationSettings
    from services.projects.settings import ProjectsSettings
    from services.training.settings import TrainingSettings

    kinds = {
        "gateway": GatewaySettings,
        "registry": RegistrySettings,
        "assistance": AssistanceSettings,
        "training": TrainingSettings,
        "notification": NotificationSettings,
        "projects": ProjectsSettings,
    }
    assert set(kinds) == set(PLATFORM_CLIENTS)
    monkeypatch.setenv(SECRETS_DIR_ENV, str(tmp_path))
    for process, kind in kinds.items():
        variable = f"{process.upper()}_IDENTITY_SECRET"
        monkeypatch.delenv(variable, raising=False)
        with pytest.raises(ValueError, match=variable):
            kind(common=CommonSettings(environment="prod"))
        (tmp_path / variable).write_text(f"{process}-secret")
        settings = kind()
        assert (settings.identity_client_id, settings.identity_secret) == (
            f"svc-{process}",
            f"{process}-secret",
        )
