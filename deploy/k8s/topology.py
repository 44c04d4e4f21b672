"""What the manifests are made of: the platform's processes, who calls whom, which secrets each
reads and where its backlog is. `generate.py` turns this into kustomize bases and overlays; it
is the one place to change when a service gains a caller, a secret or a consumer."""

from __future__ import annotations

from dataclasses import dataclass

NAMESPACE = "jingzhun"
INFRA_NAMESPACE = "jingzhun-infra"
PART_OF = "jingzhun"
TIER_LABEL = "jingzhun.gov.cn/tier"
IMAGE = "jingzhun"
# Where the image lives; the digest is a placeholder the release pipeline replaces
# (`kustomize edit set image jingzhun=<registry>/jingzhun@sha256:<digest>`).
IMAGE_NAME = "registry.jingzhun.example/jingzhun/jingzhun"
IMAGE_DIGEST = "sha256:" + "0" * 64
METRICS_PORT = 9464
GATEWAY_PORT = 8080
SECRETS_DIR = "/etc/jingzhun/secrets"
KEYS_DIR = "/etc/jingzhun/keys"
PUBLIC_KEY = "jwt-signing.pub.pem"
PRIVATE_KEY = "jwt-signing.pem"
DOMAIN = "jingzhun.example"
PROMETHEUS = "http://prometheus-operated.monitoring.svc:9090"
NATS_MONITORING = f"nats.{INFRA_NAMESPACE}.svc:8222"
INGRESS_NAMESPACE = "ingress-nginx"
MONITORING_NAMESPACE = "monitoring"
# The carrier's SMSC: its address is in the Secret `notification-smsc`; the network it is in is
# this placeholder (documentation range), replaced by the operator's overlay (docs/operations.md).
SMSC_CIDR = "198.51.100.0/24"
SMSC_PORT = 2775
# The province cloud's S3-compatible object store keeps the services' files (assistance's
# attachments): its endpoint and bucket in the config, each service's keys under a prefix of
# its own; its access keys in `<service>-secrets`; its network this placeholder (documentation
# range), replaced by the operator's overlay like the SMSC's.
OBJECT_STORE_URL = f"https://oss.{DOMAIN}"
OBJECT_STORE_BUCKET = "jingzhun-files"
OBJECT_STORE_REGION = "cn-north-1"
OBJECT_STORE_CIDR = "203.0.113.0/24"
OBJECT_STORE_PORT = 443
OBJECT_STORE_SECRETS = ("s3-access-key-id", "s3-secret-access-key")


@dataclass(frozen=True)
class Consumer:
    """A durable JetStream consumer a worker drains (KEDA scales the worker on its lag)."""

    stream: str  # the publishing service: its stream is the upper-cased name
    durable: str
    lag_threshold: int = 100


@dataclass(frozen=True)
class Size:
    cpu: str
    memory: str


@dataclass(frozen=True)
class Service:
    name: str
    port: int
    secrets: tuple[str, ...]  # keys of `<name>-secrets`, mounted as files named `<NAME>_<KEY>`
    api_size: Size
    # The API's HPA floor and ceiling in the province tier; the ceilings hold the campaign peak
    # of docs/capacity.md (the measured need plus ~15 %).
    replicas: tuple[int, int]
    consumers: tuple[Consumer, ...] = ()
    worker: bool = False  # has a `worker` role (consumers, schedulers, the dispatcher)
    worker_ceiling: int = 1
    worker_size: Size = Size("250m", "384Mi")
    uses_redis: bool = False
    # Prometheus gauges whose sum is a backlog the worker drains (KEDA's prometheus scaler).
    backlogs: tuple[tuple[str, int], ...] = ()
    stores_objects: bool = False  # keeps files in the object store (its API reaches it)

    @property
    def env_prefix(self) -> str:
        return self.name.upper()


def outbox(service: str) -> tuple[str, int]:
    # max, not sum: every replica that relays reports the same table-wide figure
    return (f'max(jz_outbox_pending{{service="{service}"}})', 1000)


SERVICES: tuple[Service, ...] = (
    Service(
        "identity",
        50051,
        ("database-url",),
        Size("500m", "512Mi"),
        (2, 16),
        # Every service's audited acts, appended to the one log (one chain: appends take turns).
        consumers=tuple(
            Consumer(stream, f"identity-audit-{stream}")
            for stream in (
                "identity",
                "registry",
                "assistance",
                "training",
                "notification",
                "projects",
            )
        ),
        worker=True,
        worker_ceiling=2,
        uses_redis=True,
        backlogs=(outbox("identity"),),
    ),
    Service(
        "registry",
        50052,
        ("database-url", "encryption-secret", "index-secret", "identity-secret"),
        Size("500m", "1Gi"),
        (2, 50),
        consumers=(
            Consumer("identity", "registry-division-changes", 10),
            Consumer("identity", "registry-helper-accounts"),
            Consumer("assistance", "registry-confirmed-alerts"),
            Consumer("projects", "registry-project-benefits"),
        ),
        worker=True,
        worker_ceiling=4,
        backlogs=(outbox("registry"),),
    ),
    Service(
        "assistance",
        50053,
        ("database-url", "identity-secret", *OBJECT_STORE_SECRETS),
        Size("500m", "512Mi"),
        (2, 45),
        consumers=(
            Consumer("notification", "assistance-task-replies"),
            Consumer("registry", "assistance-income-rule"),
            Consumer("registry", "assistance-household-updates", 1000),
            Consumer("identity", "assistance-division-changes", 10),
        ),
        worker=True,
        worker_ceiling=6,
        backlogs=(outbox("assistance"),),
        stores_objects=True,
    ),
    Service(
        "training",
        50054,
        ("database-url", "encryption-secret", "index-secret", "identity-secret"),
        Size("250m", "256Mi"),
        (2, 8),
        consumers=(Consumer("identity", "training-division-changes", 10),),
        worker=True,  # the public-notice scheduler and division changes: one replica
    ),
    Service(
        "notification",
        50055,
        ("database-url", "encryption-secret", "index-secret", "identity-secret"),
        Size("500m", "512Mi"),
        (2, 10),
        consumers=(
            Consumer("notification", "notification-requests", 5),
            Consumer("identity", "notification-user-created"),
            Consumer("identity", "notification-division-changes", 10),
        ),
        worker=True,
        # Each worker holds one bind to the SMSC: the carrier's bind limit caps this.
        worker_ceiling=4,
        worker_size=Size("500m", "512Mi"),
        backlogs=(("max(jz_sms_queue_depth)", 5000), outbox("notification")),
    ),
    Service(
        "projects",
        50056,
        (
            "database-url",
            "encryption-secret",
            "index-secret",
            "identity-secret",
            *OBJECT_STORE_SECRETS,
        ),
        Size("250m", "256Mi"),
        (2, 8),
        consumers=(Consumer("identity", "projects-division-changes", 10),),
        worker=True,  # the public-notice and deadline scheduler, division changes: one replica
        backlogs=(outbox("projects"),),
        stores_objects=True,  # progress reports' photos, disbursements' vouchers
    ),
)
BY_NAME = {s.name: s for s in SERVICES}

# Who calls whom over gRPC (the clients built in each process's composition root); the
# NetworkPolicies let exactly these in. tests/deploy checks it against the code.
CALLERS: dict[str, tuple[str, ...]] = {
    "identity": ("gateway", "registry", "assistance", "training", "notification", "projects"),
    "registry": ("gateway", "assistance", "training", "projects"),
    "assistance": ("gateway",),
    "training": ("gateway",),
    "notification": ("gateway",),
    "projects": ("gateway",),
}

# Each process's own client at identity (`svc-<process>`) and its scopes, as kit.service_auth's
# PLATFORM_CLIENTS names them (tests/deploy checks the two agree): the bootstrap Job registers
# each with the `identity-secret` of `<process>-secrets`, the secret the process presents.
IDENTITY_CLIENTS: dict[str, tuple[str, ...]] = {
    "gateway": ("policy:read", "revocations:sync"),
    "registry": ("policy:read", "users:read"),
    "assistance": ("policy:read", "assessment:read", "users:read", "regions:read"),
    "training": ("policy:read",),
    "notification": ("policy:read", "users:contact"),
    "projects": ("policy:read",),
}
# The gateway's keys of `gateway-secrets`, mounted as files named `GATEWAY_<KEY>`.
GATEWAY_SECRETS = ("identity-secret",)

# The carrier's SMSC settings: a Secret of its own, read by notification's processes.
SMSC_KEYS = ("host", "port", "system-id", "password", "source-addr")

# A city tier carries the village-facing load of its cadres: REST (the gateway), household
# reads and helpers' proposals (registry), visits, needs and SMS-task replies (assistance).
CITY_WORKLOADS = ("registry", "assistance")
GATEWAY_SIZE = Size("1", "512Mi")
GATEWAY_REPLICAS = (2, 60)
