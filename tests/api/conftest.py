"""Fixtures of the api suite: a migrated database on SQLite and on PostgreSQL, and a running api
(uvicorn on a free port, no broker) with a two-school site, a user of every role and events."""

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import httpx
import numpy as np
import pytest

from api.app import run
from api.db import Database
from api.event_store import upsert_event
from api.site_store import apply_site
from api.users import create_user
from core.contracts import Box, Event, event_id
from core.settings import Settings
from core.site import Site

PASSWORD = "correct-horse-1"
# name -> (role, school)
USERS: dict[str, tuple[str, str | None]] = {
    "admin": ("admin", None),
    "regulator": ("regulator", None),
    "inspector": ("inspector", None),
    "manager_a": ("canteen_manager", "school-a"),
    "manager_b": ("canteen_manager", "school-b"),
}
SITE = Site.model_validate({
    "district": "test district",
    "schools": [
        {"id": sid, "name": f"School {sid[-1].upper()}", "kitchens": [{"id": "cook", "name": "Cooking"}],
         "cameras": [{"id": f"cam-{sid[-1]}1", "name": "Stove", "kitchen": "cook", "url": "synthetic://kitchen"}]}
        for sid in ("school-a", "school-b")
    ],
})


def jpeg(shade: int = 120, size: tuple[int, int] = (160, 90)) -> bytes:
    img = np.full((size[1], size[0], 3), shade, np.uint8)
    return bytes(cv2.imencode(".jpg", img)[1].tobytes())


def png() -> bytes:
    return bytes(cv2.imencode(".png", np.zeros((8, 8, 3), np.uint8))[1].tobytes())


def make_event(school: str = "school-a", started: int | None = None, rule: str = "camera_blocked", tier: int = 1,
               state: str = "open", camera: str | None = None, score: float = 0.8) -> Event:
    started = started if started is not None else int(time.time() * 1000)
    camera = camera or f"cam-{school[-1]}1"
    return Event(
        id=event_id(camera, rule, None, started), rule=rule, tier=tier, state=state,  # type: ignore[arg-type]
        school_id=school, kitchen_id="cook", camera_id=camera, started_ms=started, last_seen_ms=started,
        ended_ms=started + 1000 if state == "closed" else None, score=score, frame_width=160, frame_height=90,
        boxes=[Box(x1=10, y1=10, x2=60, y2=50, label="blocked", score=score)],
    )


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 at production cost takes ~0.1 s per hash; the suite hashes hundreds of times."""
    from argon2 import PasswordHasher

    monkeypatch.setattr("api.auth.passwords._hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'bk.db'}"
    url: str = request.getfixturevalue("pg_database")
    return url


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = Database(db_url)
    await database.migrate()
    yield database
    await database.close()


async def seed(db: Database, media: Path) -> dict[str, Event]:
    """The test site, one user per role and one event per school (with a stored snapshot)."""
    from api.media import MediaStore

    await apply_site(db, SITE, "test")
    store = MediaStore(media)
    now = int(time.time() * 1000)  # recent: no deadline passes during a test
    events = {"a": make_event("school-a", started=now - 2000), "b": make_event("school-b", started=now - 1000)}
    async with db.session() as session, session.begin():
        for name, (role, school) in USERS.items():
            await create_user(session, name, PASSWORD, role, school)
        for ev in events.values():
            path, sha = store.save_snapshot(ev.id, jpeg())
            await upsert_event(session, ev, path, sha)
    return events


@dataclass
class RunningApi:
    url: str
    settings: Settings
    db: Database
    events: dict[str, Event]
    tokens: dict[str, str] = field(default_factory=dict)

    def client(self, who: str | None = None) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return httpx.AsyncClient(base_url=self.url, headers=headers, timeout=30)

    @property
    def ws_url(self) -> str:
        return self.url.replace("http", "ws", 1) + "/ws"


StartApi = Callable[..., Awaitable[RunningApi]]


@pytest.fixture
async def start_api(db_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> AsyncIterator[StartApi]:
    """Start an api (no broker) on the seeded database; keyword arguments override settings."""
    running: list[tuple[asyncio.Event, asyncio.Task[None], Database]] = []

    async def start(**overrides: Any) -> RunningApi:
        values: dict[str, Any] = {"data_dir": tmp_path, "database_url": db_url, "api_port": 0,
                                  "escalation_interval_s": 0.2, "webhook_retry_base_s": 0.05}
        settings = Settings(**(values | overrides))
        db = Database(db_url)
        await db.migrate()
        events = await seed(db, settings.resolved_media_dir) if not running else {}
        stop = asyncio.Event()
        url: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(run(settings, stop, on_listening=url.set_result, kafka=False))
        running.append((stop, task, db))
        api = RunningApi(await asyncio.wait_for(url, 30), settings, db, events)
        async with api.client() as client:
            for name in USERS:
                answer = await client.post("/api/auth/login", json={"username": name, "password": PASSWORD})
                assert answer.status_code == 200, answer.text
                api.tokens[name] = answer.json()["token"]
        return api

    yield start
    for stop, task, db in running:
        stop.set()
        await asyncio.wait_for(task, 20)
        await db.close()
    failures = [r.getMessage() for r in caplog.records if r.name.startswith("api") and r.levelname == "ERROR"]
    assert failures == [], "the api logged errors (a background task failed?)"


@pytest.fixture
async def api(start_api: StartApi) -> RunningApi:
    return await start_api()
