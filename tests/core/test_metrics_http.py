"""The shared metrics server: a registry on /metrics, liveness on /healthz, nothing else."""

import httpx
import pytest
from prometheus_client import CollectorRegistry, Counter

from core.metrics_http import serving


async def test_serves_the_given_registry_and_health() -> None:
    registry = CollectorRegistry()
    Counter("bk_test_things", "Things counted.", registry=registry).inc(3)
    alive = {"ok": True}
    async with serving(registry, "127.0.0.1", 0, lambda: alive["ok"]) as server:
        assert server is not None
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}", timeout=5) as client:
            answer = await client.get("/metrics")
            assert answer.status_code == 200
            assert answer.headers["content-type"].startswith("text/plain; version=")
            assert "bk_test_things_total 3.0" in answer.text
            assert (await client.head("/metrics")).status_code == 200
            assert ((await client.get("/healthz")).status_code, (await client.get("/healthz")).text) == (200, "ok\n")
            alive["ok"] = False
            assert (await client.get("/healthz")).status_code == 503
            assert (await client.get("/other")).status_code == 404
            assert (await client.post("/metrics")).status_code == 405
        port = server.port
    with pytest.raises(httpx.ConnectError):  # stopped with the block
        httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)


async def test_no_port_no_server() -> None:
    async with serving(CollectorRegistry(), "127.0.0.1", None) as server:
        assert server is None
