"""``GET /metrics`` (Prometheus text format, ingest's own registry) and ``GET /healthz`` over a
tiny asyncio HTTP server, so the role needs no web framework and stops with its event loop.

The port comes from :func:`metrics_port` (``BK_INGEST_METRICS_PORT``) until core Settings has a
``metrics_port`` shared by every role.
"""

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Callable

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from core.errors import ConfigError
from ingest import metrics

log = logging.getLogger(__name__)
PORT_ENV = "BK_INGEST_METRICS_PORT"
REQUEST_TIMEOUT_S = 5.0


def metrics_port() -> int | None:
    """The port from ``BK_INGEST_METRICS_PORT`` (0: any free port), or None when unset or empty."""
    raw = os.environ.get(PORT_ENV, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) > 65535:
        raise ConfigError(f"{PORT_ENV}={raw!r}: expected a port number from 0 to 65535")
    return int(raw)


def _response(status: str, body: bytes, content_type: str = "text/plain; charset=utf-8") -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


class MetricsServer:
    """Serves the ingest metrics until :meth:`stop`. ``healthy`` answers /healthz (alive)."""

    def __init__(self, host: str, port: int, healthy: Callable[[], bool] = lambda: True) -> None:
        self.host = host
        self.port = port
        self._healthy = healthy
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("ingest metrics on http://%s:%d/metrics", self.host, self.port)

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
            await server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), REQUEST_TIMEOUT_S)
            request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
            answer = self._answer(request_line)
            if request_line.startswith("HEAD "):
                answer = answer.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"
            writer.write(answer)
            await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ConnectionError):
            pass  # a client that hung up or never finished its request
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    def _answer(self, request_line: str) -> bytes:
        parts = request_line.split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/"):
            return _response("400 Bad Request", b"expected an HTTP/1.x request line\n")
        method, path = parts[0], parts[1].split("?", 1)[0]
        if method not in ("GET", "HEAD"):
            return _response("405 Method Not Allowed", f"{method} is not allowed; use GET\n".encode())
        if path == "/metrics":
            return _response("200 OK", generate_latest(metrics.REGISTRY), CONTENT_TYPE_LATEST)
        if path == "/healthz":
            return _response("200 OK", b"ok\n") if self._healthy() else _response("503 Service Unavailable", b"down\n")
        return _response("404 Not Found", b"not found; try /metrics or /healthz\n")


@contextlib.asynccontextmanager
async def serving(
    host: str, port: int | None, healthy: Callable[[], bool] = lambda: True
) -> AsyncIterator[MetricsServer | None]:
    """Run a :class:`MetricsServer` for the block; nothing when ``port`` is None."""
    if port is None:
        yield None
        return
    server = MetricsServer(host, port, healthy)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
