"""The faults of ``e2e_load.py``'s failure runs: a database server that really stops, a camera
stream that really dies, and the stored-events check afterwards.

The database is a PostgreSQL server of the run's own (initdb in a temporary directory, a free
port): ``--stop-db`` stops that server (``pg_ctl stop -m fast``: connections cut, port closed)
and starts it again, exactly as stopping a production database would, without taking down the
machine's shared cluster that other test runs use.
"""

import asyncio
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.broker import free_port
from tests.ingest.streams import StreamServer


def _bindir() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if found:
        return found[-1].parent
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl is None:
        raise RuntimeError("--stop-db needs PostgreSQL's server binaries (apt-get install postgresql)")
    return Path(pg_ctl).parent


class PrivatePostgres:
    """A throwaway PostgreSQL server: ``with PrivatePostgres() as pg: pg.url``."""

    def __init__(self) -> None:
        self.bin = _bindir()
        self.root = Path(tempfile.mkdtemp(prefix="bk-load-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.url = f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"
        self._as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as_postgres, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> None:
        opts = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", opts, "-l", str(self.root / "pg.log"),
                  "-w", "start")

    def stop(self) -> None:
        """Stop the server: open connections are cut, new ones refused."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def __enter__(self) -> "PrivatePostgres":
        if self._as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


async def outage(pg: PrivatePostgres, seconds: float) -> float:
    """Stop the server for ``seconds``; returns when it accepts connections again (pg_ctl -w)."""
    await asyncio.to_thread(pg.stop)
    stopped = time.monotonic()
    await asyncio.sleep(seconds)
    await asyncio.to_thread(pg.start)
    return time.monotonic() - stopped


class StreamCamera:
    """An HTTP-MJPEG camera that can lose power and come back on the same address."""

    def __init__(self, fps: float = 5.0) -> None:
        self.fps = fps
        self.server: StreamServer | None = StreamServer("mjpeg", fps=fps, size=(640, 360))
        self.port = self.server.port
        self.url = self.server.url

    def kill(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def revive(self) -> None:
        self.server = StreamServer("mjpeg", port=self.port, fps=self.fps, size=(640, 360))

    def close(self) -> None:
        self.kill()


@contextlib.contextmanager
def stream_camera(enabled: bool) -> Iterator[StreamCamera | None]:
    camera = StreamCamera() if enabled else None
    try:
        yield camera
    finally:
        if camera is not None:
            camera.close()


async def stored_covers(base: str, token: str, cameras: list[str], wait_s: float = 90) -> dict[str, list[str]]:
    """camera → ids of its stored camera_blocked events, once every camera has one and all are
    closed (or after ``wait_s``: the recorder may still be catching up after an outage)."""
    deadline = time.monotonic() + wait_s
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=10) as client:
        while True:
            with contextlib.suppress(httpx.HTTPError):
                answer = await client.get("/api/events", params={"rule": "camera_blocked", "limit": 500})
                if answer.status_code == 200:
                    items = answer.json()["items"]
                    found: dict[str, list[str]] = {c: [] for c in cameras}
                    for ev in items:
                        found.setdefault(ev["camera_id"], []).append(ev["id"])
                    done = all(found[c] for c in cameras) and all(ev["state"] == "closed" for ev in items)
                    if done or time.monotonic() > deadline:
                        return found
            if time.monotonic() > deadline:
                return {}
            await asyncio.sleep(2)
