"""A real browser (Debian's chromium driven by Playwright) and apis to point it at: one without a
broker (fast, for views and the workflow) and one on Kafka (live alerts, the zone editor)."""

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from api.app import run
from api.db import Database
from api.media import MediaStore
from core.broker import EmbeddedBroker
from core.settings import Settings
from tests.web.seed import PASSWORD, Seeded, seed

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1600, "height": 900}


async def save_screenshot(page: Any, name: str) -> None:
    """Screenshots for the README are refreshed only when asked (BK_SCREENSHOTS=1)."""
    if os.environ.get("BK_SCREENSHOTS") == "1":
        await page.screenshot(path=str(SCREENSHOTS / name))


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail("chromium is missing: scripts/test installs it with apt-get")
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        b = await pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield b
        finally:
            await b.close()


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 at production cost takes ~0.1 s per hash; seeding hashes one per user."""
    from argon2 import PasswordHasher

    monkeypatch.setattr("api.auth.passwords._hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@dataclass
class WebApi:
    url: str
    settings: Settings
    seeded: Seeded
    stop: asyncio.Event
    task: "asyncio.Task[None]"

    async def shutdown(self) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, 20)


StartApi = Callable[..., Awaitable[WebApi]]


@pytest.fixture
async def start_api(tmp_path: Path) -> AsyncIterator[StartApi]:
    """Start an api on a seeded database; ``bootstrap`` runs it on Kafka, ``port`` pins the port
    (to restart it where the page expects it). The database is seeded on the first start only."""
    running: list[WebApi] = []
    seeded: list[Seeded] = []

    async def start(bootstrap: str | None = None, port: int = 0, history: bool = True) -> WebApi:
        settings = Settings(data_dir=tmp_path, api_port=port, kafka_bootstrap=bootstrap,
                            escalation_interval_s=1.0)
        if not seeded:
            db = Database(settings.resolved_database_url)
            try:
                await db.migrate()
                seeded.append(await seed(db, MediaStore(settings.resolved_media_dir), history=history))
            finally:
                await db.close()
        stop = asyncio.Event()
        url: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(run(settings, stop, on_listening=url.set_result, kafka=bootstrap is not None))
        api = WebApi(await asyncio.wait_for(url, 30), settings, seeded[0], stop, task)
        running.append(api)
        return api

    yield start
    for api in running:
        if not api.task.done():
            await api.shutdown()


@pytest.fixture
async def web_api(start_api: StartApi) -> WebApi:
    """An api without a broker on the seeded district."""
    return await start_api()


@pytest.fixture
async def kafka_api(start_api: StartApi, fresh_broker: EmbeddedBroker) -> WebApi:
    """An api on its own embedded broker, on the seeded district."""
    return await start_api(bootstrap=fresh_broker.bootstrap)


async def new_page(browser: Any) -> Any:
    page = await browser.new_page(viewport=VIEWPORT, locale="zh-CN")
    page.on("pageerror", lambda exc: _ERRORS.append(str(exc)))
    return page


_ERRORS: list[str] = []


@pytest.fixture(autouse=True)
def no_page_errors() -> Any:
    """Any uncaught script error in a page fails the test."""
    _ERRORS.clear()
    yield
    assert _ERRORS == [], f"uncaught errors in the page: {_ERRORS}"


async def log_in(page: Any, url: str, username: str, password: str = PASSWORD) -> None:
    """Log in through the form and wait until the app has started (the nav is drawn)."""
    await page.goto(url)
    await page.fill("[data-testid=login] input[name=username]", username)
    await page.fill("[data-testid=login] input[name=password]", password)
    await page.click("[data-testid=login] button")
    await page.wait_for_selector("[data-testid=nav] a", timeout=10000)


async def data_of(page: Any, selector: str, key: str) -> list[str]:
    """The ``data-<key>`` values of every element matching ``selector``, in document order."""
    values: list[str] = await page.eval_on_selector_all(selector, f"els => els.map(e => e.dataset.{key})")
    return values
