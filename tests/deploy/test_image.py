"""The image installs exactly what pyproject.toml pins: deploy/requirements.lock (hashed, from
`make lock`) holds every runtime dependency at the same version, and the Dockerfile installs
only that lock, by hash, then ships the code as a non-root user without build tools."""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.deploy.rendered import ROOT

LOCK = ROOT / "deploy" / "requirements.lock"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", re.MULTILINE)


def pyproject() -> dict:  # type: ignore[type-arg]
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def locked() -> dict[str, str]:
    return {canonicalize_name(name): version for name, version in PIN.findall(LOCK.read_text())}


def stages() -> list[str]:
    """The Dockerfile's stages, each from its FROM line on."""
    return re.split(r"^(?=FROM )", DOCKERFILE.read_text(), flags=re.MULTILINE)[1:]


def test_the_lock_pins_every_runtime_dependency_at_the_version_pyproject_pins() -> None:
    lock = locked()
    drifted = {}
    for line in pyproject()["project"]["dependencies"]:
        requirement = Requirement(line)
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", f"{line}: pyproject pins exactly"
        name = canonicalize_name(requirement.name)
        if lock.get(name) != specifier.version:
            drifted[name] = (specifier.version, lock.get(name))
    assert not drifted, f"(pyproject, lock) differ: {drifted}; run `make lock`"


def test_every_locked_package_carries_its_hashes() -> None:
    entries = re.split(r"^(?=[A-Za-z0-9])", LOCK.read_text(), flags=re.MULTILINE)
    unhashed = [e.split()[0] for e in entries if PIN.match(e) and "--hash=sha256:" not in e]
    assert locked() and not unhashed


def test_the_builder_installs_only_the_lock_by_hash_and_from_wheels() -> None:
    builder, _ = stages()
    install = builder[builder.index("pip --python") :].split("\n\n")[0]
    for flag in ("--require-hashes", "--no-deps", "--only-binary :all:"):
        assert flag in install, flag
    assert "COPY deploy/requirements.lock" in builder


def test_the_runtime_ships_the_venv_and_every_package_as_a_non_root_user() -> None:
    _, runtime = stages()
    assert "COPY --from=builder /opt/venv /opt/venv" in runtime
    assert re.search(r"^USER 10001(:10001)?$", runtime, re.MULTILINE)
    assert not re.search(r"pip install|apt-get|gcc|build-essential", runtime)
    # Every top-level package setuptools would ship is copied, where the import path finds it.
    found = pyproject()["tool"]["setuptools"]["packages"]["find"]
    copied = set(re.findall(r"^COPY (\S+) \1$", runtime, re.MULTILINE))
    import_path = re.search(r"PYTHONPATH=(\S+)", runtime)
    assert import_path
    for package in (pattern.rstrip("*") for pattern in found["include"]):
        (where,) = [where for where in found["where"] if (ROOT / where / package).is_dir()]
        folder = package if where == "." else where
        assert folder in copied, package
        assert f"/app/{where}".rstrip("/.") in import_path[1].split(":"), package


def test_the_build_context_admits_exactly_what_the_dockerfile_copies() -> None:
    """.dockerignore excludes everything else (a virtualenv, local data): what a COPY needs
    must be let back in, or the build fails on a machine with Docker."""
    admitted = {
        line[1:] for line in (ROOT / ".dockerignore").read_text().splitlines() if line[:1] == "!"
    }
    sources = set(re.findall(r"^COPY (?!--from)(\S+) ", DOCKERFILE.read_text(), re.MULTILINE))
    assert sources == admitted
