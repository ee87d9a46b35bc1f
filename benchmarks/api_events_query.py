"""Benchmark of the api's history and live push (prints a table; not a test).

1. 1,000,000 events bulk-inserted into PostgreSQL (127.0.0.1:5432, a throw-away database):
   p50/p99 of filtered, paginated event queries through the api's own query code, and the rate
   of the streaming CSV export.
2. WebSocket fan-out: an api process on the embedded broker with 1,000 connected clients; one
   alert published to bk.events; p50/p99 delivery and the api's memory while holding them.

    .venv/bin/python benchmarks/api_events_query.py [--events 1000000] [--clients 1000]
"""

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import asyncpg
import httpx
import psutil
import websockets

from api.db import Database
from api.event_store import EventFilter, list_events
from api.routes.export import _csv
from api.users import create_user
from core.broker import EmbeddedBroker
from core.bus import KafkaPublisher, ensure_topics, wait_for_kafka
from core.catalog import CATALOG
from core.contracts import Event, event_id
from core.topics import EVENTS, topic_specs

PG = os.environ.get("BK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
SCHOOLS = [f"school-{i:03d}" for i in range(100)]
CAMERAS = {s: [f"{s}-cam-{j}" for j in range(8)] for s in SCHOOLS}
RULES = sorted(CATALOG)
STATUSES = ["closed"] * 60 + ["dismissed"] * 15 + ["open"] * 10 + ["acknowledged"] * 8 + ["rectified"] * 4 + \
    ["escalated"] * 3
DAY_MS = 86_400_000
COLUMNS = ["id", "rule", "tier", "state", "school_id", "kitchen_id", "camera_id", "zone", "started_ms",
           "last_seen_ms", "ended_ms", "score", "boxes", "rule_version", "message", "frame_width", "frame_height",
           "snapshot_path", "snapshot_sha256", "updates", "recorded_ms", "status", "status_ms"]


def _rows(n: int, now: int, first: int = 0) -> list[tuple[Any, ...]]:
    rnd = random.Random(first)
    out = []
    for i in range(first, first + n):
        school = rnd.choice(SCHOOLS)
        camera = rnd.choice(CAMERAS[school])
        rule = rnd.choice(RULES)
        started = now - rnd.randrange(90 * DAY_MS)
        out.append((f"ev_{i:024x}", rule, CATALOG[rule].tier, "closed", school, "cook", camera, None, started,
                    started + 5000, started + 9000, rnd.random(), "[]", "1", "", 640, 360,
                    f"snapshots/ev_{i:024x}.jpg", "0" * 64, 3, started + 100, rnd.choice(STATUSES), started + 60_000))
    return out


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def bench_queries(n_events: int) -> list[tuple[str, str]]:
    name = f"bk_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(PG)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    db = Database(url)
    results: list[tuple[str, str]] = []
    try:
        await db.migrate()
        now = int(time.time() * 1000)
        conn = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:5432/{name}")
        t0 = time.perf_counter()
        batch = 200_000
        for start in range(0, n_events, batch):
            await conn.copy_records_to_table("events", records=_rows(min(batch, n_events - start), now, start),
                                             columns=COLUMNS)
        await conn.execute("ANALYZE events")
        load_s = time.perf_counter() - t0
        await conn.close()
        results.append((f"bulk insert {n_events:,} events (COPY, indexes live)", f"{load_s:.1f} s"))

        rnd = random.Random(7)
        week = now - 7 * DAY_MS
        queries = {
            "district, newest 50": lambda: (EventFilter(), None),
            "one school (manager scope), newest 50":
                lambda: (EventFilter(scope=frozenset({rnd.choice(SCHOOLS)})), None),
            "school + status=open": lambda: (EventFilter(school_id=rnd.choice(SCHOOLS), status="open"), None),
            "rule + last 7 days": lambda: (EventFilter(rule=rnd.choice(RULES), since_ms=week), None),
            "camera + tier 1": lambda: (EventFilter(camera_id=rnd.choice(CAMERAS[rnd.choice(SCHOOLS)]), tier=1), None),
            "district status=escalated, tier 1": lambda: (EventFilter(status="escalated", tier=1), None),
            "school, page at a cursor 30 days back":
                lambda: (EventFilter(school_id=rnd.choice(SCHOOLS)), (now - 30 * DAY_MS, "ev_f")),
        }
        for label, make in queries.items():
            times = []
            for i in range(220):
                where, cursor = make()
                t = time.perf_counter()
                async with db.session() as session:
                    rows = await list_events(session, where, limit=51, cursor=cursor)
                if i >= 20:  # warm-up excluded
                    times.append((time.perf_counter() - t) * 1000)
                assert rows is not None
            results.append((f"query: {label}",
                            f"p50 {statistics.median(times):.1f} ms, p99 {_pct(times, 0.99):.1f} ms"))

        state = SimpleNamespace(db=db)
        for label, where in (("one school (~10k rows)", EventFilter(school_id=SCHOOLS[0])),
                             ("district, last 30 days (~330k rows)", EventFilter(since_ms=now - 30 * DAY_MS))):
            t = time.perf_counter()
            size = lines = 0
            async for chunk in _csv(state, where, "newest"):  # type: ignore[arg-type]
                size += len(chunk)
                lines += chunk.count(b"\n")
            took = time.perf_counter() - t
            results.append((f"CSV export: {label}",
                            f"{lines - 1:,} rows in {took:.1f} s = {(lines - 1) / took:,.0f} rows/s, "
                            f"{size / took / 1e6:.1f} MB/s"))
    finally:
        await db.close()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    return results


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def bench_fanout(n_clients: int) -> list[tuple[str, str]]:
    results: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp, EmbeddedBroker() as broker:
        await wait_for_kafka(broker.bootstrap)
        await ensure_topics(broker.bootstrap, topic_specs(6, 3))
        data = Path(tmp)
        db = Database(f"sqlite+aiosqlite:///{data / 'brightkitchen.db'}")
        await db.migrate()
        async with db.session() as session, session.begin():
            await create_user(session, "bench", "bench-password", "regulator")
        await db.close()
        port = _free_port()
        env = {**os.environ, "BK_KAFKA_BOOTSTRAP": broker.bootstrap, "BK_DATA_DIR": str(data),
               "BK_API_PORT": str(port), "BK_LOG_LEVEL": "WARNING"}
        proc = subprocess.Popen([sys.executable, "-m", "brightkitchen.cli", "api"], env=env,
                                stdout=subprocess.DEVNULL, stderr=open(data / "api.log", "wb"))  # noqa: SIM115
        base = f"http://127.0.0.1:{port}"
        clients: list[websockets.ClientConnection] = []
        try:
            async with httpx.AsyncClient(base_url=base) as http:
                for _ in range(300):
                    try:
                        if (await http.get("/readyz")).status_code == 200:
                            break
                    except httpx.HTTPError:
                        pass
                    await asyncio.sleep(0.1)
                token = (await http.post("/api/auth/login",
                                         json={"username": "bench", "password": "bench-password"})).json()["token"]
            rss_idle = psutil.Process(proc.pid).memory_info().rss
            url = f"ws://127.0.0.1:{port}/ws?frames=0&token={token}"
            for i in range(0, n_clients, 100):
                batch = min(100, n_clients - i)
                clients += await asyncio.gather(*(websockets.connect(url, max_queue=64) for _ in range(batch)))
            await asyncio.gather(*(c.recv() for c in clients))  # hello
            rss_held = psutil.Process(proc.pid).memory_info().rss
            now = int(time.time() * 1000)
            event = Event(id=event_id("cam-x", "rodent", None, now), rule="rodent", tier=1, state="open",
                          school_id="school-000", camera_id="cam-x", started_ms=now, last_seen_ms=now, score=0.9)

            async def arrival(ws: websockets.ClientConnection) -> float:
                while True:
                    msg = json.loads(await ws.recv())
                    if msg["type"] == "event":
                        return time.perf_counter()

            waiting = [asyncio.create_task(arrival(c)) for c in clients]
            async with KafkaPublisher(broker.bootstrap) as pub:
                await asyncio.sleep(0.5)
                sent = time.perf_counter()
                await pub.send_and_wait(EVENTS, event.encode(), key=b"cam-x")
                acked = time.perf_counter()
            arrivals = await asyncio.wait_for(asyncio.gather(*waiting), 60)
            lat = [(a - sent) * 1000 for a in arrivals]
            results.append((f"WS fan-out of one alert to {n_clients:,} clients (publish -> client)",
                            f"p50 {statistics.median(lat):.0f} ms, p99 {_pct(lat, 0.99):.0f} ms, "
                            f"max {max(lat):.0f} ms (broker ack {1000 * (acked - sent):.0f} ms)"))
            results.append((f"api RSS idle / holding {n_clients:,} WebSockets",
                            f"{rss_idle / 2**20:.0f} MiB / {rss_held / 2**20:.0f} MiB"))
        finally:
            await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)
            proc.terminate()
            proc.wait(20)
    return results


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=1000)
    args = parser.parse_args()
    rows = await bench_queries(args.events) + await bench_fanout(args.clients)
    width = max(len(k) for k, _ in rows)
    print(f"\n{'measure':<{width}}  result\n{'-' * width}  {'-' * 50}")
    for key, value in rows:
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    asyncio.run(main())
