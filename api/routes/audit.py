"""The audit log, for admins and regulators."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from api import audit
from api.auth.principal import Principal
from api.deps import SessionDep, require_role

router = APIRouter(prefix="/api/audit", tags=["audit"])


class AuditOut(BaseModel):
    id: int
    at_ms: int
    actor: str
    action: str
    target_type: str
    target_id: str
    detail: dict[str, Any]
    client_ip: str | None


@router.get("", response_model=list[AuditOut])
async def audit_log(
    _: Annotated[Principal, Depends(require_role("admin", "regulator"))],
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before_id: Annotated[int | None, Query(ge=0, le=2**31)] = None,
) -> list[AuditOut]:
    """Newest first; pass the last ``id`` as ``before_id`` for the next page."""
    rows = await audit.recent(session, limit, before_id)
    return [AuditOut(id=r.id, at_ms=r.at_ms, actor=r.actor, action=r.action, target_type=r.target_type,
                     target_id=r.target_id, detail=r.detail, client_ip=r.client_ip) for r in rows]
