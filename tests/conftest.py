"""Shared fixtures: a real Kafka-protocol broker (Tansu) and the PostgreSQL server of this machine."""

import asyncio
import logging
import os
import uuid
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from core.broker import EmbeddedBroker
from core.bus import ensure_topics, wait_for_kafka
from core.topics import topic_specs

PG_ADMIN_URL = os.environ.get("BK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(autouse=True)
def _root_logging_restored() -> Iterator[None]:
    """A CLI test runs ``setup_logging``, which points the root logger at the stderr that
    CliRunner captures and then closes; a thread logging afterwards (a camera reader of a later
    test) would hit "I/O operation on closed file". Such a handler is removed after the test, and
    the root level restored (pytest's own capture handlers come and go per phase by themselves)."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if type(handler) is logging.StreamHandler and handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture(scope="session")
def broker() -> Iterator[EmbeddedBroker]:
    """One embedded broker for the session, with the project's topics created."""
    with EmbeddedBroker() as b:
        asyncio.run(_prepare(b.bootstrap))
        yield b


async def _prepare(bootstrap: str) -> None:
    await wait_for_kafka(bootstrap)
    await ensure_topics(bootstrap, topic_specs(frame_partitions=6, event_partitions=3))


@pytest.fixture
def fresh_broker() -> Iterator[EmbeddedBroker]:
    """A broker of the test's own, for tests that need empty topics."""
    with EmbeddedBroker() as b:
        asyncio.run(_prepare(b.bootstrap))
        yield b


@pytest.fixture
def unique() -> str:
    return uuid.uuid4().hex[:8]


def _run_in_thread(coro: "Coroutine[Any, Any, None]") -> None:
    """Run a coroutine on a loop of its own, so sync fixtures work inside async tests."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coro).result()


async def _pg_admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN_URL, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for one test; yields its SQLAlchemy async URL."""
    pytest.importorskip("asyncpg")
    name = f"bk_test_{uuid.uuid4().hex[:10]}"
    try:
        _run_in_thread(_pg_admin(f'CREATE DATABASE "{name}"'))
    except OSError as exc:  # pragma: no cover - CI starts PostgreSQL
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc}")
    yield f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    _run_in_thread(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
