"""Verification of the platform's access tokens (EdDSA-signed JWTs) without calling identity.

Identity signs with its private key; the gateway and every service verify with the public key
(a file, or a Kubernetes secret mounted as one). Verified tokens are cached until they expire,
so the signature is checked once per token, not once per request.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kit.errors import Unauthenticated
from kit.principal import CLIENT, USER, Principal

ALGORITHM = "EdDSA"


class TokenVerifier:
    def __init__(
        self, public_key_pem: bytes, *, issuer: str, audience: str, cache_size: int = 50_000
    ):
        key = serialization.load_pem_public_key(public_key_pem)
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("the token verification key must be an Ed25519 public key")
        self._key = key
        self._issuer = issuer
        self._audience = audience
        self._cache: OrderedDict[str, Principal] = OrderedDict()
        self._cache_size = cache_size

    @classmethod
    def from_file(cls, path: Path, *, issuer: str, audience: str) -> TokenVerifier:
        return cls(path.read_bytes(), issuer=issuer, audience=audience)

    def verify(self, token: str) -> Principal:
        now = time.time()
        cached = self._cache.get(token)
        if cached is not None:
            if cached.expires_at > now:
                return cached
            del self._cache[token]
            raise Unauthenticated("the access token has expired", reason="TOKEN_EXPIRED")
        principal = self._decode(token)
        self._cache[token] = principal
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return principal

    def _decode(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                issuer=self._issuer,
                audience=self._audience,
                options={"require": ["exp", "iat", "sub", "rgn", "typ"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthenticated("the access token has expired", reason="TOKEN_EXPIRED") from exc
        except jwt.PyJWTError as exc:
            raise Unauthenticated("the access token is not valid", reason="TOKEN_INVALID") from exc
        if claims["typ"] not in (USER, CLIENT):
            raise Unauthenticated("the access token is not valid", reason="TOKEN_INVALID")
        return Principal(
            subject=claims["sub"],
            kind=claims["typ"],
            region_code=claims["rgn"],
            roles=tuple(claims.get("roles", ())),
            scopes=tuple(claims.get("scp", ())),
            session_id=claims.get("sid", ""),
            token_id=claims.get("jti", ""),
            issued_at=int(claims.get("iatm", claims["iat"] * 1000)),
            expires_at=int(claims["exp"]),
            must_change_password=bool(claims.get("pwc", False)),
            requests_per_minute=int(claims.get("rpm", 0)),
            token=token,
        )


def ensure_keypair(private_path: Path, public_path: Path) -> None:
    """Create an Ed25519 key pair for local runs and tests when none exists yet."""
    if private_path.exists() and public_path.exists():
        return
    key = Ed25519PrivateKey.generate()
    private_path.parent.mkdir(parents=True, exist_ok=True)
    private_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    private_path.chmod(0o600)
    public_path.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
