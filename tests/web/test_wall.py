"""The command center on a real broker: live pictures on the tiles, an alert on the wall within
2 s without a reload, the school filter; and the offline indicator when the api goes away."""

import asyncio
import time
from typing import Any

import pytest

from core.broker import EmbeddedBroker
from core.bus import KafkaPublisher
from core.contracts import CameraStatus, Frame
from core.topics import CAMERA_STATUS, EVENTS, FRAMES
from tests.web.conftest import StartApi, WebApi, data_of, log_in, new_page, save_screenshot
from tests.web.seed import SCHOOL_OF, kitchen_jpeg, make_event

pytestmark = pytest.mark.browser


async def publish_frames(pub: KafkaPublisher, cameras: list[str], rounds: int) -> None:
    for i in range(rounds):
        now = int(time.time() * 1000)
        for n, cam in enumerate(cameras):
            frame = Frame(cam, SCHOOL_OF[cam], now, i, 640, 360, kitchen_jpeg(n * 7 + i % 3))
            await pub.send_and_wait(FRAMES, frame.jpeg, key=frame.key, headers=frame.headers())
        await asyncio.sleep(0.1)


@pytest.mark.kafka
async def test_live_pictures_and_an_alert_within_two_seconds(
    kafka_api: WebApi, fresh_broker: EmbeddedBroker, browser: Any,
) -> None:
    page = await new_page(browser)
    await log_in(page, kafka_api.url, "regulator")
    await page.wait_for_selector("[data-testid=connection].online")
    await page.click("[data-grid='9']")
    shown = ["a-cook", "a-prep", "a-wash", "a-store", "b-cook", "b-serve", "b-cold", "c-cook", "c-wash"]
    async with KafkaPublisher(fresh_broker.bootstrap) as pub:
        now = int(time.time() * 1000)
        for cam in shown[:-1]:  # the last one is reported offline
            status = CameraStatus(camera_id=cam, school_id=SCHOOL_OF[cam], state="online", since_ms=now, fps=5)
            await pub.send_and_wait(CAMERA_STATUS, status.encode(), key=cam.encode())
        down = CameraStatus(camera_id="c-wash", school_id="school-c", state="offline", since_ms=now, reason="timeout")
        await pub.send_and_wait(CAMERA_STATUS, down.encode(), key=b"c-wash")
        await publish_frames(pub, shown, 8)
        await page.wait_for_function(
            "cams => cams.every(c => document.querySelector(`[data-camera='${c}']`).dataset.frames)", arg=shown,
            timeout=10000)
        assert await page.evaluate("document.querySelector('[data-camera=a-cook] canvas').width") == 640
        await page.wait_for_selector("[data-camera=c-wash] .badge.offline")
        await page.wait_for_selector("[data-camera=a-cook] .badge.online")
        assert await page.inner_text("[data-kpi=cameras] b") == "8/9"
        open_b = "[data-testid=schools] li[data-school=school-b] [data-open]"
        open_before = int(await page.get_attribute(open_b, "data-open"))

        event = make_event("b-cold", "school-b", "rodent", 1, int(time.time() * 1000), seed=3)
        event = event.model_copy(update={"snapshot_jpeg": kitchen_jpeg(99)})
        sent = time.monotonic()
        await pub.send_and_wait(EVENTS, event.encode(), key=b"b-cold")
        item = await page.wait_for_selector(f"[data-testid=alerts] li[data-event='{event.id}']", timeout=2000)
        assert time.monotonic() - sent < 2
        assert "老鼠" in await item.inner_text()
        assert "tier-1" in (await item.get_attribute("class") or "")
        assert await page.evaluate("document.querySelector('[data-camera=b-cold]').classList.contains('alarm')")
        await page.wait_for_function(f"Number(document.querySelector('{open_b}').dataset.open) === {open_before + 1}")
        await publish_frames(pub, shown, 3)
        await save_screenshot(page, "wall.png")

        # Click through to a school: the wall shows only its cameras.
        await page.click("[data-testid=schools] li[data-school=school-b] a")
        await page.wait_for_selector("[data-testid=schools] li[data-school=school-b].active")
        visible = await data_of(page, "[data-testid=wall] .tile:not([hidden])", "camera")
        assert sorted(visible) == ["b-cold", "b-cook", "b-serve"]


async def test_offline_indicator_and_recovery(start_api: StartApi, browser: Any) -> None:
    api = await start_api(history=False)
    page = await new_page(browser)
    await log_in(page, api.url, "regulator")
    await page.wait_for_selector("[data-testid=connection].online")
    assert await page.is_hidden("[data-testid=offline]")
    await api.shutdown()
    await page.wait_for_selector("[data-testid=offline]:not([hidden])", timeout=5000)
    assert "offline" in (await page.get_attribute("[data-testid=connection]", "class") or "")
    await save_screenshot(page, "offline.png")
    port = int(api.url.rsplit(":", 1)[1])
    await start_api(port=port)
    await page.wait_for_selector("[data-testid=connection].online", timeout=15000)
    assert await page.is_hidden("[data-testid=offline]")
    await page.wait_for_selector("[data-testid=alerts] li[data-event]")  # the wall reloaded its data
