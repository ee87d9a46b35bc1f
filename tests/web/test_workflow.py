"""The closed loop in the browser: a manager acknowledges (a 409 when someone was first) and
rectifies with a photo, a regulator approves, and the history shows the closed case."""

from typing import Any

import pytest

from tests.web.conftest import WebApi, data_of, log_in, new_page, save_screenshot
from tests.web.seed import png_photo

pytestmark = pytest.mark.browser


async def test_acknowledge_rectify_approve_and_the_history_shows_it_closed(web_api: WebApi, browser: Any) -> None:
    event = web_api.seeded.events["a-cook/no_chef_hat"]
    manager = await new_page(browser)
    await log_in(manager, web_api.url, "manager_a")
    await manager.click(f"[data-testid=inbox] tr[data-event='{event.id}'] a")
    await manager.wait_for_selector("[data-action=acknowledge]")
    # The boxes are drawn by the page over the clean picture (one SVG rect per box).
    assert await manager.eval_on_selector_all("[data-testid=boxes] rect", "r => r.length") == len(event.boxes)
    assert "boxes" not in await manager.get_attribute("[data-testid=snapshot]", "src")

    # Someone acknowledged it a moment before the click: the page shows the api's 409.
    await manager.evaluate("""async (id) => {
        const json = {'Content-Type': 'application/json'};
        await fetch(`/api/events/${id}/acknowledge`, {method: 'POST', headers: json, body: '{}'});
        document.querySelector('[data-action=acknowledge]').click();
    }""", event.id)
    message = await manager.wait_for_selector("[data-testid=action-message].error")
    assert "cannot acknowledge" in await message.inner_text()
    await manager.wait_for_selector("[data-action=rectify]")  # reloaded: now acknowledged

    await manager.fill("[data-testid=actions] textarea", "已重新佩戴厨师帽 the cook put the hat on")
    await manager.set_input_files("[data-testid=photo]", files=[{"name": "fixed.png", "mimeType": "image/png",
                                                                 "buffer": png_photo()}])
    await manager.click("[data-action=rectify]")
    await manager.wait_for_selector(".alert-detail[data-status=rectified]")
    await manager.wait_for_selector("[data-testid=timeline] [data-step=rectify] img.photo")

    regulator = await new_page(browser)
    await log_in(regulator, web_api.url, "regulator")
    await regulator.goto(f"{web_api.url}/#/alert/{event.id}")
    await regulator.wait_for_selector("[data-action=approve]")
    await save_screenshot(regulator, "alert.png")
    await regulator.click("[data-action=approve]")
    await regulator.wait_for_selector(".alert-detail[data-status=closed]")
    # The manager's page follows over the WebSocket without a reload.
    await manager.wait_for_selector(".alert-detail[data-status=closed]", timeout=5000)

    inspector = await new_page(browser)
    await log_in(inspector, web_api.url, "inspector")
    await inspector.goto(f"{web_api.url}/#/history?status=closed&rule=no_chef_hat")
    row = await inspector.wait_for_selector(f"[data-testid=history] tr[data-event='{event.id}']")
    assert await row.get_attribute("data-status") == "closed"
    export = await inspector.get_attribute("[data-testid=export]", "href")
    assert export.startswith("/api/events/export.csv?") and "status=closed" in export and "rule=no_chef_hat" in export
    csv = await inspector.evaluate("(href) => fetch(href).then(r => r.text())", export)
    assert event.id in csv and ",closed," in csv
    await inspector.click(f"[data-testid=history] tr[data-event='{event.id}'] td:nth-child(2) a")
    await inspector.wait_for_selector("[data-testid=timeline] [data-step=approve]")
    steps = await data_of(inspector, "[data-testid=timeline] [data-step]", "step")
    assert steps == ["acknowledge", "rectify", "approve"]
    # Closed: an inspector may still record the verdict, nothing else.
    assert await data_of(inspector, "[data-action]", "action") == ["confirm"]
