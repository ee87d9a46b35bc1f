"""What the command center lists: the violation types, and the schools in the caller's scope
with their cameras online and open cases."""

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import func, select

from api.deps import CurrentUser, SessionDep, StateDep
from api.models import EventRow
from core.catalog import CATALOG, RuleDefaults

router = APIRouter(prefix="/api", tags=["directory"])
OPEN_STATUSES = ("open", "acknowledged", "rectified", "escalated")


class SchoolOut(BaseModel):
    id: str
    name: str
    timezone: str
    cameras: int
    cameras_online: int
    open_cases: int


@router.get("/rules", response_model=list[RuleDefaults], responses={401: {}})
async def rules(who: CurrentUser) -> list[RuleDefaults]:
    """The violation types with their names (中文 and English), tier and default rule settings."""
    return list(CATALOG.values())


@router.get("/schools", response_model=list[SchoolOut], responses={401: {}})
async def schools(who: CurrentUser, state: StateDep, session: SessionDep) -> list[SchoolOut]:
    """Schools of the site in the caller's scope, with cameras online and open cases."""
    visible = [s for s in (state.site.schools if state.site else []) if who.sees(s.id)]
    query = (
        select(EventRow.school_id, func.count())
        .where(EventRow.status.in_(OPEN_STATUSES), EventRow.school_id.in_([s.id for s in visible]))
        .group_by(EventRow.school_id)
    )
    open_cases = {school: int(n) for school, n in (await session.execute(query)).all()}
    out = []
    for school in visible:
        online = sum(1 for c in school.cameras if (st := state.hub.statuses.get(c.id)) and st.state == "online")
        out.append(SchoolOut(
            id=school.id, name=school.name, timezone=school.schedule.timezone, cameras=len(school.cameras),
            cameras_online=online, open_cases=open_cases.get(school.id, 0),
        ))
    return out
