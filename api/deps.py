"""Typed dependencies for routes."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from api.state import ApiState


def get_state(request: Request) -> ApiState:
    state: ApiState = request.app.state.bk
    return state


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with get_state(request).db.session() as session:
        yield session


StateDep = Annotated[ApiState, Depends(get_state)]
SessionDep = Annotated[AsyncSession, Depends(get_session)]
