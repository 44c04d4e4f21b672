"""`Idempotency-Key` for POST: the first response is kept (per principal and key) and replayed
for a retry; the same key with another body is refused, and so is a retry while the first
attempt is still running. Redis is only the cache in front: the key goes with the call to the
service that owns the write, which keeps the reply durably (kit/idempotency.py), so a retry
after Redis lost it still writes nothing twice."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from gateway.deps import Caller
from gateway.state import GatewayState
from kit.errors import Aborted, DomainError, InvalidArgument
from kit.idempotency import MAX_KEY_LENGTH, forwarded_key, key_reused

IN_FLIGHT_SECONDS = 60
REPLAYED = "Idempotent-Replayed"


async def respond_once(
    request: Request, caller: Caller, status: int, produce: Callable[[], Awaitable[Any]]
) -> JSONResponse:
    state, principal = caller.state, caller.principal
    key = request.headers.get("Idempotency-Key")
    if not key:
        return JSONResponse(jsonable_encoder(await produce()), status_code=status)
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidArgument(
            f"Idempotency-Key is at most {MAX_KEY_LENGTH} characters",
            reason="INVALID_IDEMPOTENCY_KEY",
        )
    fingerprint = hashlib.sha256(
        request.method.encode() + request.url.path.encode() + await request.body()
    ).hexdigest()
    redis_key = f"{state.settings.common.redis_prefix}idem:{principal.actor_id}:{key}"
    claimed = await state.redis.set(
        redis_key, json.dumps({"fingerprint": fingerprint}), nx=True, ex=IN_FLIGHT_SECONDS
    )
    if not claimed:
        return await _replay(state, redis_key, fingerprint)
    forwarding = forwarded_key.set(key)
    try:
        body = jsonable_encoder(await produce())
    except DomainError:
        await state.redis.delete(redis_key)  # a failed attempt may be retried with the same key
        raise
    finally:
        forwarded_key.reset(forwarding)
    stored = {"fingerprint": fingerprint, "status": status, "body": body}
    await state.redis.set(redis_key, json.dumps(stored), ex=state.settings.idempotency_ttl_seconds)
    return JSONResponse(body, status_code=status)


async def _replay(state: GatewayState, redis_key: str, fingerprint: str) -> JSONResponse:
    raw = await state.redis.get(redis_key)
    stored = json.loads(raw) if raw else {}
    if stored.get("fingerprint") not in (None, fingerprint):
        raise key_reused()
    if "status" not in stored:
        raise Aborted(
            "a request with this Idempotency-Key is still in progress",
            reason="IDEMPOTENCY_IN_PROGRESS",
        )
    return JSONResponse(stored["body"], status_code=stored["status"], headers={REPLAYED: "true"})
