"""The detect role serves its metrics on BK_METRICS_PORT while it works."""

import asyncio
import re
import time
import uuid

import httpx
import pytest

from core.broker import EmbeddedBroker, free_port
from core.bus import KafkaPublisher
from core.settings import Settings
from detectors.worker import run
from tests.detectors import scenes
from tests.detectors.test_worker import Tail, send_until

pytestmark = pytest.mark.kafka


def _value(text: str, series: str) -> float | None:
    """The value of the first sample whose name and labels start with ``series``."""
    for line in text.splitlines():
        if line.startswith(series):
            return float(line.rsplit(" ", 1)[1])
    return None


async def test_detect_metrics_over_http(broker: EmbeddedBroker) -> None:
    camera = f"cam-{uuid.uuid4().hex[:8]}"
    garbage_key = f"junk-{camera}".encode()
    port = free_port()
    stop = asyncio.Event()
    worker = asyncio.create_task(run(Settings(kafka_bootstrap=broker.bootstrap, metrics_port=port), stop))
    tail = Tail(broker.bootstrap, camera, garbage_key)
    await tail.start()
    try:
        async with KafkaPublisher(broker.bootstrap) as pub:
            await send_until(pub, tail, camera, scenes.kitchen(), lambda: bool(tail.dead), 60, garbage_key)
            opened = lambda: any(e.state == "open" for e in tail.events)  # noqa: E731
            await send_until(pub, tail, camera, scenes.covered(), opened, 30)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
            deadline = time.monotonic() + 15
            while "bk_detect_consumer_lag{" not in (text := (await client.get("/metrics")).text):
                assert time.monotonic() < deadline, "no consumer lag sampled"
                await asyncio.sleep(0.5)
            assert (await client.get("/healthz")).status_code == 200
    finally:
        stop.set()
        await asyncio.wait_for(worker, 20)
        await tail.consumer.stop()
    assert (_value(text, "bk_detect_frames_total ") or 0) > 0
    assert _value(text, 'bk_detect_dead_letters_total{kind="contract"}') is not None
    tier = tail.events[0].tier
    assert (_value(text, f'bk_detect_events_total{{rule="camera_blocked",state="open",tier="{tier}"}}') or 0) >= 1
    assert re.search(r'bk_detect_plugin_seconds_count\{plugin="health"\} [1-9]', text)
    assert re.search(r'bk_detect_plugin_seconds_count\{plugin="rule:camera_blocked"\} [1-9]', text)
    last_capture = _value(text, f'bk_detect_camera_last_capture_ms{{camera_id="{camera}"}}')
    assert (last_capture or 0) > time.time() * 1000 - 60_000
    assert (_value(text, "bk_detect_capture_to_judged_seconds_count ") or 0) > 0
    lags = re.findall(r'bk_detect_consumer_lag\{partition="(\d+)",topic="bk\.frames"\} (\S+)', text)
    assert {p for p, _ in lags} == {str(p) for p in range(6)}, lags  # the only member: every partition
    assert all(float(v) >= 0 for _, v in lags)
    assert _value(text, "bk_detect_partitions_assigned ") == 6
    assert "end offsets can be short by one record batch" in text  # the embedded broker's caveat, in the help
