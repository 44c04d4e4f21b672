"""Composition root of the gateway: settings, clients, guard, routes, problems, OpenAPI."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from fastapi import FastAPI

from gateway.clients import (
    assessment_client,
    assistance_client,
    attachments_client,
    funds_client,
    handbook_client,
    helping_client,
    identity_client,
    maps_client,
    notification_client,
    progress_client,
    projects_client,
    registry_client,
    spot_checks_client,
    training_client,
    transfer_client,
    villages_client,
)
from gateway.guard import Guard, RateLimiter
from gateway.hot_routes import HotRoutesMiddleware, hot_routes
from gateway.limits import BodyLimitMiddleware
from gateway.problems import install_problem_handlers
from gateway.request_ids import RequestIdMiddleware
from gateway.routes import (
    alerts,
    assessment,
    attachments,
    audit,
    auth,
    benefits,
    change_requests,
    clients,
    console,
    courses,
    coverage,
    handbook,
    health,
    helping_units,
    household_changes,
    household_notices,
    households,
    imports,
    institutions,
    leader_files,
    leader_notices,
    leaders,
    livelihood,
    members,
    needs,
    notices,
    pairings,
    performance,
    project_funds,
    project_notices,
    project_progress,
    projects,
    public,
    regions,
    spot_checks,
    statistics,
    tasks,
    trainees,
    users,
    villages,
    visits,
    vocabularies,
    work_team,
)
from gateway.settings import GatewaySettings
from gateway.state import GatewayState
from jingzhun.identity.v1 import identity_pb2 as pb
from kit.heap import freeze_startup_heap
from kit.metrics import HttpMetricsMiddleware
from kit.policy import fetch_policy_when_ready
from kit.redis_client import redis_client
from kit.redis_pipeline import PipelinedRedis
from kit.revocation import RevocationCheck, RevocationKeys
from kit.service_auth import ServiceCredentials
from kit.tokens import TokenVerifier

API_VERSION = "1.0.0"


async def keep_policy_loaded(state: GatewayState) -> None:
    """Load the policy as soon as identity answers; until then calls needing it get 503."""
    state.authorizer = await fetch_policy_when_ready(state.credentials)


def build_state(settings: GatewaySettings) -> GatewayState:
    common = settings.common
    redis = redis_client(common)
    identity = identity_client(common.identity_address, settings.grpc_timeout_seconds)
    pipelined = PipelinedRedis.of(common)
    limiter = RateLimiter(pipelined, common.redis_prefix)
    verifier = TokenVerifier.from_file(
        common.jwt_public_key_file, issuer=common.jwt_issuer, audience=common.jwt_audience
    )

    credentials = ServiceCredentials.of(identity, settings)

    async def resync() -> None:
        await identity.call(
            identity.stub.SyncRevocations,
            pb.SyncRevocationsRequest(),
            token=await credentials.token(),
        )

    guard = Guard(
        verifier,
        RevocationCheck(redis, RevocationKeys(common.redis_prefix)),
        limiter,
        settings.rate_limit_per_minute,
        resync,
    )
    registry = registry_client(common.registry_address, settings.grpc_timeout_seconds)
    return GatewayState(
        settings=settings,
        redis=redis,
        identity=identity,
        registry=registry,
        transfer=transfer_client(common.registry_address, settings.transfer_timeout_seconds),
        villages=villages_client(common.registry_address, settings.grpc_timeout_seconds),
        helping=helping_client(common.registry_address, settings.grpc_timeout_seconds),
        notification=notification_client(
            common.notification_address, settings.grpc_timeout_seconds
        ),
        assistance=assistance_client(common.assistance_address, settings.grpc_timeout_seconds),
        handbook=handbook_client(common.assistance_address, settings.grpc_timeout_seconds),
        training=training_client(common.training_address, settings.grpc_timeout_seconds),
        guard=guard,
        credentials=credentials,
        limiter=limiter,
        attachments=attachments_client(
            common.assistance_address, settings.transfer_timeout_seconds
        ),
        spot_checks=spot_checks_client(common.assistance_address, settings.grpc_timeout_seconds),
        assessment=assessment_client(common.assistance_address, settings.grpc_timeout_seconds),
        projects=projects_client(common.projects_address, settings.grpc_timeout_seconds),
        progress=progress_client(common.projects_address, settings.transfer_timeout_seconds),
        funds=funds_client(common.projects_address, settings.transfer_timeout_seconds),
        maps=maps_client(common.registry_address, settings.grpc_timeout_seconds),
    )


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or GatewaySettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = build_state(settings)
        app.state.gateway = state
        loader = asyncio.create_task(keep_policy_loaded(state))
        freeze_startup_heap()
        yield
        loader.cancel()
        with suppress(asyncio.CancelledError):
            await loader
        await state.identity.close()
        await state.registry.close()
        await state.transfer.close()
        await state.villages.close()
        await state.helping.close()
        await state.notification.close()
        await state.assistance.close()
        await state.handbook.close()
        await state.assessment.close()
        await state.training.close()
        await state.attachments.close()
        await state.spot_checks.close()
        await state.projects.close()
        await state.progress.close()
        await state.funds.close()
        await state.maps.close()
        await state.redis.aclose()
        await state.limiter.redis.aclose()

    app = FastAPI(
        title="Jingzhun API",
        version=API_VERSION,
        description="The precision poverty-alleviation platform. Every resource is limited to the "
        "caller's territory; errors are RFC 9457 problem details.",
        lifespan=lifespan,
        # One span per request (its trace goes on to the services); FastAPI's spans of the
        # dependencies, endpoint and serialisation inside it would cost every request, and
        # so would its look-ups, per request, of OpenTelemetry meter and logger providers this
        # platform never installs (metrics: kit.metrics; logs: kit.logs).
        telemetry={"operation_spans": False, "metrics": False, "logs": False},
    )
    install_problem_handlers(app)
    hottest = hot_routes(
        regions.get_region, households.get_household, among=[regions.router, households.router]
    )
    app.add_middleware(HotRoutesMiddleware, routes=hottest)  # added first: innermost
    uploads = dict.fromkeys(imports.UPLOAD_PATHS, settings.max_upload_bytes)
    app.add_middleware(
        BodyLimitMiddleware,
        default_bytes=settings.max_body_bytes,
        by_path=uploads,
        by_pattern=[
            (attachments.UPLOAD_PATH, settings.max_attachment_bytes),
            (project_progress.PHOTO_UPLOAD_PATH, settings.max_attachment_bytes),
            (project_funds.PAYMENT_PATH, settings.max_attachment_bytes),
        ],
    )
    app.add_middleware(RequestIdMiddleware)
    app.add_middleware(HttpMetricsMiddleware)  # added last: outermost, it times the others too
    for module in (
        health,
        auth,
        users,
        regions,
        clients,
        audit,
        households,
        imports,
        livelihood,
        benefits,
        members,
        pairings,
        change_requests,
        notices,
        needs,
        tasks,
        leaders,
        leader_files,
        leader_notices,
        household_notices,
        institutions,
        courses,
        trainees,
        visits,
        alerts,
        work_team,
        performance,
        statistics,
        villages,
        helping_units,
        coverage,
        public,
        vocabularies,
        household_changes,
        handbook,
        attachments,
        spot_checks,
        assessment,
        console,
        projects,
        project_progress,
        project_notices,
        project_funds,
    ):
        app.include_router(module.router)
    console.mount_console(app)
    return app
