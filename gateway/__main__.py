"""`python -m gateway`: serve the REST gateway with uvicorn."""

from __future__ import annotations

import uvicorn

from gateway.app import create_app
from gateway.settings import GatewaySettings
from kit.logs import configure_logging
from kit.telemetry import configure_tracing


def main() -> None:
    settings = GatewaySettings()
    configure_logging("gateway", settings.common.log_level)
    configure_tracing("gateway", settings.common.otel_exporter, settings.common.trace_sample_ratio)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        proxy_headers=True,
    )


if __name__ == "__main__":
    main()
