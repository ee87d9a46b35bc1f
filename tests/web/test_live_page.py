"""The first command-center page in chromium: live pictures per camera and live alerts."""

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from api.app import run
from core.broker import EmbeddedBroker
from core.bus import KafkaPublisher
from core.contracts import Event, Frame, event_id
from core.settings import Settings
from core.topics import EVENTS, FRAMES
from tests.e2e.procs import PASSWORD, prepare_database
from tests.web.conftest import save_screenshot

pytestmark = [pytest.mark.kafka, pytest.mark.browser]


@pytest.fixture
async def api_url(fresh_broker: EmbeddedBroker, tmp_path: Path) -> AsyncIterator[str]:
    settings = Settings(kafka_bootstrap=fresh_broker.bootstrap, data_dir=tmp_path, api_port=0)
    await prepare_database(tmp_path)
    stop = asyncio.Event()
    url: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(run(settings, stop, on_listening=url.set_result))
    yield await asyncio.wait_for(url, 30)
    stop.set()
    await asyncio.wait_for(task, 20)


def _jpeg(shade: int) -> bytes:
    img = np.full((180, 320, 3), shade, np.uint8)
    cv2.rectangle(img, (40, 40), (120, 140), (255, 255, 255), -1)
    return cv2.imencode(".jpg", img)[1].tobytes()


async def test_page_shows_live_pictures_and_an_alert_without_reload(
    api_url: str, fresh_broker: EmbeddedBroker, browser: Any
) -> None:
    page = await browser.new_page()
    await page.goto(api_url)
    await page.fill("[data-testid=login] input[name=username]", "regulator")
    await page.fill("[data-testid=login] input[name=password]", "wrong")
    await page.click("[data-testid=login] button")
    await page.wait_for_selector("#login-error:not(:empty)", timeout=5000)
    await page.fill("[data-testid=login] input[name=password]", PASSWORD)
    await page.click("[data-testid=login] button")
    await page.wait_for_selector("[data-testid=connection].online", timeout=10000)
    async with KafkaPublisher(fresh_broker.bootstrap) as pub:
        for i in range(10):
            now = int(time.time() * 1000)
            for cam in ("cam-1", "cam-2"):
                frame = Frame(cam, "school-a", now, i, 320, 180, _jpeg(40 + i * 10))
                await pub.send_and_wait(FRAMES, frame.jpeg, key=frame.key, headers=frame.headers())
            await asyncio.sleep(0.1)
        await page.wait_for_function(
            "document.querySelectorAll('[data-camera] img[src^=blob]').length >= 2", timeout=10000
        )
        assert await page.evaluate("document.querySelector('[data-camera=cam-1] img').naturalWidth") == 320
        now = int(time.time() * 1000)
        event = Event(
            id=event_id("cam-2", "camera_blocked", None, now), rule="camera_blocked", tier=1, state="open",
            school_id="school-a", camera_id="cam-2", started_ms=now, last_seen_ms=now, score=0.9,
            snapshot_jpeg=_jpeg(10),
        )
        sent = time.monotonic()
        await pub.send_and_wait(EVENTS, event.encode(), key=b"cam-2")
        item = await page.wait_for_selector(f"li[data-event='{event.id}']", timeout=5000)
        assert time.monotonic() - sent < 5
        assert "视频遮挡" in await item.inner_text()
        assert await page.evaluate("document.querySelector('[data-camera=cam-2]').classList.contains('alarm')")
        await save_screenshot(page, "live.png")
