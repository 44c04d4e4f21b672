"""Who is calling: the principal decoded from the access token, carried in a context variable.

The gateway builds it from the bearer token; every service rebuilds it from the same token
(forwarded in gRPC metadata) and checks the signature itself: defence in depth.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Literal

from kit.errors import Unauthenticated
from kit.scope import Scope

USER = "user"
CLIENT = "client"


@dataclass(frozen=True, slots=True)
class Principal:
    subject: str  # user id, or the integrator's client id
    kind: Literal["user", "client"]
    region_code: str
    roles: tuple[str, ...]
    scopes: tuple[str, ...] = ()
    session_id: str = ""
    token_id: str = ""
    issued_at: int = 0  # epoch milliseconds (claim `iatm`)
    expires_at: int = 0
    must_change_password: bool = False
    # An integrator client's own quota at the gateway (claim `rpm`); 0: the gateway's default.
    requests_per_minute: int = 0
    token: str = field(default="", repr=False)
    # Set by `Access.caller` when the function called is held only through a pairing-limited
    # role (a helper cadre's): then the caller sees only the households paired with them.
    paired_only: bool = False

    @property
    def actor_id(self) -> str:
        return self.subject if self.kind == USER else f"client:{self.subject}"

    @property
    def scope(self) -> Scope:
        """What the caller's call may see: every query path applies it."""
        return Scope(self.region_code, self.subject if self.paired_only else "")


current_principal: ContextVar[Principal | None] = ContextVar("current_principal", default=None)


def require_principal() -> Principal:
    principal = current_principal.get()
    if principal is None:
        raise Unauthenticated("authentication required", reason="TOKEN_MISSING")
    return principal
