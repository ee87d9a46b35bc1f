"""The api's GET /metrics (public), its recorder counters, and /readyz following the broker."""

import asyncio
import re
import time
from pathlib import Path

import httpx
import pytest
import websockets

from api import metrics
from api.app import run
from api.db import Database
from api.media import MediaStore
from api.recorder import Recorder
from core.broker import EmbeddedBroker
from core.bus import Record
from core.memory_bus import MemoryPublisher
from core.settings import Settings
from core.topics import DLQ, EVENTS
from tests.api.conftest import RunningApi, make_event


def _sample(text: str, series: str) -> float | None:
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.rsplit(" ", 1)[1])
    return None


async def test_metrics_are_public_and_count_websocket_clients(api: RunningApi) -> None:
    async with api.client() as client:  # no token: public like /healthz
        answer = await client.get("/metrics")
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/plain; version=")
        for name in ("bk_api_ws_clients", "bk_api_recorder_commit_seconds", "bk_api_events_recorded",
                     "bk_api_dead_letters", "bk_api_recorder_consumer_lag", "bk_api_clips"):
            assert f"# HELP {name}" in answer.text, name
        assert _sample(answer.text, "bk_api_ws_clients") == 0
        async with websockets.connect(f"{api.ws_url}?frames=0&token={api.tokens['regulator']}") as ws:
            await ws.recv()  # hello: the client is registered
            assert _sample((await client.get("/metrics")).text, "bk_api_ws_clients") == 1
        for _ in range(50):
            if _sample((await client.get("/metrics")).text, "bk_api_ws_clients") == 0:
                break
            await asyncio.sleep(0.05)
        assert _sample((await client.get("/metrics")).text, "bk_api_ws_clients") == 0


async def test_recorder_counts_events_dead_letters_and_commit_time(db: Database, tmp_path: Path) -> None:
    dlq = MemoryPublisher()
    recorder = Recorder(db, MediaStore(tmp_path / "media"), dlq)
    event = make_event(rule="camera_blocked", tier=1, state="open")
    recorded = metrics.EVENTS_RECORDED.labels("camera_blocked", "1", "open")
    before = (recorded._value.get(), metrics.DEAD_LETTERS.labels("contract")._value.get(),
              _commit_count())
    await recorder.store([
        Record(EVENTS, 0, 0, event.camera_id.encode(), event.encode()),
        Record(EVENTS, 0, 1, b"x", b"not an event"),
    ])
    assert recorded._value.get() == before[0] + 1
    assert metrics.DEAD_LETTERS.labels("contract")._value.get() == before[1] + 1
    assert _commit_count() == before[2] + 1
    assert len(dlq.topics[DLQ]) == 1


def _commit_count() -> float:
    for family in metrics.COMMIT_SECONDS.collect():
        for sample in family.samples:
            if sample.name.endswith("_count"):
                return float(sample.value)
    return 0.0


@pytest.mark.kafka
async def test_readyz_reflects_the_broker_and_recorder_lag_is_served(
    fresh_broker: EmbeddedBroker, tmp_path: Path
) -> None:
    settings = Settings(kafka_bootstrap=fresh_broker.bootstrap, data_dir=tmp_path, api_port=0)
    stop = asyncio.Event()
    url: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(run(settings, stop, on_listening=url.set_result))
    try:
        base = await asyncio.wait_for(url, 30)
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            deadline = time.monotonic() + 20
            while (ready := await client.get("/readyz")).status_code != 200:
                assert time.monotonic() < deadline, ready.text
                await asyncio.sleep(0.2)
            assert ready.json()["checks"]["broker"] is True
            while not re.search(r'bk_api_recorder_consumer_lag\{partition="\d",topic="bk.events"\} 0',
                                text := (await client.get("/metrics")).text):
                assert time.monotonic() < deadline, text
                await asyncio.sleep(0.5)
            fresh_broker.stop()
            await asyncio.sleep(1.1)  # the probe's answer is cached for a second
            down = await client.get("/readyz")
            assert down.status_code == 503
            assert down.json()["checks"]["broker"] is False
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
