"""Webhooks, for admins: where alerts are pushed (generic JSON, WeCom, DingTalk robots)."""

import time

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from api import audit
from api.deps import AdminUser, SessionDep, client_ip
from api.models import DeliveryRow, WebhookRow
from api.webhooks.formats import TRIGGERS, Format, Trigger

router = APIRouter(prefix="/api/webhooks", tags=["webhooks"])


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)
    url: str = Field(pattern=r"^https?://[^\s]+$", max_length=1000)
    format: Format = "generic"
    secret: str | None = Field(None, min_length=1, max_length=200,
                               description="Signs X-BK-Signature; for DingTalk, the robot's 加签 secret.")
    triggers: list[Trigger] = Field(default_factory=lambda: list(TRIGGERS), min_length=1)
    max_tier: int = Field(3, ge=1, le=3, description="Only alerts of tier 1..max_tier (1 is the most severe).")
    school_ids: list[str] = Field(default_factory=list, max_length=1000, description="Empty: every school.")
    enabled: bool = True


class WebhookOut(BaseModel):
    id: int
    name: str
    url: str
    format: str
    has_secret: bool
    triggers: list[str]
    max_tier: int
    school_ids: list[str]
    enabled: bool

    @classmethod
    def of(cls, row: WebhookRow) -> "WebhookOut":
        return cls(id=row.id, name=row.name, url=row.url, format=row.format, has_secret=bool(row.secret),
                   triggers=row.triggers, max_tier=row.max_tier, school_ids=row.school_ids, enabled=row.enabled)


class DeliveryOut(BaseModel):
    id: int
    trigger: str
    event_id: str
    status: str
    attempts: int
    next_ms: int
    last_error: str


def _id_ok(ident: int) -> bool:
    return -2**31 <= ident < 2**31


async def _get(session: SessionDep, webhook_id: int) -> WebhookRow:
    row = await session.get(WebhookRow, webhook_id) if _id_ok(webhook_id) else None
    if row is None:
        raise HTTPException(404, detail=f"no webhook {webhook_id}")
    return row


@router.get("", response_model=list[WebhookOut])
async def list_webhooks(_: AdminUser, session: SessionDep) -> list[WebhookOut]:
    return [WebhookOut.of(r) for r in (await session.execute(select(WebhookRow).order_by(WebhookRow.id))).scalars()]


@router.post("", response_model=WebhookOut, status_code=201)
async def add_webhook(body: WebhookIn, who: AdminUser, request: Request, session: SessionDep) -> WebhookOut:
    row = WebhookRow(**body.model_dump(), created_ms=int(time.time() * 1000))
    session.add(row)
    await session.flush()
    audit.record(session, who, "webhook_added", "webhook", str(row.id), {"url": row.url}, client_ip(request))
    await session.commit()
    return WebhookOut.of(row)


@router.put("/{webhook_id}", response_model=WebhookOut, responses={404: {}})
async def replace_webhook(
    webhook_id: int, body: WebhookIn, who: AdminUser, request: Request, session: SessionDep,
) -> WebhookOut:
    """Replace a webhook's settings (a missing ``secret`` keeps the stored one)."""
    row = await _get(session, webhook_id)
    for key, value in body.model_dump(exclude_none=True).items():
        setattr(row, key, value)
    audit.record(session, who, "webhook_changed", "webhook", str(row.id), {"url": row.url}, client_ip(request))
    await session.commit()
    return WebhookOut.of(row)


@router.delete("/{webhook_id}", status_code=204, response_class=Response, responses={404: {}})
async def delete_webhook(webhook_id: int, who: AdminUser, request: Request, session: SessionDep) -> Response:
    row = await _get(session, webhook_id)
    await session.delete(row)
    audit.record(session, who, "webhook_deleted", "webhook", str(webhook_id), {"url": row.url}, client_ip(request))
    await session.commit()
    return Response(status_code=204)


@router.get("/{webhook_id}/deliveries", response_model=list[DeliveryOut], responses={404: {}})
async def deliveries(webhook_id: int, _: AdminUser, session: SessionDep) -> list[DeliveryOut]:
    """The newest 100 deliveries of a webhook, with their attempts and last error."""
    await _get(session, webhook_id)
    rows = (await session.execute(select(DeliveryRow).where(DeliveryRow.webhook_id == webhook_id)
                                  .order_by(DeliveryRow.id.desc()).limit(100))).scalars()
    return [DeliveryOut(id=d.id, trigger=d.trigger, event_id=d.event_id, status=d.status, attempts=d.attempts,
                        next_ms=d.next_ms, last_error=d.last_error) for d in rows]
