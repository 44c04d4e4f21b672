"""Child processes of a local platform: start with their own log file, wait until healthy,
stop gently (SIGTERM, then SIGKILL)."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

# Ports are drawn below the kernel's ephemeral range (32768-60999 by default): a port the
# kernel hands out there may be taken by any process's outgoing connection before the child
# that was given it binds it (seen when many test processes run at once).
PORT_RANGE = range(20000, 32768)


def free_ports(count: int) -> list[int]:
    """`count` different ports that nothing listens on now, on any address."""
    chosen: list[int] = []
    for port in random.sample(PORT_RANGE, len(PORT_RANGE)):
        if len(chosen) == count:
            break
        with socket.socket() as probe:
            try:
                probe.bind(("0.0.0.0", port))
            except OSError:
                continue
        chosen.append(port)
    return chosen


def free_port() -> int:
    return free_ports(1)[0]


def grpc_serving(address: str) -> bool:
    """Whether the gRPC server at `address` answers its health check with SERVING."""
    with grpc.insecure_channel(address) as channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(), timeout=1
            )
        except grpc.RpcError:
            return False
        return reply.status == health_pb2.HealthCheckResponse.SERVING


def http_ok(url: str) -> bool:
    """Whether a GET of `url` answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=1) as reply:
            return reply.status == 200
    except OSError:
        return False


@dataclass
class Child:
    name: str
    process: subprocess.Popen
    log_path: Path

    def alive(self) -> bool:
        return self.process.poll() is None

    def last_lines(self, count: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-count:])
        except OSError:
            return ""


class LogFollower:
    """The lines a log file gains, as they come (a line still being written waits)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._offset = 0

    def new_lines(self) -> list[str]:
        try:
            with self.path.open("rb") as log:
                log.seek(self._offset)
                written = log.read()
        except OSError:
            return []
        complete = written[: written.rfind(b"\n") + 1]
        self._offset += len(complete)
        return complete.decode(errors="replace").splitlines()


def run_module(module: str, *args: str, env: dict[str, str]) -> str:
    """Run `python -m module args` to completion and return its standard output."""
    done = subprocess.run(
        [sys.executable, "-m", module, *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"python -m {module} {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


@dataclass
class Supervisor:
    log_dir: Path
    children: list[Child] = field(default_factory=list)

    def spawn(self, name: str, module: str, env: dict[str, str], *args: str) -> Child:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.log_dir / f"{name}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", module, *args], env=env, stdout=log, stderr=subprocess.STDOUT
            )
        child = Child(name, process, log_path)
        self.children.append(child)
        return child

    def wait_grpc(self, child: Child, address: str, seconds: float = 60) -> None:
        self._wait(child, lambda: grpc_serving(address), seconds)

    def wait_port(self, child: Child, port: int, seconds: float = 60) -> None:
        """For a server without a health check: wait until its port accepts connections."""

        def accepts() -> bool:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
            except OSError:
                return False
            return True

        self._wait(child, accepts, seconds)

    def wait_http(self, child: Child, url: str, seconds: float = 60) -> None:
        self._wait(child, lambda: http_ok(url), seconds)

    @staticmethod
    def _wait(child: Child, check, seconds: float) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not child.alive():
                raise RuntimeError(f"{child.name} exited at start:\n{child.last_lines()}")
            if check():
                return
            time.sleep(0.1)
        raise TimeoutError(f"{child.name} did not become healthy:\n{child.last_lines()}")

    def dead(self) -> list[Child]:
        return [child for child in self.children if not child.alive()]

    def stop_all(self, grace: float = 10) -> None:
        for child in reversed(self.children):
            if child.alive():
                child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for child in self.children:
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.process.kill()
                child.process.wait()
        self.children.clear()


def base_environment(extra: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    env.update(extra)
    return env
