"""The audit log: every action, written in the same transaction as the change it records."""

import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.principal import Principal
from api.models import AuditRow


def now_ms() -> int:
    return int(time.time() * 1000)


def record(
    session: AsyncSession, who: Principal, action: str, target_type: str, target_id: str,
    detail: dict[str, Any] | None = None, client_ip: str | None = None,
) -> None:
    session.add(AuditRow(
        at_ms=now_ms(), actor_id=who.user_id, actor=who.username, action=action, target_type=target_type,
        target_id=target_id, detail=detail or {}, client_ip=client_ip,
    ))


async def recent(session: AsyncSession, limit: int = 100, before_id: int | None = None) -> list[AuditRow]:
    query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(AuditRow.id < before_id)
    return list((await session.execute(query)).scalars())
