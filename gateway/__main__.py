"""`python -m gateway`: serve the REST gateway with uvicorn, then export the last spans."""

from __future__ import annotations

import signal
from types import FrameType

import uvicorn

from gateway.app import create_app
from gateway.settings import GatewaySettings
from kit.logs import configure_logging
from kit.metrics import serve_metrics
from kit.telemetry import configure_tracing, shutdown_tracing


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def main() -> None:
    settings = GatewaySettings()
    configure_logging("gateway", settings.common.log_level)
    configure_tracing("gateway", settings.common.otel_exporter, settings.common.trace_sample_ratio)
    serve_metrics(settings.common)  # on a port of its own: the public one never shows them
    # Once stopped, uvicorn raises the SIGTERM it caught again; by default that ends the process
    # on the spot, before the last spans are exported: make it an exit that runs `finally`.
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        uvicorn.run(
            create_app(settings),
            host=settings.host,
            port=settings.port,
            log_config=None,
            access_log=False,
            proxy_headers=True,
            forwarded_allow_ips=settings.trusted_proxies,
        )
    finally:
        shutdown_tracing()


if __name__ == "__main__":
    main()
