"""The collaborators every identity use-case needs, built once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from kit.authz import Authorizer
from kit.db import Database
from kit.revocation import RevocationStore
from services.identity.credentials import Passwords, TokenIssuer
from services.identity.domain import Lockout
from services.identity.region_tree import RegionTree
from services.identity.settings import IdentitySettings


@dataclass
class Components:
    settings: IdentitySettings
    db: Database
    passwords: Passwords
    issuer: TokenIssuer
    authorizer: Authorizer
    revocations: RevocationStore
    regions: RegionTree
    lockout: Lockout
