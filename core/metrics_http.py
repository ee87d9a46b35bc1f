"""``GET /metrics`` (Prometheus text format) and ``GET /healthz`` on a tiny asyncio HTTP server.

Roles without a web framework (ingest, detect) serve their own :class:`CollectorRegistry` with it
on ``BK_METRICS_PORT``; the server stops with the role's event loop. The api serves its registry
on its own HTTP port instead (``api/routes/metrics.py``).
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

log = logging.getLogger(__name__)
REQUEST_TIMEOUT_S = 5.0


def _response(status: str, body: bytes, content_type: str = "text/plain; charset=utf-8") -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


class MetricsServer:
    """Serves ``registry`` until :meth:`stop`. ``healthy`` answers /healthz (the role is alive)."""

    def __init__(
        self, registry: CollectorRegistry, host: str, port: int, healthy: Callable[[], bool] = lambda: True,
        *, name: str = "metrics",
    ) -> None:
        self.registry = registry
        self.host = host
        self.port = port
        self.name = name
        self._healthy = healthy
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("%s on http://%s:%d/metrics", self.name, self.host, self.port)

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
            return _response("200 OK", generate_latest(self.registry), CONTENT_TYPE_LATEST)
        if path == "/healthz":
            return _response("200 OK", b"ok\n") if self._healthy() else _response("503 Service Unavailable", b"down\n")
        return _response("404 Not Found", b"not found; try /metrics or /healthz\n")


@contextlib.asynccontextmanager
async def serving(
    registry: CollectorRegistry, host: str, port: int | None, healthy: Callable[[], bool] = lambda: True,
    *, name: str = "metrics",
) -> AsyncIterator[MetricsServer | None]:
    """Run a :class:`MetricsServer` for the block; nothing when ``port`` is None."""
    if port is None:
        yield None
        return
    server = MetricsServer(registry, host, port, healthy, name=name)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
