"""Liveness and readiness, outside /api/v1."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from redis.exceptions import RedisError

from gateway.deps import State
from gateway.problems import problem_response

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is alive")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="Identity answers, Redis answers and the policy is loaded")
async def readyz(request: Request, state: State) -> JSONResponse:
    try:
        redis_ok = bool(await state.redis.ping())
    except RedisError:
        redis_ok = False
    checks = {
        "identity": await state.identity.is_serving(),
        "redis": redis_ok,
        "policy": state.authorizer is not None,
    }
    if all(checks.values()):
        return JSONResponse({"status": "ready", "checks": checks})
    failing = ", ".join(name for name, ok in checks.items() if not ok)
    return problem_response(request, 503, "NOT_READY", f"not ready: {failing}")
