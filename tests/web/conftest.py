"""A real browser: Debian's chromium driven by Playwright."""

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


async def save_screenshot(page: Any, name: str) -> None:
    """Screenshots for the README are refreshed only when asked (BK_SCREENSHOTS=1)."""
    if os.environ.get("BK_SCREENSHOTS") == "1":
        await page.screenshot(path=str(SCREENSHOTS / name))


@pytest.fixture
async def browser() -> AsyncIterator[object]:
    if not CHROMIUM.exists():
        pytest.fail("chromium is missing: scripts/test installs it with apt-get")
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        b = await pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield b
        finally:
            await b.close()
