"""The per-address rate limit behind an ingress, through the real gateway: requests relayed by
a trusted hop count against the client address it forwards (X-Forwarded-For, read from the
right), so one busy client does not throttle everyone behind the same ingress; from any other
peer the header is ignored and the peer's own address counts."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from devstack.platform import LocalPlatform
from tests.e2e.harness import OwnPlatforms

LIMIT = 3
INGRESS, STRANGER = "127.0.0.2", "127.0.0.3"  # loopback addresses other than the gateway's own


@pytest.fixture(scope="module")
def gateway(own_platforms: OwnPlatforms) -> Iterator[LocalPlatform]:
    """A gateway (and identity) trusting only the ingress's network, with a tight limit."""
    with own_platforms.start(
        "proxied",
        services=("identity",),
        extra_env={
            "GATEWAY_TOKEN_RATE_LIMIT_PER_MINUTE": str(LIMIT),
            "GATEWAY_TRUSTED_PROXIES": f"{INGRESS}/32",
        },
    ) as own:
        yield own.local


def token_attempt(gateway: LocalPlatform, peer: str, forwarded_for: str) -> int:
    """A token request (an incomplete one: counted, then refused) from `peer`."""
    transport = httpx.HTTPTransport(local_address=peer)
    with httpx.Client(base_url=gateway.config.gateway_url, transport=transport) as http:
        reply = http.post(
            "/api/v1/auth/token",
            data={"grant_type": "password"},
            headers={"X-Forwarded-For": forwarded_for},
        )
    return reply.status_code


def test_behind_a_trusted_ingress_each_client_address_has_its_own_limit(gateway) -> None:  # type: ignore[no-untyped-def]
    # The client's own leftmost entries change every time: only the ingress's entry counts.
    busy = [token_attempt(gateway, INGRESS, f"192.0.2.{n}, 10.1.0.1") for n in range(LIMIT + 1)]
    assert busy == [400] * LIMIT + [429]
    assert token_attempt(gateway, INGRESS, "10.1.0.2") == 400  # another phone, same ingress


def test_a_peer_not_trusted_cannot_choose_its_address_by_header(gateway) -> None:  # type: ignore[no-untyped-def]
    tried = [token_attempt(gateway, STRANGER, f"10.2.0.{n}") for n in range(LIMIT + 1)]
    assert tried == [400] * LIMIT + [429]
