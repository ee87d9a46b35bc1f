"""Users: creation, lookup, password changes, and the demo's known users."""

import time

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.passwords import hash_password, verify_password
from api.auth.principal import ROLES, Principal
from api.db import Database
from api.models import SchoolRow, UserRow


class UserError(ValueError):
    """A user cannot be created or changed as asked; the text says why."""


def principal(user: UserRow) -> Principal:
    return Principal(user.id, user.username, user.role, user.school_id)


async def create_user(
    session: AsyncSession, username: str, password: str, role: str, school_id: str | None = None,
    display_name: str = "",
) -> UserRow:
    """Add a user; a canteen manager needs exactly one school, district roles none."""
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}; expected one of {list(ROLES)}")
    if role == "canteen_manager":
        if not school_id:
            raise UserError("a canteen_manager needs a school (--school ID)")
        if await session.get(SchoolRow, school_id) is None:
            raise UserError(f"no school {school_id!r} in the applied site")
    elif school_id:
        raise UserError(f"a {role} is district-wide and takes no school")
    try:
        hashed = hash_password(password)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    user = UserRow(
        username=username, display_name=display_name or username, password_hash=hashed, role=role,
        school_id=school_id, token_version=1, active=True, created_ms=int(time.time() * 1000),
    )
    session.add(user)
    try:
        await session.flush()
    except IntegrityError:
        raise UserError(f"username {username!r} is taken") from None
    return user


async def by_username(session: AsyncSession, username: str) -> UserRow | None:
    return (await session.execute(select(UserRow).where(UserRow.username == username))).scalar_one_or_none()


async def set_password(session: AsyncSession, user: UserRow, password: str) -> None:
    """New password; bumping the token version ends every session of the old one."""
    try:
        user.password_hash = hash_password(password)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    user.token_version += 1


def demo_users(school_ids: list[str]) -> list[tuple[str, str, str, str | None]]:
    base: list[tuple[str, str, str, str | None]] = [
        ("admin", "demo-admin", "admin", None),
        ("regulator", "demo-regulator", "regulator", None),
        ("inspector", "demo-inspector", "inspector", None),
    ]
    return base + [(f"manager-{s}", f"demo-manager-{s}", "canteen_manager", s) for s in school_ids]


async def ensure_demo_users(db: Database) -> list[tuple[str, str, str, str | None]]:
    """Create the demo's users (admin, regulator, inspector, one manager per school of the stored
    site) where missing. Returns (username, password, role, school) of each demo user whose password
    is still the demo one, for ``up`` to print. Only for BK_ENV=demo: the passwords are public."""
    async with db.session() as session, session.begin():
        schools = list((await session.execute(select(SchoolRow.id).order_by(SchoolRow.id))).scalars())
        out = []
        for username, password, role, school in demo_users(schools):
            user = await by_username(session, username)
            if user is None:
                await create_user(session, username, password, role, school)
                out.append((username, password, role, school))
            elif verify_password(user.password_hash, password):
                out.append((username, password, role, school))
        return out
