"""The zone editor: a polygon drawn on the camera's current picture is saved into the site, which
the api stores (GET /api/site) and publishes on bk.site, where the detect worker's reader gets it."""

import asyncio
from typing import Any

import httpx
import pytest

from core.broker import EmbeddedBroker
from core.bus import KafkaPublisher
from core.site import Site
from core.site_feed import follow_site
from tests.web.conftest import WebApi, log_in, new_page, save_screenshot
from tests.web.seed import PASSWORD
from tests.web.test_wall import publish_frames

pytestmark = [pytest.mark.browser, pytest.mark.kafka]
CORNERS = [(0.30, 0.45), (0.70, 0.45), (0.72, 0.75), (0.28, 0.75)]


async def site_the_detectors_get(bootstrap: str, version: int) -> Site:
    """Follow bk.site with the reader the detect worker uses until ``version`` arrives."""
    stop = asyncio.Event()
    found: asyncio.Future[Site] = asyncio.get_running_loop().create_future()

    async def on_site(site: Site) -> None:
        if site.version >= version and not found.done():
            found.set_result(site)
            stop.set()

    task = asyncio.create_task(follow_site(bootstrap, on_site, stop))
    try:
        return await asyncio.wait_for(found, 15)
    finally:
        stop.set()
        await task


async def test_a_polygon_drawn_on_the_picture_reaches_the_site_and_bk_site(
    kafka_api: WebApi, fresh_broker: EmbeddedBroker, browser: Any,
) -> None:
    async with KafkaPublisher(fresh_broker.bootstrap) as pub:
        await publish_frames(pub, ["a-cook"], 3)
    page = await new_page(browser)
    await log_in(page, kafka_api.url, "admin")
    await page.goto(f"{kafka_api.url}/#/admin")
    await page.click("[data-camera=a-cook] [data-testid=edit-zones]")
    await page.wait_for_function("document.querySelector('.zone-stage img')?.naturalWidth === 640")
    canvas = await page.wait_for_selector("[data-testid=zone-canvas]")
    box = await canvas.bounding_box()
    for x, y in CORNERS:
        await page.mouse.click(box["x"] + x * box["width"], box["y"] + y * box["height"])
    await page.fill("[data-testid=zone-id]", "stove-1")
    await page.select_option("[data-testid=zone-kind]", "stove")
    await page.click("[data-testid=zone-finish]")
    await page.wait_for_selector("[data-testid=zones] li[data-zone=stove-1]")
    await page.click("[data-testid=zone-save]")
    await page.wait_for_selector("[data-testid=zone-message].ok")
    await save_screenshot(page, "zones.png")

    async with httpx.AsyncClient(base_url=kafka_api.url) as client:
        await client.post("/api/auth/login", json={"username": "admin", "password": PASSWORD})
        stored = Site.model_validate((await client.get("/api/site")).json()["site"])
    zone = next(z for z in stored.camera("a-cook")[1].zones if z.id == "stove-1")  # type: ignore[index]
    assert zone.kind == "stove"
    for (x, y), (zx, zy) in zip(CORNERS, zone.polygon, strict=True):
        assert abs(x - zx) < 0.01 and abs(y - zy) < 0.01

    seen = await site_the_detectors_get(fresh_broker.bootstrap, stored.version)
    on_bus = seen.camera("a-cook")[1].zones  # type: ignore[index]
    assert [z.id for z in on_bus] == ["stove-1"] and on_bus[0].polygon == zone.polygon
