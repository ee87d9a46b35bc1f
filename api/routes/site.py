"""The site configuration, for admins: read it, replace it (validated; nothing half-applied)."""

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel

from api.deps import AdminUser, SessionDep, StateDep, client_ip
from api.site_store import SiteError, apply_site, latest_site
from core.site import Site

router = APIRouter(prefix="/api/site", tags=["site"])


class SiteOut(BaseModel):
    site: Site
    stored: bool
    applied_ms: int | None = None
    applied_by: str | None = None


@router.get("", response_model=SiteOut, responses={404: {}})
async def get_site(_: AdminUser, state: StateDep, session: SessionDep) -> SiteOut:
    """The newest applied site (or, before any was stored, the one the api follows on bk.site)."""
    found = await latest_site(session)
    if found is not None:
        site, row = found
        return SiteOut(site=site, stored=True, applied_ms=row.applied_ms, applied_by=row.applied_by)
    if state.site is not None:
        return SiteOut(site=state.site, stored=False)
    raise HTTPException(404, detail="no site has been applied yet")


@router.put("", response_model=SiteOut, responses={422: {}})
async def put_site(site: Site, who: AdminUser, request: Request, state: StateDep) -> SiteOut:
    """Validate and store the site, then publish it to ingest and detect (no restart needed).
    A wrong field is a 422 whose ``loc`` is the path of the field."""
    try:
        stored = await apply_site(state.db, site, who, client_ip(request))
    except SiteError as exc:
        raise HTTPException(422, detail=str(exc)) from None
    if state.publish_site is not None:
        await state.publish_site(stored)
    state.site = stored
    return SiteOut(site=stored, stored=True)
