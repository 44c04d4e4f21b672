"""NetworkPolicies: deny by default; each pod admits only its real callers and reaches only its
database, the broker, the cache, the collector and, for notification's workers, the SMSC; an
API that keeps files, the object store."""

from __future__ import annotations

from topology import (
    CALLERS,
    GATEWAY_PORT,
    INFRA_NAMESPACE,
    INGRESS_NAMESPACE,
    METRICS_PORT,
    MONITORING_NAMESPACE,
    OBJECT_STORE_CIDR,
    OBJECT_STORE_PORT,
    SMSC_CIDR,
    SMSC_PORT,
    Service,
)
from workloads import Obj, meta

NAME = "app.kubernetes.io/name"
COMPONENT = "app.kubernetes.io/component"


def namespace(name: str) -> Obj:
    return {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": name}}}


def pods(match: dict[str, list[str]]) -> Obj:
    # matchExpressions, not matchLabels: kustomize adds a tier's label to matchLabels, and a
    # peer may be in any tier (a city's gateway calls the province's identity).
    expressions = [
        {"key": key, "operator": "In", "values": values} for key, values in match.items()
    ]
    return {"podSelector": {"matchExpressions": expressions}}


def tcp(*numbers: int) -> list[Obj]:
    return [{"protocol": "TCP", "port": n} for n in numbers]


def infra(selector: dict[str, str], port: int) -> Obj:
    return {
        "to": [{**namespace(INFRA_NAMESPACE), "podSelector": {"matchLabels": selector}}],
        "ports": tcp(port),
    }


DNS: Obj = {
    "to": [{**namespace("kube-system"), "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
    "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
}
COLLECTOR = infra({NAME: "otel-collector"}, 4317)
NATS = infra({NAME: "nats"}, 4222)
REDIS = infra({NAME: "redis"}, 6379)
SMSC: Obj = {"to": [{"ipBlock": {"cidr": SMSC_CIDR}}], "ports": tcp(SMSC_PORT)}
OBJECT_STORE: Obj = {
    "to": [{"ipBlock": {"cidr": OBJECT_STORE_CIDR}}],
    "ports": tcp(OBJECT_STORE_PORT),
}
SCRAPE: Obj = {"from": [namespace(MONITORING_NAMESPACE)], "ports": tcp(METRICS_PORT)}


def pooler(service: str) -> Obj:
    return infra({"cnpg.io/poolerName": f"{service}-db-pooler"}, 5432)


def primary(service: str) -> Obj:
    return infra({"cnpg.io/cluster": f"{service}-db", "cnpg.io/instanceRole": "primary"}, 5432)


def callees(caller: str, services: dict[str, Service]) -> list[Obj]:
    return [
        {"to": [pods({NAME: [name], COMPONENT: ["api"]})], "ports": tcp(services[name].port)}
        for name, callers in CALLERS.items()
        if caller in callers
    ]


def policy(name: str, selector: dict[str, str], ingress: list[Obj], egress: list[Obj]) -> Obj:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": meta(name, {"app.kubernetes.io/part-of": "jingzhun"}),
        "spec": {
            "podSelector": {"matchLabels": selector},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": ingress,
            "egress": egress,
        },
    }


def default_deny() -> Obj:
    return policy("default-deny", {}, [], [])


def api_policy(service: Service, services: dict[str, Service]) -> Obj:
    callers = {"from": [pods({NAME: list(CALLERS[service.name])})], "ports": tcp(service.port)}
    egress = [DNS, COLLECTOR, NATS, pooler(service.name), *callees(service.name, services)]
    if service.uses_redis:
        egress.append(REDIS)
    if service.stores_objects:
        egress.append(OBJECT_STORE)
    return policy(
        f"{service.name}-api", {NAME: service.name, COMPONENT: "api"}, [callers, SCRAPE], egress
    )


def worker_policy(service: Service, services: dict[str, Service]) -> Obj:
    egress = [DNS, COLLECTOR, NATS, pooler(service.name), *callees(service.name, services)]
    if service.name == "notification":
        egress.append(SMSC)
    return policy(
        f"{service.name}-worker", {NAME: service.name, COMPONENT: "worker"}, [SCRAPE], egress
    )


def gateway_policy(services: dict[str, Service]) -> Obj:
    public = {"from": [namespace(INGRESS_NAMESPACE)], "ports": tcp(GATEWAY_PORT)}
    egress = [DNS, COLLECTOR, REDIS, *callees("gateway", services)]
    return policy("gateway", {NAME: "gateway", COMPONENT: "api"}, [public, SCRAPE], egress)


def migrate_policy(services: dict[str, Service]) -> Obj:
    """Migrations talk to each primary directly: session advisory locks need a real session,
    which a transaction-pooling PgBouncer does not keep."""
    return policy("migrate", {COMPONENT: "migrate"}, [], [DNS, *(primary(s) for s in services)])


def bootstrap_policy() -> Obj:
    return policy("bootstrap", {COMPONENT: "bootstrap"}, [], [DNS, pooler("identity"), REDIS])
