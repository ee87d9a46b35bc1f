"""The api role on a real Kafka-protocol broker: recorder, REST, scoped WebSocket push, dead
letters, and a site applied over REST reaching bk.site."""

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path

import cv2
import httpx
import numpy as np
import pytest
import websockets
from aiokafka import TopicPartition

from api.app import run
from api.db import Database
from api.site_store import apply_site
from api.users import create_user
from core.broker import EmbeddedBroker
from core.bus import KafkaPublisher, make_consumer
from core.contracts import Event, Frame, event_id
from core.settings import Settings
from core.site import Site
from core.topics import DLQ, EVENTS, FRAMES, SITE
from tests.api.conftest import SITE as TEST_SITE

pytestmark = pytest.mark.kafka
PASSWORD = "kafka-test-pw"


@pytest.fixture
async def api_url(fresh_broker: EmbeddedBroker, tmp_path: Path) -> AsyncIterator[str]:
    settings = Settings(kafka_bootstrap=fresh_broker.bootstrap, data_dir=tmp_path, api_port=0)
    db = Database(settings.resolved_database_url)
    await db.migrate()
    await apply_site(db, TEST_SITE, "test")
    async with db.session() as session, session.begin():
        await create_user(session, "admin", PASSWORD, "admin")
        await create_user(session, "mgr-b", PASSWORD, "canteen_manager", "school-b")
    await db.close()
    stop = asyncio.Event()
    url: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(run(settings, stop, on_listening=url.set_result))
    base = await asyncio.wait_for(url, 30)
    async with httpx.AsyncClient(base_url=base) as client:
        for _ in range(100):
            if (await client.get("/readyz")).status_code == 200:
                break
            await asyncio.sleep(0.1)
    yield base
    stop.set()
    await asyncio.wait_for(task, 20)


async def _token(base: str, username: str) -> str:
    async with httpx.AsyncClient(base_url=base) as client:
        answer = await client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        token: str = answer.json()["token"]
        return token


def _jpeg() -> bytes:
    img = np.full((90, 160, 3), 120, np.uint8)
    cv2.putText(img, "cam", (10, 50), cv2.FONT_HERSHEY_SIMPLEX, 1, (255, 255, 255), 2)
    return bytes(cv2.imencode(".jpg", img)[1].tobytes())


async def _next_event(ws: websockets.ClientConnection, timeout: float) -> dict[str, object] | None:
    """The next event message within ``timeout`` (frames and heartbeats skipped), or None."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            msg = await asyncio.wait_for(ws.recv(), left)
        except TimeoutError:
            return None
        if isinstance(msg, str) and json.loads(msg)["type"] == "event":
            event: dict[str, object] = json.loads(msg)["event"]
            return event
    return None


async def test_event_reaches_websocket_rest_and_database(api_url: str, fresh_broker: EmbeddedBroker) -> None:
    jpeg = _jpeg()
    admin, manager_b = await _token(api_url, "admin"), await _token(api_url, "mgr-b")
    now = int(time.time() * 1000)
    event = Event(
        id=event_id("cam-9", "camera_blocked", None, now), rule="camera_blocked", tier=1, state="open",
        school_id="school-a", camera_id="cam-9", started_ms=now, last_seen_ms=now, score=0.9, snapshot_jpeg=jpeg,
    )
    ws_url = api_url.replace("http", "ws") + "/ws"
    async with websockets.connect(f"{ws_url}?token={admin}") as ws, \
            websockets.connect(f"{ws_url}?token={manager_b}&frames=0") as other, \
            KafkaPublisher(fresh_broker.bootstrap) as pub:
        hello = json.loads(await ws.recv())
        assert hello["type"] == "hello" and hello["user"]["role"] == "admin"
        assert json.loads(await other.recv())["type"] == "hello"
        frame = Frame("cam-9", "school-a", now, 1, 160, 90, jpeg)
        await pub.send_and_wait(FRAMES, jpeg, key=frame.key, headers=frame.headers())
        await pub.send_and_wait(EVENTS, event.encode(), key=b"cam-9")
        await pub.send_and_wait(EVENTS, b"{not json", key=b"cam-9")
        got_event = got_frame = False
        while not (got_event and got_frame):
            msg = await asyncio.wait_for(ws.recv(), 15)
            if isinstance(msg, bytes):
                assert msg[:1] == b"F" and msg.endswith(jpeg)
                got_frame = True
            elif json.loads(msg)["type"] == "event":
                live = json.loads(msg)["event"]
                assert live["id"] == event.id and "snapshot_jpeg" not in live
                got_event = True
        assert await _next_event(other, 1.0) is None  # school B's manager sees nothing of school A

    headers = {"Authorization": f"Bearer {admin}"}
    async with httpx.AsyncClient(base_url=api_url, headers=headers) as client:
        for _ in range(100):
            items = (await client.get("/api/events")).json()["items"]
            if any(i["id"] == event.id for i in items):
                break
            await asyncio.sleep(0.1)
        assert [i["id"] for i in items] == [event.id] and items[0]["status"] == "open"
        snap = await client.get(items[0]["snapshot_url"])
        assert snap.status_code == 200 and snap.content == jpeg
        assert (await client.get("/api/events/nope")).status_code == 404
        assert (await client.get("/api/events/..%2F..%2Fetc%2Fpasswd/snapshot.jpg")).status_code == 404
        assert (await client.get("/api/events", params={"cursor": "garbage!"})).status_code == 400
        cams = (await client.get("/api/cameras")).json()
        assert any(c["id"] == "cam-9" for c in cams)
        assert (await httpx.AsyncClient(base_url=api_url).get("/api/events")).status_code == 401

    consumer = make_consumer(fresh_broker.bootstrap, offset_reset="earliest")
    await consumer.start()
    try:
        consumer.assign([TopicPartition(DLQ, 0)])
        await consumer.seek_to_beginning()
        batch = await consumer.getmany(timeout_ms=5000)
        letters = [m for msgs in batch.values() for m in msgs]
        assert letters and letters[0].value == b"{not json"
        reason = dict(letters[0].headers)["bk-dlq-reason"].decode()
        assert "event" in reason
    finally:
        with contextlib.suppress(Exception):
            await consumer.stop()


async def test_site_put_is_stored_then_published(api_url: str, fresh_broker: EmbeddedBroker) -> None:
    admin = await _token(api_url, "admin")
    body = TEST_SITE.model_dump(mode="json") | {"district": "renamed district"}
    async with httpx.AsyncClient(base_url=api_url, headers={"Authorization": f"Bearer {admin}"}) as client:
        answer = await client.put("/api/site", json=body)
        assert answer.status_code == 200, answer.text
        version = answer.json()["site"]["version"]
        assert version > TEST_SITE.version
    consumer = make_consumer(fresh_broker.bootstrap, offset_reset="earliest")
    await consumer.start()
    try:
        consumer.assign([TopicPartition(SITE, 0)])
        await consumer.seek_to_beginning()
        batch = await consumer.getmany(timeout_ms=5000)
        sites = [Site.decode(m.value) for msgs in batch.values() for m in msgs]
        assert sites and sites[-1].district == "renamed district" and sites[-1].version == version
    finally:
        with contextlib.suppress(Exception):
            await consumer.stop()
