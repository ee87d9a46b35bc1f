"""The applied site in the database: every version as JSON plus normalised schools, kitchens and
cameras (for scoping and names). Applying is one transaction: nothing is half-applied."""

import time

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api import audit
from api.auth.principal import Principal
from api.db import Database
from api.models import CameraRow, KitchenRow, SchoolRow, SiteVersionRow
from core.placement import with_slots
from core.site import Site

MAX_VERSION = 2**31 - 1  # the column is a 32-bit INTEGER on PostgreSQL


class SiteError(ValueError):
    """The site cannot be stored as given; the text names the field."""


async def apply_site(db: Database, site: Site, actor: Principal | str, client_ip: str | None = None) -> Site:
    """Store ``site`` as the newest version and replace the normalised rows, in one transaction.

    Returns the stored site, whose ``version`` is above every stored one, with every camera's
    placement slot written in (cameras keep the slots the stored site gave them). The caller publishes
    it to ``bk.site`` only after this returns (``core.site_feed.publish_site``), so ingest and
    detect never run a site the database does not hold.
    """
    if site.version > MAX_VERSION:
        raise SiteError(f"version: {site.version} is above {MAX_VERSION}")
    who = actor if isinstance(actor, Principal) else Principal(None, actor, "system")
    async with db.session() as session, session.begin():
        newest = (await session.execute(select(func.max(SiteVersionRow.version)))).scalar_one_or_none() or 0
        previous = await latest_site(session)
        stored = with_slots(site, previous[0] if previous is not None else None)
        stored = stored.model_copy(update={"version": max(site.version, newest + 1)})
        if stored.version > MAX_VERSION:
            raise SiteError(f"version: the stored versions reached {MAX_VERSION}")
        session.add(SiteVersionRow(
            version=stored.version, body=stored.model_dump_json(), applied_ms=int(time.time() * 1000),
            applied_by=who.username,
        ))
        await _replace_rows(session, stored)
        audit.record(session, who, "site_applied", "site", str(stored.version), {
            "schools": len(stored.schools), "cameras": len(stored.cameras()),
        }, client_ip)
    return stored


async def _replace_rows(session: AsyncSession, site: Site) -> None:
    await session.execute(delete(CameraRow))
    await session.execute(delete(KitchenRow))
    await session.execute(delete(SchoolRow))
    for school in site.schools:
        session.add(SchoolRow(id=school.id, name=school.name, timezone=school.schedule.timezone))
    await session.flush()
    for school in site.schools:
        session.add_all(KitchenRow(school_id=school.id, id=k.id, name=k.name) for k in school.kitchens)
        session.add_all(
            CameraRow(id=c.id, school_id=school.id, kitchen_id=c.kitchen, name=c.name, enabled=c.enabled)
            for c in school.cameras
        )


async def latest_site(session: AsyncSession) -> tuple[Site, SiteVersionRow] | None:
    query = select(SiteVersionRow).order_by(SiteVersionRow.id.desc()).limit(1)
    row = (await session.execute(query)).scalar_one_or_none()
    if row is None:
        return None
    return Site.model_validate_json(row.body), row
