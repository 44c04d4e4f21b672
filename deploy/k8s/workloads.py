"""Kubernetes objects of one process kind: the hardened pod (secrets as files, probes, sizes,
spread), its Deployment or Job, Service, autoscaler and disruption budget."""

from __future__ import annotations

from typing import Any

from topology import (
    IMAGE,
    KEYS_DIR,
    METRICS_PORT,
    NAMESPACE,
    PART_OF,
    PRIVATE_KEY,
    PUBLIC_KEY,
    SECRETS_DIR,
    SMSC_KEYS,
    Service,
    Size,
)

Obj = dict[str, Any]
CONFIG = "jingzhun-config"
INIT_SIZE = Size("50m", "256Mi")


def labels(name: str, component: str) -> dict[str, str]:
    return {
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/component": component,
        "app.kubernetes.io/part-of": PART_OF,
    }


def meta(name: str, lbls: dict[str, str], **annotations: str) -> Obj:
    out: Obj = {"name": name, "namespace": NAMESPACE, "labels": lbls}
    if annotations:
        out["annotations"] = annotations
    return out


def resources(size: Size) -> Obj:
    return {"requests": {"cpu": size.cpu, "memory": size.memory}, "limits": {"memory": size.memory}}


# CPU limits throttle a latency-sensitive process at the worst moment; requests are set and the
# autoscalers scale on them (checkov CKV_K8S_11 asks for a limit).
NO_CPU_LIMIT = {"checkov.io/skip1": "CKV_K8S_11=CPU requests set; a CPU limit would throttle"}


def secret_files(service: Service, *, migration: bool = False) -> list[Obj]:
    """The projected sources of the secrets folder: each key a file named after its setting."""
    items = []
    for key in service.secrets:
        source = "migration-database-url" if migration and key == "database-url" else key
        items.append(
            {"key": source, "path": f"{service.env_prefix}_{key.upper().replace('-', '_')}"}
        )
    sources: list[Obj] = [{"secret": {"name": f"{service.name}-secrets", "items": items}}]
    if service.uses_redis:
        sources.append(redis_source())
    if service.name == "notification":
        sources.append(smsc_source())
    return sources


def identity_secret_source(process: str) -> Obj:
    """A process's secret at identity, from `<process>-secrets`, as the file its settings read."""
    return {
        "secret": {
            "name": f"{process}-secrets",
            "items": [{"key": "identity-secret", "path": f"{process.upper()}_IDENTITY_SECRET"}],
        }
    }


def redis_source() -> Obj:
    return {
        "secret": {
            "name": "jingzhun-common",
            "items": [{"key": "redis-url", "path": "JZ_REDIS_URL"}],
        }
    }


def smsc_source() -> Obj:
    items = [
        {"key": k, "path": f"NOTIFICATION_SMPP_{k.upper().replace('-', '_')}"} for k in SMSC_KEYS
    ]
    return {"secret": {"name": "notification-smsc", "items": items}}


def volumes(sources: list[Obj], *, signing: bool = False) -> list[Obj]:
    keys = [{"key": PUBLIC_KEY, "path": PUBLIC_KEY}]
    if signing:
        keys.append({"key": PRIVATE_KEY, "path": PRIVATE_KEY})
    out: list[Obj] = [
        {
            "name": "keys",
            "secret": {"secretName": "jingzhun-jwt", "items": keys, "defaultMode": 0o440},
        },
        {"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}},
    ]
    if sources:
        out.insert(0, {"name": "secrets", "projected": {"sources": sources, "defaultMode": 0o440}})
    return out


def mounts(has_secrets: bool) -> list[Obj]:
    out: list[Obj] = [
        {"name": "keys", "mountPath": KEYS_DIR, "readOnly": True},
        {"name": "tmp", "mountPath": "/tmp"},
    ]
    if has_secrets:
        out.insert(0, {"name": "secrets", "mountPath": SECRETS_DIR, "readOnly": True})
    return out


def container(
    name: str,
    command: list[str],
    size: Size,
    *,
    has_secrets: bool,
    ports: list[Obj] | None = None,
    probes: Obj | None = None,
    env: list[Obj] | None = None,
) -> Obj:
    out: Obj = {
        "name": name,
        "image": IMAGE,
        "imagePullPolicy": "Always",
        "command": command,
        "envFrom": [{"configMapRef": {"name": CONFIG}}],
    }
    if env:
        out["env"] = env
    if ports:
        out["ports"] = ports
    out.update(probes or {})
    out["resources"] = resources(size)
    out["securityContext"] = {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "runAsUser": 10001,
        "runAsGroup": 10001,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    out["volumeMounts"] = mounts(has_secrets)
    return out


def grpc_probes(port: int) -> Obj:
    def probe(period: int, failures: int) -> Obj:
        return {"grpc": {"port": port}, "periodSeconds": period, "failureThreshold": failures}

    return {
        "startupProbe": probe(2, 90),
        "readinessProbe": probe(5, 2),
        "livenessProbe": probe(10, 3),
    }


def pod_ports(grpc_port: int) -> list[Obj]:
    return [
        {"name": "grpc", "containerPort": grpc_port, "protocol": "TCP"},
        {"name": "metrics", "containerPort": METRICS_PORT, "protocol": "TCP"},
    ]


def pod_spec(
    containers: list[Obj], vols: list[Obj], init: list[Obj] | None = None, **extra: Any
) -> Obj:
    spec: Obj = {
        "serviceAccountName": "jingzhun",
        "automountServiceAccountToken": False,
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": 10001,
            "runAsGroup": 10001,
            "fsGroup": 10001,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
    }
    spec.update(extra)
    if init:
        spec["initContainers"] = init
    spec["containers"] = containers
    spec["volumes"] = vols
    return spec


def spread(lbls: dict[str, str]) -> list[Obj]:
    """Replicas over zones and nodes, so a drain or a lost zone takes only some of them."""
    selector = {
        "matchLabels": {
            k: lbls[k] for k in ("app.kubernetes.io/name", "app.kubernetes.io/component")
        }
    }
    return [
        {
            "maxSkew": 1,
            "topologyKey": key,
            "whenUnsatisfiable": "ScheduleAnyway",
            "labelSelector": selector,
            "matchLabelKeys": ["pod-template-hash"],
        }
        for key in ("topology.kubernetes.io/zone", "kubernetes.io/hostname")
    ]


def deployment(
    name: str, lbls: dict[str, str], replicas: int, spec: Obj, **annotations: str
) -> Obj:
    if replicas > 1:
        spec = {**spec, "topologySpreadConstraints": spread(lbls)}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta(name, lbls, **annotations),
        "spec": {
            "replicas": replicas,
            "revisionHistoryLimit": 5,
            "selector": {"matchLabels": lbls},
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxUnavailable": 0, "maxSurge": "25%"},
            },
            "template": {"metadata": {"labels": lbls}, "spec": spec},
        },
    }


def service(name: str, lbls: dict[str, str], ports: list[Obj], *, headless: bool = False) -> Obj:
    spec: Obj = {"selector": lbls, "ports": ports}
    if headless:
        spec = {"clusterIP": "None", **spec}
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": meta(name, {**lbls, "jingzhun.gov.cn/metrics": "true"}),
        "spec": spec,
    }


def hpa(name: str, lbls: dict[str, str], floor: int, ceiling: int, cpu: int = 70) -> Obj:
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": meta(name, lbls),
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
            "minReplicas": floor,
            "maxReplicas": ceiling,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": cpu},
                    },
                }
            ],
            "behavior": {"scaleDown": {"stabilizationWindowSeconds": 300}},
        },
    }


def pdb(name: str, lbls: dict[str, str], replicas: int) -> Obj:
    """A floor that still lets a node drain: one pod of a pair may go; a single pod may go."""
    budget = {"minAvailable": replicas - 1} if replicas > 1 else {"maxUnavailable": 1}
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": meta(name, lbls),
        "spec": {**budget, "selector": {"matchLabels": lbls}},
    }


def job(name: str, lbls: dict[str, str], spec: Obj) -> Obj:
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": meta(name, lbls, **NO_CPU_LIMIT),
        "spec": {
            "backoffLimit": 10,
            "activeDeadlineSeconds": 1800,
            # Finished Jobs disappear, so the next `kubectl apply` of a release runs them again
            # (they are idempotent) instead of failing on an immutable Job.
            "ttlSecondsAfterFinished": 3600,
            "template": {
                "metadata": {"labels": lbls},
                "spec": {**spec, "restartPolicy": "OnFailure"},
            },
        },
    }
