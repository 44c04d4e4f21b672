"""The stateful parts, run by the operators people already use: a CloudNativePG cluster and a
PgBouncer pooler per service, and the OpenTelemetry Collector every process exports to. NATS
and Redis come from their charts (values in deploy/k8s/charts/, see docs/operations.md)."""

from __future__ import annotations

from topology import IMAGE_DIGEST, INFRA_NAMESPACE, NAMESPACE, SERVICES, Service, Size
from workloads import Obj, resources

PART_OF = {"app.kubernetes.io/part-of": "jingzhun"}
DB_STORAGE = {"registry": "200Gi", "notification": "100Gi", "assistance": "100Gi"}
# Notification's tables grow from nothing to a broadcast's size within minutes: plan each
# statement for its arguments and price index probes as pages in memory (kit.db sets the same
# per connection locally; behind PgBouncer they are the database's own settings).
DB_PARAMETERS = {
    "notification": {"plan_cache_mode": "force_custom_plan", "random_page_cost": "1.1"}
}
COLLECTOR_IMAGE = f"otel/opentelemetry-collector-contrib@{IMAGE_DIGEST}"


def meta(name: str, labels: dict[str, str] | None = None) -> Obj:
    return {"name": name, "namespace": INFRA_NAMESPACE, "labels": {**PART_OF, **(labels or {})}}


def namespace() -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {
            "name": INFRA_NAMESPACE,
            "labels": {"pod-security.kubernetes.io/enforce": "restricted", **PART_OF},
        },
    }


def cluster(s: Service) -> Obj:
    return {
        "apiVersion": "postgresql.cnpg.io/v1",
        "kind": "Cluster",
        "metadata": meta(f"{s.name}-db"),
        "spec": {
            "instances": 3,
            "primaryUpdateStrategy": "unsupervised",
            "storage": {"size": DB_STORAGE.get(s.name, "20Gi")},
            "postgresql": {
                "parameters": {"max_connections": "300", **DB_PARAMETERS.get(s.name, {})}
            },
            "bootstrap": {"initdb": {"database": s.name, "owner": s.name}},
            "affinity": {"topologyKey": "topology.kubernetes.io/zone"},
            "resources": resources(Size("1", "4Gi")),
        },
    }


def pooler(s: Service) -> Obj:
    """Transaction pooling: 50 registry replicas × 10 connections share ~50 server ones.
    asyncpg's prepared statements survive it (PgBouncer's max_prepared_statements); the
    per-connection settings it would send are the database's parameters instead."""
    return {
        "apiVersion": "postgresql.cnpg.io/v1",
        "kind": "Pooler",
        "metadata": meta(f"{s.name}-db-pooler"),
        "spec": {
            "cluster": {"name": f"{s.name}-db"},
            "instances": 2,
            "type": "rw",
            "pgbouncer": {
                "poolMode": "transaction",
                "parameters": {
                    "max_client_conn": "4000",
                    "default_pool_size": "50",
                    "max_prepared_statements": "500",
                    "ignore_startup_parameters": "extra_float_digits,plan_cache_mode,random_page_cost",
                },
            },
        },
    }


COLLECTOR_CONFIG = """\
receivers:
  otlp:
    protocols:
      grpc: {endpoint: "0.0.0.0:4317"}
      http: {endpoint: "0.0.0.0:4318"}
processors:
  memory_limiter: {check_interval: 1s, limit_percentage: 80, spike_limit_percentage: 20}
  batch: {}
exporters:
  # The tracing backend the operator runs (Tempo, Jaeger, ...): set its address here.
  otlp:
    endpoint: tempo.monitoring.svc:4317
    tls: {insecure: true}
extensions:
  health_check: {endpoint: "0.0.0.0:13133"}
service:
  extensions: [health_check]
  pipelines:
    traces: {receivers: [otlp], processors: [memory_limiter, batch], exporters: [otlp]}
"""


def collector() -> list[Obj]:
    labels = {"app.kubernetes.io/name": "otel-collector"}
    probe = {"httpGet": {"path": "/", "port": 13133}, "periodSeconds": 10}
    pod = {
        "automountServiceAccountToken": False,
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": 10001,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "containers": [
            {
                "name": "collector",
                "image": COLLECTOR_IMAGE,
                "imagePullPolicy": "Always",
                "args": ["--config=/etc/otelcol/config.yaml"],
                "ports": [
                    {"name": "otlp-grpc", "containerPort": 4317},
                    {"name": "otlp-http", "containerPort": 4318},
                ],
                "readinessProbe": probe,
                "livenessProbe": probe,
                "resources": resources(Size("200m", "512Mi")),
                "securityContext": {
                    "allowPrivilegeEscalation": False,
                    "readOnlyRootFilesystem": True,
                    "runAsNonRoot": True,
                    "runAsUser": 10001,
                    "capabilities": {"drop": ["ALL"]},
                    "seccompProfile": {"type": "RuntimeDefault"},
                },
                "volumeMounts": [{"name": "config", "mountPath": "/etc/otelcol", "readOnly": True}],
            }
        ],
        "volumes": [{"name": "config", "configMap": {"name": "otel-collector"}}],
    }
    no_cpu_limit = {"checkov.io/skip1": "CKV_K8S_11=CPU requests set; a CPU limit would throttle"}
    return [
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": meta("otel-collector", labels),
            "data": {"config.yaml": COLLECTOR_CONFIG},
        },
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {**meta("otel-collector", labels), "annotations": no_cpu_limit},
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": labels},
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {
                        **pod,
                        "topologySpreadConstraints": [
                            {
                                "maxSkew": 1,
                                "topologyKey": "kubernetes.io/hostname",
                                "whenUnsatisfiable": "ScheduleAnyway",
                                "labelSelector": {"matchLabels": labels},
                            }
                        ],
                    },
                },
            },
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": meta("otel-collector", labels),
            "spec": {
                "selector": labels,
                "ports": [
                    {
                        "name": "otlp-grpc",
                        "port": 4317,
                        "targetPort": "otlp-grpc",
                        "appProtocol": "grpc",
                    },
                    {"name": "otlp-http", "port": 4318, "targetPort": "otlp-http"},
                ],
            },
        },
        {
            "apiVersion": "policy/v1",
            "kind": "PodDisruptionBudget",
            "metadata": meta("otel-collector", labels),
            "spec": {"minAvailable": 1, "selector": {"matchLabels": labels}},
        },
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": meta("otel-collector", labels),
            "spec": {
                "podSelector": {"matchLabels": labels},
                "policyTypes": ["Ingress"],
                "ingress": [
                    {
                        "from": [
                            {
                                "namespaceSelector": {
                                    "matchLabels": {"kubernetes.io/metadata.name": NAMESPACE}
                                }
                            }
                        ],
                        "ports": [
                            {"protocol": "TCP", "port": 4317},
                            {"protocol": "TCP", "port": 4318},
                        ],
                    }
                ],
            },
        },
    ]


def poolers_policy() -> Obj:
    """Only the platform's pods reach the poolers; CloudNativePG's own traffic is untouched."""
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": meta("db-poolers"),
        "spec": {
            "podSelector": {
                "matchExpressions": [{"key": "cnpg.io/poolerName", "operator": "Exists"}]
            },
            "policyTypes": ["Ingress"],
            "ingress": [
                {
                    "from": [
                        {
                            "namespaceSelector": {
                                "matchLabels": {"kubernetes.io/metadata.name": NAMESPACE}
                            }
                        }
                    ],
                    "ports": [{"protocol": "TCP", "port": 5432}],
                }
            ],
        },
    }


def objects() -> dict[str, list[Obj]]:
    return {
        "namespace.yaml": [namespace()],
        "databases.yaml": [o for s in SERVICES for o in (cluster(s), pooler(s))]
        + [poolers_policy()],
        "otel-collector.yaml": collector(),
    }
