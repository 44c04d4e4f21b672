"""Personal data at rest: AES-256-GCM encryption of a field's value, and a blind index (keyed
HMAC-SHA256) so an exact value can be found without decrypting every row.

A ciphertext starts with the id of the key that made it, so keys can be rotated: new writes use
the current key, old rows stay readable with the retired ones listed beside it."""

from __future__ import annotations

import hashlib
import hmac
import os
import threading

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12
INDEX_BYTES = 16
POOL_BYTES = 4096


class RandomPool:
    """Bytes from os.urandom read 4 KiB at a time: one system call per ~340 nonces instead of
    one each (a bulk import encrypts millions). Each byte is handed out once; the lock keeps
    that true across threads, since a repeated AES-GCM nonce would be a catastrophe."""

    def __init__(self) -> None:
        self._buffer = b""
        self._lock = threading.Lock()

    def take(self, count: int) -> bytes:
        with self._lock:
            if len(self._buffer) < count:
                self._buffer = os.urandom(max(POOL_BYTES, count))
            taken, self._buffer = self._buffer[:count], self._buffer[count:]
        return taken


random_bytes = RandomPool().take


def derive_key(secret: str, purpose: str) -> bytes:
    """A 32-byte key for one purpose from a configured secret (base64 or passphrase)."""
    return hashlib.sha256(f"jingzhun:{purpose}:".encode() + secret.encode()).digest()


class FieldProtector:
    def __init__(self, keys: dict[int, bytes], current: int, index_key: bytes) -> None:
        if current not in keys:
            raise ValueError("the current key id must be among the keys")
        if not 0 <= current <= 255 or any(len(k) != 32 for k in keys.values()):
            raise ValueError("key ids are 0-255 and keys are 32 bytes")
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self._current = current
        self._index_key = index_key

    @classmethod
    def from_secrets(cls, encryption_secret: str, index_secret: str) -> FieldProtector:
        return cls(
            {1: derive_key(encryption_secret, "encrypt")}, 1, derive_key(index_secret, "index")
        )

    def encrypt(self, value: str, field: str) -> bytes:
        """`field` is bound in as associated data: a ciphertext moved to another column fails."""
        nonce = random_bytes(NONCE_BYTES)
        sealed = self._ciphers[self._current].encrypt(nonce, value.encode(), field.encode())
        return bytes([self._current]) + nonce + sealed

    def decrypt(self, blob: bytes, field: str) -> str:
        key_id, nonce, sealed = blob[0], blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
        return self._ciphers[key_id].decrypt(nonce, sealed, field.encode()).decode()

    def blind_index(self, value: str, field: str) -> bytes:
        message = field.encode() + b"\x00" + value.encode()
        return hmac.new(self._index_key, message, hashlib.sha256).digest()[:INDEX_BYTES]
