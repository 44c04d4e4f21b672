"""Identity's bootstrap steps as Kubernetes Jobs run them: real processes, each step started
twice at once on a fresh PostgreSQL database, secrets read from mounted files; a process that
started before the territory was loaded picks it up."""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from kit import migrations
from services.identity.app import Identity
from services.identity.settings import IdentitySettings

ROOT = Path(__file__).resolve().parents[3]
ADMIN = "13800000000"
ONE_TIME_PASSWORD = "Bootstrap-2024-once"
SERVICE_SECRET = "s" * 40
PROVINCE = IdentitySettings.model_fields["regions_file"].default

Run = Callable[..., Awaitable[tuple[int, str, str]]]


@pytest.fixture
def run_identity(
    tmp_path: Path,
    keypair: tuple[Path, Path],
    redis_url: str,
    redis_prefix: str,
    regions_file: Path,
) -> Callable[[str], Run]:
    """Factory: for a database URL, `await run(*args)` runs `python -m services.identity args`
    there and returns its exit code, standard output and standard error."""

    def on(database_url: str) -> Run:
        env = {
            **os.environ,
            "IDENTITY_DATABASE_URL": database_url,
            "IDENTITY_SIGNING_KEY_FILE": str(keypair[0]),
            "IDENTITY_REGIONS_FILE": str(regions_file),
            "IDENTITY_ARGON2_TIME_COST": "1",
            "IDENTITY_ARGON2_MEMORY_KIB": "1024",
            "JZ_JWT_PUBLIC_KEY_FILE": str(keypair[1]),
            "JZ_REDIS_URL": redis_url,
            "JZ_REDIS_PREFIX": redis_prefix,
        }

        async def run(*args: str) -> tuple[int, str, str]:
            child = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "services.identity",
                *args,
                cwd=ROOT,
                env=env,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            out, err = await child.communicate()
            return child.returncode or 0, out.decode(), err.decode(errors="replace")

        return run

    return on


def codes_in(regions_file: Path) -> int:
    with gzip.open(regions_file, "rt", encoding="utf-8") as lines:
        return sum(1 for _ in lines)


def answers(outcomes: list[tuple[int, str, str]]) -> list[dict]:
    assert [(code, err[-1500:]) for code, _, err in outcomes if code != 0] == []
    return [json.loads(out.strip().splitlines()[-1]) for _, out, _ in outcomes]


@pytest.mark.postgres
async def test_each_bootstrap_step_run_twice_at_once_leaves_one_territory_client_and_admin(
    postgres_database: Callable[[str], Awaitable[str]],
    run_identity: Callable[[str], Run],
    make_identity: Callable[[str, Path], Awaitable[Identity]],
    regions_file: Path,
    tmp_path: Path,
) -> None:
    url = await postgres_database("bootstrap")
    run = run_identity(url)
    (tmp_path / "secret").write_text(SERVICE_SECRET + "\n")
    (tmp_path / "password").write_text(ONE_TIME_PASSWORD + "\n")
    head = migrations.head_of("identity")
    assert answers([await run("migrate")]) == [{"migrated": "identity", "revision": head}]

    twice = lambda *args: asyncio.gather(run(*args), run(*args))  # noqa: E731
    # The province's 64,000 codes: loading them takes long enough for the two runs to overlap.
    loads = answers(await twice("load-regions", "--file", str(PROVINCE)))
    assert sorted(a["loaded"] for a in loads) == [0, codes_in(PROVINCE)]
    register = ("register-service", "--name", "notification", "--scopes", "users:contact")
    clients = answers(await twice(*register, "--secret-file", str(tmp_path / "secret")))
    assert [c["client_id"] for c in clients] == ["svc-notification"] * 2
    admin = ("bootstrap-admin", "--mobile", ADMIN, "--name", "省管理员")
    admins = answers(await twice(*admin, "--password-file", str(tmp_path / "password")))
    assert sorted("exists" in a for a in admins) == [False, True]
    assert all("initial_password" not in a for a in admins)

    identity = await make_identity(url, regions_file)
    grant = await identity.auth.authenticate(ADMIN, ONE_TIME_PASSWORD, "127.0.0.1")
    assert grant.must_change_password
    client = await identity.auth.authenticate_client(
        "svc-notification", SERVICE_SECRET, ["users:contact"], "127.0.0.1"
    )
    assert client.scopes == ["users:contact"]


async def test_a_one_time_password_that_breaks_the_rules_is_refused(
    sqlite_url: Callable[[str], str], run_identity: Callable[[str], Run], tmp_path: Path
) -> None:
    run = run_identity(sqlite_url("weak"))
    (tmp_path / "weak").write_text("password")
    assert (await run("migrate"))[0] == 0
    assert (await run("load-regions"))[0] == 0
    code, out, err = await run(
        "bootstrap-admin",
        "--mobile",
        ADMIN,
        "--name",
        "省管理员",
        "--password-file",
        str(tmp_path / "weak"),
    )
    assert (code, out) == (1, "") and "WEAK_PASSWORD" in err and "letters and digits" in err
    retried = await run("bootstrap-admin", "--mobile", ADMIN, "--name", "省管理员")
    assert "initial_password" in answers([retried])[0]


async def test_identity_started_before_the_territory_was_loaded_picks_it_up(
    sqlite_url: Callable[[str], str],
    make_identity: Callable[[str, Path], Awaitable[Identity]],
    regions_file: Path,
    tmp_path: Path,
) -> None:
    url = sqlite_url("late-territory")
    empty = tmp_path / "empty.tsv.gz"
    gzip.open(empty, "wt").close()
    early = await make_identity(url, empty)
    assert len(early.components.regions) == 0
    await make_identity(url, regions_file)  # the bootstrap Job, loading the codes
    await early.regions.refresh_if_changed()
    assert len(early.components.regions) == codes_in(regions_file)
