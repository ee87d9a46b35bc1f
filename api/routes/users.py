"""User administration, for admins."""

import asyncio

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from api import audit
from api.auth.passwords import hash_password
from api.auth.principal import Role
from api.deps import AdminUser, SessionDep, client_ip
from api.models import UserRow
from api.schemas import UserOut
from api.users import UserError, create_user

router = APIRouter(prefix="/api/users", tags=["users"])
_USERNAME = r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$"


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(pattern=_USERNAME)
    password: str = Field(min_length=8, max_length=256)
    role: Role
    school_id: str | None = Field(None, max_length=64, description="Required for a canteen_manager.")
    display_name: str = Field("", max_length=100)


class UserPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    active: bool | None = None
    password: str | None = Field(None, min_length=8, max_length=256, description="Ends the user's sessions.")
    display_name: str | None = Field(None, max_length=100)


@router.get("", response_model=list[UserOut])
async def list_users(_: AdminUser, session: SessionDep) -> list[UserOut]:
    rows = (await session.execute(select(UserRow).order_by(UserRow.username))).scalars()
    return [UserOut.of(u) for u in rows]


@router.post("", response_model=UserOut, status_code=201, responses={409: {}, 422: {}})
async def add_user(body: UserIn, who: AdminUser, request: Request, session: SessionDep) -> UserOut:
    try:
        user = await create_user(session, body.username, body.password, body.role, body.school_id, body.display_name)
    except UserError as exc:
        raise HTTPException(409 if "taken" in str(exc) else 422, detail=str(exc)) from None
    audit.record(session, who, "user_added", "user", user.username, {"role": user.role, "school_id": user.school_id},
                 client_ip(request))
    await session.commit()
    return UserOut.of(user)


@router.patch("/{user_id}", response_model=UserOut, responses={404: {}})
async def change_user(user_id: int, body: UserPatch, who: AdminUser, request: Request, session: SessionDep) -> UserOut:
    """Disable or enable a user, or set a new password; either ends the user's sessions."""
    user = await session.get(UserRow, user_id) if -2**31 <= user_id < 2**31 else None
    if user is None:
        raise HTTPException(404, detail=f"no user {user_id}")
    if body.password is not None:
        user.password_hash = await asyncio.to_thread(hash_password, body.password)
        user.token_version += 1
    if body.active is not None and body.active != user.active:
        user.active = body.active
        user.token_version += 1
    if body.display_name is not None:
        user.display_name = body.display_name
    audit.record(session, who, "user_changed", "user", user.username,
                 {"active": body.active, "password": body.password is not None}, client_ip(request))
    await session.commit()
    return UserOut.of(user)
