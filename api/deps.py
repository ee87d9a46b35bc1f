"""Typed dependencies for routes: state, database session, and the authenticated caller."""

import time
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.principal import Principal
from api.auth.tokens import TokenError, verify
from api.models import UserRow
from api.state import ApiState
from api.users import principal

COOKIE = "bk_session"


def get_state(request: Request) -> ApiState:
    state: ApiState = request.app.state.bk
    return state


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with get_state(request).db.session() as session:
        yield session


StateDep = Annotated[ApiState, Depends(get_state)]
SessionDep = Annotated[AsyncSession, Depends(get_session)]


def bearer_or_cookie(authorization: str | None, cookie: str | None) -> str | None:
    if authorization and authorization[:7].lower() == "bearer ":
        return authorization[7:].strip() or None
    return cookie or None


async def authenticate(state: ApiState, session: AsyncSession, token: str | None) -> Principal | None:
    """The user a token belongs to, or None if it is missing, forged, expired or revoked."""
    if not token:
        return None
    try:
        claims = verify(state.secret, token, int(time.time() * 1000))
    except TokenError:
        return None
    user = await session.get(UserRow, claims.user_id)
    if user is None or not user.active or user.token_version != claims.version:
        return None
    return principal(user)


async def current_user(request: Request, state: StateDep, session: SessionDep) -> Principal:
    token = bearer_or_cookie(request.headers.get("authorization"), request.cookies.get(COOKIE))
    who = await authenticate(state, session, token)
    if who is None:
        raise HTTPException(401, detail="not authenticated: log in at POST /api/auth/login",
                            headers={"WWW-Authenticate": "Bearer"})
    return who


CurrentUser = Annotated[Principal, Depends(current_user)]


def require_role(*roles: str) -> Callable[[Principal], Coroutine[Any, Any, Principal]]:
    """A dependency that lets only these roles through (403 names the roles allowed)."""

    async def check(who: CurrentUser) -> Principal:
        if who.role not in roles:
            raise HTTPException(403, detail=f"a {who.role} may not do this; allowed: {', '.join(roles)}")
        return who

    return check


AdminUser = Annotated[Principal, Depends(require_role("admin"))]


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None
