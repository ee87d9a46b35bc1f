"""Each role logs in and sees its own view and scope; the language switch is remembered."""

from typing import Any

import pytest

from tests.web.conftest import WebApi, data_of, log_in, new_page, save_screenshot

pytestmark = pytest.mark.browser

# role -> (the view it lands on, the navigation it gets)
HOMES = {
    "admin": ("wall", ["wall", "history", "stats", "admin"]),
    "regulator": ("wall", ["wall", "history", "stats"]),
    "inspector": ("history", ["history", "stats"]),
    "manager_a": ("inbox", ["inbox", "history", "stats"]),
}


@pytest.mark.parametrize("user", list(HOMES))
async def test_each_role_lands_on_its_view(web_api: WebApi, browser: Any, user: str) -> None:
    page = await new_page(browser)
    await log_in(page, web_api.url, user)
    view, nav = HOMES[user]
    await page.wait_for_selector(f"main[data-view={view}]")
    assert await data_of(page, "[data-testid=nav] a", "nav") == nav
    await page.goto(f"{web_api.url}/#/admin")  # not an admin: sent back home
    if user != "admin":
        await page.wait_for_selector(f"main[data-view={view}]")


async def test_a_manager_sees_only_their_school(web_api: WebApi, browser: Any) -> None:
    page = await new_page(browser)
    await log_in(page, web_api.url, "manager_a")
    await page.wait_for_selector("[data-testid=inbox] tr[data-event]")
    mine = {e.id for e in web_api.seeded.events.values() if e.school_id == "school-a"}
    theirs = {e.id for e in web_api.seeded.events.values() if e.school_id != "school-a"}
    inbox = set(await data_of(page, "[data-testid=inbox] tr[data-event]", "event"))
    assert inbox and inbox <= mine
    assert "期限" in await page.inner_text("[data-testid=deadline-note]")
    due = await page.get_attribute("[data-testid=inbox] [data-deadline]", "data-deadline")
    assert due is not None and int(due) > 0  # the api's deadline, shown per open case
    await save_screenshot(page, "inbox.png")

    await page.goto(f"{web_api.url}/#/history")
    await page.wait_for_selector("[data-testid=history] tr[data-event]")
    rows = set(await data_of(page, "[data-testid=history] tr[data-event]", "event"))
    assert rows == mine
    assert await page.query_selector("[data-testid=filters] select[name=school_id]") is None

    other = sorted(theirs)[0]
    await page.goto(f"{web_api.url}/#/alert/{other}")
    await page.wait_for_selector("[data-testid=not-found]")
    await page.goto(f"{web_api.url}/#/wall")  # the command center is not a manager's
    await page.wait_for_selector("main[data-view=inbox]")


async def test_an_inspector_sees_every_school_in_the_history(web_api: WebApi, browser: Any) -> None:
    page = await new_page(browser)
    await log_in(page, web_api.url, "inspector")
    await page.wait_for_selector("[data-testid=history] tr[data-event]")
    schools = await page.eval_on_selector_all("[data-testid=history] tr[data-event] td:nth-child(3)",
                                              "cells => [...new Set(cells.map(c => c.textContent))]")
    assert len(schools) == 3


async def test_wrong_password_then_english_is_remembered(web_api: WebApi, browser: Any) -> None:
    page = await new_page(browser)
    await page.goto(web_api.url)
    await page.fill("[data-testid=login] input[name=username]", "regulator")
    await page.fill("[data-testid=login] input[name=password]", "wrong-password")
    await page.click("[data-testid=login] button")
    await page.wait_for_selector("#login-error:not(:empty)")
    assert "错误" in await page.inner_text("#login-error")
    await log_in(page, web_api.url, "regulator")
    assert await page.inner_text("[data-nav=wall]") == "指挥中心"
    await page.click("[data-testid=lang]")
    await page.wait_for_function("document.querySelector('[data-nav=wall]').textContent === 'Command center'")
    await page.reload()
    await page.wait_for_selector("[data-nav=wall]")
    assert await page.inner_text("[data-nav=wall]") == "Command center"
    assert await page.evaluate("document.documentElement.lang") == "en"
