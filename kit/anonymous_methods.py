"""The few gRPC methods a caller may use without a token; every other method of every service
requires a user's or a service client's token (kit.grpc_server refuses it UNAUTHENTICATED).

Kept short on purpose: probes (health), tooling (reflection), and the calls that issue a token
to someone who has none yet. The public pages (a household's summary behind a QR code, leader
notices) are not here: the gateway calls them as its own client, `svc-gateway`."""

from __future__ import annotations

IDENTITY = "/jingzhun.identity.v1.IdentityService/"

ANONYMOUS_METHODS: frozenset[str] = frozenset(
    {
        "/grpc.health.v1.Health/Check",
        "/grpc.health.v1.Health/Watch",
        "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
        IDENTITY + "Authenticate",
        IDENTITY + "RefreshToken",
        IDENTITY + "AuthenticateClient",
    }
)


def is_anonymous(method: str) -> bool:
    return method in ANONYMOUS_METHODS
