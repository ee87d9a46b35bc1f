"""The webhook worker: claims due deliveries (a conditional UPDATE, so replicas never send one
twice at once), posts them, and retries failures with exponential backoff."""

import asyncio
import contextlib
import logging
import time

import httpx
from sqlalchemy import select, update

from api.db import Database
from api.models import DeliveryRow, WebhookRow
from api.webhooks.formats import SIGNATURE_HEADER, body, dingtalk_url, signature
from core.settings import Settings

log = logging.getLogger(__name__)
LEASE_MS = 60_000
BATCH = 50


async def _claim(db: Database, now_ms: int) -> list[tuple[DeliveryRow, WebhookRow]]:
    claimed = []
    async with db.session() as session:
        due = (await session.execute(
            select(DeliveryRow, WebhookRow).join(WebhookRow, WebhookRow.id == DeliveryRow.webhook_id)
            .where(DeliveryRow.status == "pending", DeliveryRow.next_ms <= now_ms)
            .order_by(DeliveryRow.next_ms).limit(BATCH)
        )).all()
        for delivery, hook in due:
            result = await session.execute(
                update(DeliveryRow).where(DeliveryRow.id == delivery.id, DeliveryRow.next_ms == delivery.next_ms,
                                          DeliveryRow.status == "pending")
                .values(next_ms=now_ms + LEASE_MS).execution_options(synchronize_session=False)
            )
            if result.rowcount == 1:  # type: ignore[attr-defined]
                claimed.append((delivery, hook))
        await session.commit()
    return claimed


async def send(client: httpx.AsyncClient, delivery: DeliveryRow, hook: WebhookRow, now_ms: int) -> None:
    """One attempt; raises on a network error or a non-2xx answer (DingTalk/WeCom: errcode != 0)."""
    payload = body(hook.format, delivery.trigger, delivery.payload, now_ms)
    headers = {"Content-Type": "application/json; charset=utf-8", "X-BK-Delivery": str(delivery.id),
               "X-BK-Trigger": delivery.trigger}
    url = hook.url
    if hook.secret:
        headers[SIGNATURE_HEADER] = signature(hook.secret, payload)
        if hook.format == "dingtalk":
            url = dingtalk_url(url, hook.secret, now_ms)
    response = await client.post(url, content=payload, headers=headers)
    response.raise_for_status()
    if hook.format in ("wecom", "dingtalk"):
        try:
            code = response.json().get("errcode", 0)
        except ValueError:
            code = 0
        if code:
            raise RuntimeError(f"robot answered errcode {code}: {response.text[:200]}")


async def deliver_due(db: Database, settings: Settings, client: httpx.AsyncClient) -> int:
    """Send every due delivery once; returns how many succeeded."""
    now_ms = int(time.time() * 1000)
    ok = 0
    for delivery, hook in await _claim(db, now_ms):
        values: dict[str, object]
        try:
            await send(client, delivery, hook, now_ms)
            values = {"status": "delivered", "attempts": delivery.attempts + 1, "last_error": ""}
            ok += 1
        except (httpx.HTTPError, RuntimeError) as exc:
            attempts = delivery.attempts + 1
            wait_ms = int(settings.webhook_retry_base_s * 1000 * 2 ** (attempts - 1))
            gave_up = attempts >= settings.webhook_max_attempts
            values = {"status": "failed" if gave_up else "pending", "attempts": attempts,
                      "next_ms": now_ms + wait_ms, "last_error": str(exc)[:500] or type(exc).__name__}
            log.warning("webhook %s delivery %s attempt %d failed: %s", hook.id, delivery.id, attempts, exc)
        async with db.session() as session:
            await session.execute(update(DeliveryRow).where(DeliveryRow.id == delivery.id).values(**values))
            await session.commit()
    return ok


async def run_deliveries(db: Database, settings: Settings, stop: asyncio.Event, poll_s: float = 0.5) -> None:
    async with httpx.AsyncClient(timeout=settings.webhook_timeout_s, follow_redirects=False) as client:
        while not stop.is_set():
            try:
                await deliver_due(db, settings, client)
            except Exception:
                log.exception("webhook worker failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=poll_s)
