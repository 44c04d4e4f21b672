"""A kubelet for this machine: runs a rendered pod's containers with the manifest's own command,
environment (its ConfigMap), and volumes (its Secrets' items as files), then waits for the
container's own readiness probe.

What differs from a cluster, and only that: each pod's declared ports are free local ports (a
pod has its own network namespace there), a Service's DNS name resolves to the port of the pod
its selector picks, volumes are folders under the run's directory, and the caller may name a
few environment overrides (this run's NATS and Redis prefixes, one NATS node)."""

from __future__ import annotations

import functools
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from devstack.processes import free_ports, grpc_serving, http_ok
from tests.deploy.rendered import ROOT, Obj, of_kind, pod_labels, selects

ADDRESS = re.compile(r"(?P<host>[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9-]+)*):(?P<port>\d+)")
VARIABLE = re.compile(r"\$\((\w+)\)")
Secrets = dict[str, dict[str, str]]


@dataclass
class Pod:
    name: str
    spec: Obj
    ports: dict[int, int]  # containerPort -> local port
    folder: Path
    processes: list[subprocess.Popen] = field(default_factory=list)
    error: str | None = None
    ready: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    exit_code: int | None = None

    def log(self, container: str) -> Path:
        return self.folder / f"{container}.log"

    def tail(self) -> str:
        logs = sorted(self.folder.glob("*.log"))
        return "\n".join(
            f"--- {p.name}\n" + "\n".join(p.read_text(errors="replace").splitlines()[-25:])
            for p in logs
        )


class Kubelet:
    def __init__(
        self,
        objects: list[Obj],
        secrets: Secrets,
        root: Path,
        *,
        outside: dict[str, str],
        overrides: dict[str, str],
    ) -> None:
        self.objects = objects
        self.secrets = secrets
        self.root = root
        self.outside = outside  # "host:port" of what runs outside the tiers -> local address
        self.overrides = overrides
        self.configs = {
            name: c.get("data", {}) for name, c in of_kind(objects, "ConfigMap").items()
        }
        self.pods: dict[str, Pod] = {}
        declared: dict[str, tuple[Obj, list[int]]] = {}
        for kind in ("Deployment", "Job"):
            for name, workload in of_kind(objects, kind).items():
                spec = workload["spec"]["template"]["spec"]
                ports = [p["containerPort"] for c in spec["containers"] for p in c.get("ports", [])]
                declared[name] = (spec, ports)
        # Every pod's every port a different one of this host's (its metrics port too: they
        # all declare the same 9464).
        free = iter(free_ports(sum(len(ports) for _, ports in declared.values())))
        for name, (spec, ports) in declared.items():
            self.pods[name] = Pod(name, spec, {p: next(free) for p in ports}, root / name)

    # -- cluster DNS -------------------------------------------------------------------
    def resolve(self, host: str, port: int) -> str | None:
        if f"{host}:{port}" in self.outside:
            return self.outside[f"{host}:{port}"]
        service = of_kind(self.objects, "Service").get(host.split(".")[0])
        if service is None or (
            host.count(".") and host.split(".")[1] != service["metadata"]["namespace"]
        ):
            return None
        spec_port = next((p for p in service["spec"]["ports"] if p["port"] == port), None)
        if spec_port is None:
            return None
        for name, workload in of_kind(self.objects, "Deployment").items():
            if selects(service["spec"]["selector"], pod_labels(workload)):
                return f"127.0.0.1:{self.pods[name].ports[self.container_port(workload, spec_port['targetPort'])]}"
        return None

    @staticmethod
    def container_port(workload: Obj, target: int | str) -> int:
        for c in workload["spec"]["template"]["spec"]["containers"]:
            for p in c.get("ports", []):
                if target in (p["containerPort"], p.get("name")):
                    return int(p["containerPort"])
        raise KeyError(target)

    def rewrite(self, value: str, pod: Pod, mounts: dict[str, Path], ports: set[int]) -> str:
        if value.isdigit() and int(value) in ports:
            return str(pod.ports[int(value)])
        for mount in sorted(mounts, key=len, reverse=True):
            if value == mount or value.startswith(mount + "/"):
                return str(mounts[mount]) + value[len(mount) :]

        def address(match: re.Match[str]) -> str:
            return self.resolve(match["host"], int(match["port"])) or match[0]

        return ADDRESS.sub(address, value)

    # -- volumes -----------------------------------------------------------------------
    def volume(self, pod: Pod, volume: Obj) -> Path:
        folder = pod.folder / "volumes" / volume["name"]
        folder.mkdir(parents=True, exist_ok=True)
        sources = []
        if "secret" in volume:
            sources = [
                {
                    "secret": {
                        "name": volume["secret"]["secretName"],
                        "items": volume["secret"]["items"],
                    }
                }
            ]
        elif "projected" in volume:
            sources = volume["projected"]["sources"]
        for source in sources:
            secret = source["secret"]
            for item in secret["items"]:
                (folder / item["path"]).write_text(self.secrets[secret["name"]][item["key"]])
        return folder

    # -- containers --------------------------------------------------------------------
    def environment(self, pod: Pod, container: Obj, mounts: dict[str, Path]) -> dict[str, str]:
        env: dict[str, str] = {}
        for source in container.get("envFrom", []):
            env.update(self.configs[source["configMapRef"]["name"]])
        for item in container.get("env", []):
            env[item["name"]] = item["value"]
        ports = {p["containerPort"] for p in container.get("ports", [])}
        env = {k: self.rewrite(v, pod, mounts, ports) for k, v in env.items()}
        env.update(self.overrides)
        # The code and gen/ from source, as the image runs them (deploy/Dockerfile's PYTHONPATH).
        source = f"{ROOT}:{ROOT / 'gen'}"
        return {
            "PATH": "/usr/bin:/bin",
            "HOME": str(pod.folder),
            "LANG": "C.UTF-8",
            "PYTHONPATH": source,
            **env,
        }

    def start(self, pod: Pod, container: Obj) -> subprocess.Popen:
        mounts = {
            m["mountPath"]: self.volume(pod, v)
            for m in container.get("volumeMounts", [])
            for v in pod.spec["volumes"]
            if v["name"] == m["name"]
        }
        env = self.environment(pod, container, mounts)
        command = [
            VARIABLE.sub(lambda m: env.get(m[1], m[0]), self.rewrite(part, pod, mounts, set()))
            for part in container["command"]
        ]
        if command[0] == "python":
            command[0] = sys.executable
        with pod.log(container["name"]).open("wb") as log:
            process = subprocess.Popen(
                command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
            )
        pod.processes.append(process)
        return process

    def run(self, pod: Pod, deadline: float) -> None:
        """Init containers one after the other, then the main container: wait for its exit (a
        Job) or its readiness probe (a Deployment)."""
        try:
            for init in pod.spec.get("initContainers", []):
                code = self.start(pod, init).wait(timeout=max(1, deadline - time.monotonic()))
                if code != 0:
                    raise RuntimeError(f"init container {init['name']} exited {code}")
            (main,) = pod.spec["containers"]
            process = self.start(pod, main)
            probe = main.get("readinessProbe")
            if probe is None:
                pod.exit_code = process.wait(timeout=max(1, deadline - time.monotonic()))
                return
            check = self.probe(pod, main, probe)
            while time.monotonic() < deadline:
                if process.poll() is not None:
                    raise RuntimeError(f"{main['name']} exited {process.returncode} before ready")
                if check():
                    pod.ready.set()
                    return
                time.sleep(0.2)
            raise TimeoutError(f"{main['name']} not ready in time")
        except Exception as error:
            pod.error = f"{error}\n{pod.tail()}"
        finally:
            pod.done.set()

    def probe(self, pod: Pod, container: Obj, probe: Obj) -> Callable[[], bool]:
        named = {p.get("name"): p["containerPort"] for p in container.get("ports", [])}
        if "grpc" in probe:
            return functools.partial(grpc_serving, f"127.0.0.1:{pod.ports[probe['grpc']['port']]}")
        get = probe["httpGet"]
        port = pod.ports[named.get(get["port"], get["port"])]
        return functools.partial(http_ok, f"http://127.0.0.1:{port}{get['path']}")

    def start_all(self, names: list[str], seconds: float) -> list[threading.Thread]:
        deadline = time.monotonic() + seconds
        threads = [
            threading.Thread(target=self.run, args=(self.pods[n], deadline), daemon=True)
            for n in names
        ]
        for thread in threads:
            thread.start()
        return threads

    def stop_all(self) -> None:
        for pod in self.pods.values():
            for process in pod.processes:
                if process.poll() is None:
                    process.terminate()
        for pod in self.pods.values():
            for process in pod.processes:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
