"""Secrets: argon2id password hashing off the event loop, signed access tokens, and opaque
refresh tokens stored only as hashes."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kit.tokens import ALGORITHM


class Passwords:
    def __init__(self, time_cost: int, memory_kib: int) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)
        self._dummy = self._hasher.hash(secrets.token_urlsafe(16))

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Constant work whether or not the account exists (a dummy hash stands in)."""
        try:
            return await asyncio.to_thread(
                self._hasher.verify, password_hash or self._dummy, password
            ) and (password_hash is not None)
        except (VerificationError, InvalidHashError):
            return False


def new_refresh_token() -> tuple[str, bytes]:
    token = secrets.token_urlsafe(32)
    return token, hash_refresh_token(token)


def hash_refresh_token(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_in: int


class TokenIssuer:
    def __init__(
        self, private_key_pem: bytes, *, issuer: str, audience: str, ttl_seconds: int
    ) -> None:
        key = serialization.load_pem_private_key(private_key_pem, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the token signing key must be an Ed25519 private key")
        self._key = key
        public_der = self._key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.key_id = hashlib.sha256(public_der).hexdigest()[:16]
        self._issuer = issuer
        self._audience = audience
        self.ttl_seconds = ttl_seconds

    @classmethod
    def from_file(cls, path: Path, **kwargs) -> TokenIssuer:  # type: ignore[no-untyped-def]
        return cls(path.read_bytes(), **kwargs)

    def issue(
        self,
        *,
        subject: str,
        kind: str,
        region_code: str,
        roles: list[str],
        scopes: list[str] | None = None,
        session_id: str = "",
        must_change_password: bool = False,
        requests_per_minute: int | None = None,
    ) -> IssuedToken:
        now_ms = int(time.time() * 1000)
        claims = {
            "iss": self._issuer,
            "aud": self._audience,
            "sub": subject,
            "typ": kind,
            "rgn": region_code,
            "roles": roles,
            "jti": uuid.uuid4().hex,
            "iat": now_ms // 1000,
            "iatm": now_ms,
            "exp": now_ms // 1000 + self.ttl_seconds,
        }
        if scopes:
            claims["scp"] = scopes
        if session_id:
            claims["sid"] = session_id
        if must_change_password:
            claims["pwc"] = True
        if requests_per_minute:
            claims["rpm"] = requests_per_minute
        token = jwt.encode(claims, self._key, algorithm=ALGORITHM, headers={"kid": self.key_id})
        return IssuedToken(token=token, expires_in=self.ttl_seconds)
