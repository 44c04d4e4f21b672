"""The platform's processes as Kubernetes objects: the province tier (every service's API and
worker, the gateway, migrations and bootstrap) and the city tier (a gateway and the API
replicas that carry one city's cadres)."""

from __future__ import annotations

from topology import (
    BY_NAME,
    CITY_WORKLOADS,
    DOMAIN,
    GATEWAY_PORT,
    GATEWAY_SECRETS,
    GATEWAY_SIZE,
    IDENTITY_CLIENTS,
    INFRA_NAMESPACE,
    KEYS_DIR,
    METRICS_PORT,
    NAMESPACE,
    NATS_MONITORING,
    OBJECT_STORE_BUCKET,
    OBJECT_STORE_REGION,
    OBJECT_STORE_URL,
    PRIVATE_KEY,
    PROMETHEUS,
    PUBLIC_KEY,
    SECRETS_DIR,
    SERVICES,
    Service,
)
from workloads import (
    CONFIG,
    INIT_SIZE,
    NO_CPU_LIMIT,
    Obj,
    container,
    deployment,
    grpc_probes,
    hpa,
    identity_secret_source,
    job,
    labels,
    meta,
    pdb,
    pod_ports,
    pod_spec,
    redis_source,
    secret_files,
    service,
    volumes,
)


def config(addresses: dict[str, str], public_url: str) -> Obj:
    data = {
        "JZ_ENVIRONMENT": "prod",
        "JZ_SECRETS_DIR": SECRETS_DIR,
        "JZ_JWT_PUBLIC_KEY_FILE": f"{KEYS_DIR}/{PUBLIC_KEY}",
        "JZ_NATS_URL": f"nats://nats.{INFRA_NAMESPACE}.svc:4222",
        "JZ_STREAM_REPLICAS": "3",
        "JZ_METRICS_HOST": "0.0.0.0",
        "JZ_METRICS_PORT": str(METRICS_PORT),
        "JZ_OTEL_EXPORTER": "otlp",
        "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://otel-collector.{INFRA_NAMESPACE}.svc:4317",
        "JZ_TRACE_SAMPLE_RATIO": "0.1",
        "JZ_BOOTSTRAP_ADMIN_MOBILE": "13800000000",
        "JZ_BOOTSTRAP_ADMIN_NAME": "省管理员",
        "JZ_BOOTSTRAP_ADMIN_REGION": "370000000000",
        "GATEWAY_HOST": "0.0.0.0",
        "GATEWAY_PORT": str(GATEWAY_PORT),
        "GATEWAY_PUBLIC_BASE_URL": public_url,
        "IDENTITY_SIGNING_KEY_FILE": f"{KEYS_DIR}/{PRIVATE_KEY}",
        "NOTIFICATION_PROVIDER": "smpp",
    }
    for s in SERVICES:
        data[f"JZ_{s.env_prefix}_ADDRESS"] = addresses.get(s.name, f"{s.name}:{s.port}")
        data[f"{s.env_prefix}_GRPC_HOST"] = "0.0.0.0"
        data[f"{s.env_prefix}_GRPC_PORT"] = str(s.port)
        if s.stores_objects:
            data[f"{s.env_prefix}_OBJECT_STORE"] = "s3"
            data[f"{s.env_prefix}_S3_ENDPOINT_URL"] = OBJECT_STORE_URL
            data[f"{s.env_prefix}_S3_BUCKET"] = OBJECT_STORE_BUCKET
            data[f"{s.env_prefix}_S3_REGION"] = OBJECT_STORE_REGION
            data[f"{s.env_prefix}_S3_PREFIX"] = f"{s.name}/"
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": meta(CONFIG, {"app.kubernetes.io/part-of": "jingzhun"}),
        "data": data,
    }


def await_schema(s: Service) -> Obj:
    """The pod waits for its migration Job instead of migrating itself."""
    return container(
        "await-schema",
        ["python", "-m", f"services.{s.name}", "await-schema", "--timeout", "600"],
        INIT_SIZE,
        has_secrets=True,
    )


def api(s: Service, floor: int, ceiling: int) -> list[Obj]:
    lbls = labels(s.name, "api")
    main = container(
        s.name,
        ["python", "-m", f"services.{s.name}", "api"],
        s.api_size,
        has_secrets=True,
        ports=pod_ports(s.port),
        probes=grpc_probes(s.port),
    )
    spec = pod_spec(
        [main],
        volumes(secret_files(s), signing=s.name == "identity"),
        [await_schema(s)],
        terminationGracePeriodSeconds=30,
    )
    ports = [
        {"name": "grpc", "port": s.port, "targetPort": "grpc", "appProtocol": "grpc"},
        {"name": "metrics", "port": METRICS_PORT, "targetPort": "metrics"},
    ]
    return [
        deployment(s.name, lbls, floor, spec, **NO_CPU_LIMIT),
        service(s.name, lbls, ports),
        hpa(s.name, lbls, floor, ceiling),
        pdb(s.name, lbls, floor),
    ]


def worker(s: Service) -> list[Obj]:
    name, lbls = f"{s.name}-worker", labels(s.name, "worker")
    main = container(
        "worker",
        ["python", "-m", f"services.{s.name}", "worker"],
        s.worker_size,
        has_secrets=True,
        ports=pod_ports(s.port),
        probes=grpc_probes(s.port),
    )
    spec = pod_spec(
        [main], volumes(secret_files(s)), [await_schema(s)], terminationGracePeriodSeconds=60
    )
    metrics = [{"name": "metrics", "port": METRICS_PORT, "targetPort": "metrics"}]
    out = [
        deployment(name, lbls, 1, spec, **NO_CPU_LIMIT),
        service(name, lbls, metrics, headless=True),
        pdb(name, lbls, 1),
    ]
    if s.consumers or s.backlogs:
        out.append(scaled_object(name, lbls, s))
    return out


def scaled_object(name: str, lbls: dict[str, str], s: Service) -> Obj:
    """KEDA scales a worker on its backlog: its consumers' lag, and the queues it drains."""
    triggers: list[Obj] = [
        {
            "type": "nats-jetstream",
            "metadata": {
                "natsServerMonitoringEndpoint": NATS_MONITORING,
                "account": "$G",
                "stream": c.stream.upper(),
                "consumer": c.durable,
                "lagThreshold": str(c.lag_threshold),
            },
        }
        for c in s.consumers
    ]
    triggers += [
        {
            "type": "prometheus",
            "metadata": {"serverAddress": PROMETHEUS, "query": query, "threshold": str(threshold)},
        }
        for query, threshold in s.backlogs
    ]
    return {
        "apiVersion": "keda.sh/v1alpha1",
        "kind": "ScaledObject",
        "metadata": meta(name, lbls),
        "spec": {
            "scaleTargetRef": {"name": name},
            "minReplicaCount": 1,  # schedulers and the SMSC bind never stop
            "maxReplicaCount": s.worker_ceiling,
            "pollingInterval": 15,
            "cooldownPeriod": 300,
            "triggers": triggers,
        },
    }


def gateway(floor: int, ceiling: int) -> list[Obj]:
    lbls = labels("gateway", "api")

    def probe(path: str, period: int, failures: int) -> Obj:
        return {
            "httpGet": {"path": path, "port": "http"},
            "periodSeconds": period,
            "failureThreshold": failures,
        }

    probes = {
        "startupProbe": probe("/healthz", 2, 60),
        "readinessProbe": probe("/readyz", 5, 2),
        "livenessProbe": probe("/healthz", 10, 3),
    }
    ports = [
        {"name": "http", "containerPort": GATEWAY_PORT, "protocol": "TCP"},
        {"name": "metrics", "containerPort": METRICS_PORT, "protocol": "TCP"},
    ]
    main = container(
        "gateway",
        ["python", "-m", "gateway"],
        GATEWAY_SIZE,
        has_secrets=True,
        ports=ports,
        probes=probes,
    )
    spec = pod_spec(
        [main], volumes([gateway_secrets(), redis_source()]), terminationGracePeriodSeconds=30
    )
    service_ports = [
        {"name": "http", "port": 80, "targetPort": "http"},
        {"name": "metrics", "port": METRICS_PORT, "targetPort": "metrics"},
    ]
    return [
        deployment("gateway", lbls, floor, spec, **NO_CPU_LIMIT),
        service("gateway", lbls, service_ports),
        hpa("gateway", lbls, floor, ceiling, cpu=65),
        pdb("gateway", lbls, floor),
    ]


def ingress(host: str) -> Obj:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": meta(
            "gateway",
            labels("gateway", "api"),
            **{
                "nginx.ingress.kubernetes.io/proxy-body-size": "25m",
                "nginx.ingress.kubernetes.io/proxy-read-timeout": "1800",
            },
        ),
        "spec": {
            "ingressClassName": "nginx",
            "tls": [{"hosts": [host], "secretName": "jingzhun-tls"}],
            "rules": [
                {
                    "host": host,
                    "http": {
                        "paths": [
                            {
                                "path": "/",
                                "pathType": "Prefix",
                                "backend": {
                                    "service": {"name": "gateway", "port": {"name": "http"}}
                                },
                            }
                        ]
                    },
                }
            ],
        },
    }


def migration(s: Service) -> Obj:
    """One Job per service; four at once are safe (the migration takes an advisory lock)."""
    lbls = labels(s.name, "migrate")
    main = container(
        "migrate", ["python", "-m", f"services.{s.name}", "migrate"], INIT_SIZE, has_secrets=True
    )
    return job(
        f"{s.name}-migrate", lbls, pod_spec([main], volumes(secret_files(s, migration=True)))
    )


def gateway_secrets() -> Obj:
    items = [
        {"key": key, "path": f"GATEWAY_{key.upper().replace('-', '_')}"} for key in GATEWAY_SECRETS
    ]
    return {"secret": {"name": "gateway-secrets", "items": items}}


def bootstrap() -> Obj:
    """The territory, every process's own client at identity (`svc-<process>`, with the secret
    that process presents), and the first administrator, whose one-time password is the
    operator's Secret `identity-bootstrap` (changed at first login)."""
    identity = BY_NAME["identity"]
    cmd = ["python", "-m", "services.identity"]
    sources = [
        *secret_files(identity),
        *(identity_secret_source(process) for process in IDENTITY_CLIENTS),
        {
            "secret": {
                "name": "identity-bootstrap",
                "items": [{"key": "admin-initial-password", "path": "admin-initial-password"}],
            }
        },
    ]
    registrations = [
        container(
            f"register-{process}",
            [
                *cmd,
                "register-service",
                "--name",
                process,
                "--scopes",
                *scopes,
                "--secret-file",
                f"{SECRETS_DIR}/{process.upper()}_IDENTITY_SECRET",
            ],
            INIT_SIZE,
            has_secrets=True,
        )
        for process, scopes in IDENTITY_CLIENTS.items()
    ]
    steps = [
        await_schema(identity),
        container("load-regions", [*cmd, "load-regions"], INIT_SIZE, has_secrets=True),
        *registrations,
    ]
    admin = container(
        "bootstrap-admin",
        [
            *cmd,
            "bootstrap-admin",
            "--mobile",
            "$(JZ_BOOTSTRAP_ADMIN_MOBILE)",
            "--name",
            "$(JZ_BOOTSTRAP_ADMIN_NAME)",
            "--region",
            "$(JZ_BOOTSTRAP_ADMIN_REGION)",
            "--password-file",
            f"{SECRETS_DIR}/admin-initial-password",
        ],
        INIT_SIZE,
        has_secrets=True,
    )
    return job(
        "identity-bootstrap",
        labels("identity", "bootstrap"),
        pod_spec([admin], volumes(sources, signing=True), steps),
    )


def service_account() -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": meta("jingzhun", {"app.kubernetes.io/part-of": "jingzhun"}),
        "automountServiceAccountToken": False,
    }


def namespace() -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {
            "name": NAMESPACE,
            "labels": {
                "pod-security.kubernetes.io/enforce": "restricted",
                "app.kubernetes.io/part-of": "jingzhun",
            },
        },
    }


def province_host() -> str:
    return f"api.{DOMAIN}"


def city_host(city: str) -> str:
    return f"{city}.api.{DOMAIN}"


def city_workloads() -> dict[str, Service]:
    return {name: BY_NAME[name] for name in CITY_WORKLOADS}
