"""Log in and out, who am I, change my password."""

import asyncio
import math
import time
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from api import audit
from api.auth.passwords import verify_password
from api.auth.principal import Principal
from api.auth.tokens import Claims, issue
from api.deps import COOKIE, CurrentUser, SessionDep, StateDep, client_ip
from api.models import UserRow
from api.schemas import UserOut
from api.state import ApiState
from api.users import UserError, by_username, set_password

router = APIRouter(prefix="/api/auth", tags=["auth"])


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class PasswordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=8, max_length=256)


class LoginOut(BaseModel):
    token: str
    expires_ms: int
    user: UserOut


def _start_session(state: ApiState, response: Response, user: UserRow) -> LoginOut:
    expires_ms = int(time.time() * 1000) + state.settings.token_ttl_s * 1000
    token = issue(state.secret, Claims(user.id, user.token_version, expires_ms))
    response.set_cookie(
        COOKIE, token, max_age=state.settings.token_ttl_s, httponly=True, samesite="strict",
        secure=state.settings.env == "production", path="/",
    )
    return LoginOut(token=token, expires_ms=expires_ms, user=UserOut.of(user))


@router.post("/login", response_model=LoginOut, responses={401: {}, 429: {}})
async def login(body: LoginIn, request: Request, response: Response, state: StateDep, session: SessionDep) -> LoginOut:
    """Check the password; answer a signed token and set it as an HttpOnly cookie."""
    ip = client_ip(request)
    keys = [f"user:{body.username.lower()}", f"ip:{ip}"]
    wait = state.throttle.retry_after(keys)
    if wait > 0:
        raise HTTPException(429, detail=f"too many failed logins; try again in {math.ceil(wait)} s",
                            headers={"Retry-After": str(math.ceil(wait))})
    user = await by_username(session, body.username)
    ok = await asyncio.to_thread(verify_password, user.password_hash if user else None, body.password)
    if user is None or not ok or not user.active:
        state.throttle.failed(keys)
        audit.record(session, Principal(None, body.username, "anonymous"), "login_failed", "user",
                     body.username, client_ip=ip)
        await session.commit()
        raise HTTPException(401, detail="wrong username or password")
    state.throttle.succeeded(keys[:1])
    audit.record(session, Principal(user.id, user.username, user.role), "login", "user", user.username, client_ip=ip)
    await session.commit()
    return _start_session(state, response, user)


@router.post("/logout", status_code=204, response_class=Response)
async def logout(
    who: CurrentUser, request: Request, session: SessionDep,
    everywhere: Annotated[bool, Query(description="Also end every other session of this user.")] = False,
) -> Response:
    """Forget the session cookie; with ``everywhere`` every token of the user stops working."""
    if everywhere:
        user = await session.get(UserRow, who.user_id)
        if user is not None:
            user.token_version += 1
    audit.record(session, who, "logout", "user", who.username, {"everywhere": everywhere}, client_ip(request))
    await session.commit()
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return response


@router.get("/me", response_model=UserOut)
async def me(who: CurrentUser, session: SessionDep) -> UserOut:
    user = await session.get(UserRow, who.user_id)
    if user is None:
        raise HTTPException(401, detail="not authenticated")
    return UserOut.of(user)


@router.post("/password", response_model=LoginOut, responses={403: {}, 422: {}})
async def change_password(
    body: PasswordIn, who: CurrentUser, request: Request, response: Response, state: StateDep, session: SessionDep,
) -> LoginOut:
    """Change my password; every older token of mine stops working, a new one is returned."""
    user = await session.get(UserRow, who.user_id)
    if user is None:
        raise HTTPException(401, detail="not authenticated")
    if not await asyncio.to_thread(verify_password, user.password_hash, body.current_password):
        raise HTTPException(403, detail="the current password is wrong")
    try:
        await set_password(session, user, body.new_password)
    except UserError as exc:
        raise HTTPException(422, detail=str(exc)) from None
    audit.record(session, who, "password_changed", "user", who.username, client_ip=client_ip(request))
    await session.commit()
    return _start_session(state, response, user)
