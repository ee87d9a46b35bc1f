"""Where ingest serves its metrics: the shared server of :mod:`core.metrics_http` on
``BK_METRICS_PORT`` (``Settings.metrics_port``). ``BK_INGEST_METRICS_PORT``, the variable used
before every role had metrics, still works when ``BK_METRICS_PORT`` is unset."""

import os

from core.errors import ConfigError
from core.settings import Settings
from ingest.options import IngestOptions

LEGACY_PORT_ENV = "BK_INGEST_METRICS_PORT"


def legacy_metrics_port() -> int | None:
    """The port from ``BK_INGEST_METRICS_PORT`` (0: any free port), or None when unset or empty."""
    raw = os.environ.get(LEGACY_PORT_ENV, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) > 65535:
        raise ConfigError(f"{LEGACY_PORT_ENV}={raw!r}: expected a port number from 0 to 65535")
    return int(raw)


def metrics_port(settings: Settings, options: IngestOptions) -> int | None:
    """The options' port, else ``BK_METRICS_PORT``, else the legacy variable; None: no server."""
    for port in (options.metrics_port, settings.metrics_port):
        if port is not None:
            return port
    return legacy_metrics_port()
