"""WS /ws: live alerts and camera status as JSON text, live pictures as binary messages."""

import asyncio
import contextlib
import json
import logging

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from api.deps import COOKIE, authenticate, bearer_or_cookie
from api.live import Client
from api.state import ApiState

router = APIRouter(tags=["live"])
log = logging.getLogger(__name__)
HEARTBEAT_S = 15.0
UNAUTHENTICATED = 4401


@router.websocket("/ws")
async def live(websocket: WebSocket) -> None:
    """Authenticated at connect (the session cookie or ``?token=``); close code 4401 otherwise.
    Each client receives only the schools of its user's scope."""
    state: ApiState = websocket.app.state.bk
    token = websocket.query_params.get("token") or bearer_or_cookie(
        websocket.headers.get("authorization"), websocket.cookies.get(COOKIE))
    async with state.db.session() as session:
        who = await authenticate(state, session, token)
    await websocket.accept()
    if who is None:
        await websocket.close(code=UNAUTHENTICATED, reason="not authenticated: log in first")
        return
    frames = websocket.query_params.get("frames", "1") != "0"
    client = Client(school_ids=who.school_ids, want_frames=frames)
    state.hub.add(client)
    await websocket.send_text(json.dumps({
        "type": "hello",
        "user": {"username": who.username, "role": who.role, "school_id": who.school_id},
        "statuses": [s.model_dump() for s in state.hub.statuses.values() if client.sees(s.school_id)],
    }))
    tasks = [
        asyncio.create_task(_send_text(websocket, client)),
        asyncio.create_task(_send_frames(websocket, client)),
        asyncio.create_task(_receive(websocket, client)),
    ]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        state.hub.remove(client)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
                await task
        with contextlib.suppress(RuntimeError, WebSocketDisconnect):
            await websocket.close(code=1013 if client.dropped else 1000)


async def _send_text(ws: WebSocket, client: Client) -> None:
    while not client.dropped:
        try:
            text = await asyncio.wait_for(client.queue.get(), timeout=HEARTBEAT_S)
        except TimeoutError:
            text = json.dumps({"type": "heartbeat"})
        await ws.send_text(text)


async def _send_frames(ws: WebSocket, client: Client) -> None:
    """Send the newest picture of each camera; a slow client simply gets fewer pictures."""
    while not client.dropped:
        await client.frames_ready.wait()
        client.frames_ready.clear()
        pending, client.frames = client.frames, {}
        for message in pending.values():
            await ws.send_bytes(message)


async def _receive(ws: WebSocket, client: Client) -> None:
    while True:
        text = await ws.receive_text()
        try:
            msg = json.loads(text)
        except ValueError:
            continue
        if isinstance(msg, dict) and msg.get("type") == "frames":
            client.want_frames = bool(msg.get("on", True))
            cameras = msg.get("cameras")
            if isinstance(cameras, list):  # only these cameras' pictures (the visible tiles)
                client.cameras = frozenset(str(c) for c in cameras[:256])
            elif "cameras" in msg and cameras is None:
                client.cameras = None
