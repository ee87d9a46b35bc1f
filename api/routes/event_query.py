"""The query parameters shared by the event list and the CSV export, scoped to the caller."""

import base64
import binascii
from typing import Annotated, Literal

from fastapi import Depends, HTTPException, Query

from api.deps import CurrentUser
from api.event_store import EventFilter
from api.workflow import STATUSES
from core.catalog import CATALOG

_ONE_STATUS = "(" + "|".join(STATUSES) + ")"
_STATUS_PATTERN = f"^{_ONE_STATUS}(,{_ONE_STATUS})*$"
_ID = Query(max_length=64)


def event_filter(
    who: CurrentUser,
    school_id: Annotated[str | None, _ID] = None,
    camera_id: Annotated[str | None, _ID] = None,
    rule: Annotated[str | None, _ID] = None,
    tier: Annotated[int | None, Query(ge=1, le=3)] = None,
    state: Annotated[str | None, Query(pattern="^(open|update|closed)$")] = None,
    status: Annotated[str | None, Query(pattern=_STATUS_PATTERN, max_length=200,
                                        description="One status, or several separated by commas.")] = None,
    since_ms: Annotated[int | None, Query(ge=0, le=2**53)] = None,
    until_ms: Annotated[int | None, Query(ge=0, le=2**53)] = None,
) -> EventFilter:
    if rule is not None and rule not in CATALOG:
        raise HTTPException(400, detail=f"unknown rule {rule!r}; expected one of {sorted(CATALOG)}")
    return EventFilter(
        scope=who.school_ids, school_id=school_id, camera_id=camera_id, rule=rule, tier=tier, state=state,
        status=status, since_ms=since_ms, until_ms=until_ms,
    )


FilterDep = Annotated[EventFilter, Depends(event_filter)]
OrderQuery = Annotated[Literal["newest", "oldest"], Query(description="newest first (default) or oldest first")]


def encode_cursor(started_ms: int, ident: str) -> str:
    return base64.urlsafe_b64encode(f"{started_ms}:{ident}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[int, str]:
    try:
        ms, ident = base64.urlsafe_b64decode(cursor.encode()).decode().split(":", 1)
        return int(ms), ident
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise HTTPException(400, detail="cursor is not one this api handed out") from None
