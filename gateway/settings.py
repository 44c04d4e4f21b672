"""Gateway settings (env prefix `GATEWAY_`)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from kit.settings import CallsIdentity, CommonSettings


class GatewaySettings(CallsIdentity):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    # Its client at identity: it loads the policy, re-seeds revocations and serves the
    # public pages as this client.
    identity_client_id: str = "svc-gateway"
    host: str = "127.0.0.1"
    port: int = 8080
    # Requests per minute for one principal (a person or an integrator), and for one client
    # address at the token endpoint, where guessing passwords is the threat.
    rate_limit_per_minute: int = 1200
    token_rate_limit_per_minute: int = 60
    # The hops in front of the gateway (the ingress's addresses or networks, comma-separated)
    # whose X-Forwarded-For names the client: the per-address limits key on the first address
    # not trusted, read from the right. Headers from any other peer are ignored.
    trusted_proxies: str = "127.0.0.1,::1"
    grpc_timeout_seconds: float = 10.0
    # Imports, reconciliations and exports of a whole territory take minutes, not seconds.
    transfer_timeout_seconds: float = 1800.0
    idempotency_ttl_seconds: int = 86_400
    # Request bodies: JSON and forms, and the files uploaded to imports and reconciliations;
    # larger ones are a 413 before they are parsed.
    max_body_bytes: int = 1024 * 1024
    max_upload_bytes: int = 20 * 1024 * 1024
    # Attachments: the largest file assistance keeps (a 30 MB video) and its multipart envelope.
    max_attachment_bytes: int = 31 * 1024 * 1024
    # The address the public reaches the gateway at: the QR codes on doors point there.
    public_base_url: str = "http://127.0.0.1:8080"
    common: CommonSettings = Field(default_factory=CommonSettings)
