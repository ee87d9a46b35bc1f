"""`brightkitchen up`: the embedded broker and every role as child processes of one command.

Children die with the supervisor (PR_SET_PDEATHSIG) and are stopped in order on Ctrl-C, so no
broker or role outlives it. A role that crashes is restarted with backoff.
"""

import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from brightkitchen.memory import MemoryWatch
from core.broker import EmbeddedBroker, free_port
from core.bus import KafkaPublisher, ensure_topics, wait_for_kafka
from core.frame_janitor import tidy_once
from core.procs import child_preexec
from core.settings import Settings
from core.site import Site
from core.site_feed import publish_site
from core.topics import topic_specs

log = logging.getLogger(__name__)
ROLES = ("api", "detect", "ingest")
EMBEDDED_BUCKET_S = 120
EMBEDDED_RETENTION_S = 300


@dataclass
class Child:
    role: str
    env: dict[str, str]
    log_path: Path
    proc: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    started: float = field(default=0.0)

    def start(self) -> None:
        out = open(self.log_path, "ab")  # noqa: SIM115 - the child owns it
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "brightkitchen.cli", self.role],
            env=self.env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            preexec_fn=child_preexec,
        )
        out.close()
        self.started = time.monotonic()

    def stop(self, timeout_s: float = 10.0) -> None:
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def metrics_ports(api_port: int) -> dict[str, int]:
    """The metrics port of ingest and detect: the api's port + 1 and + 2 (the api serves its own
    /metrics); free ports when the api's port is chosen by the system (0)."""
    if api_port == 0:
        return {"ingest": free_port(), "detect": free_port()}
    return {"ingest": api_port + 1, "detect": api_port + 2}


def role_env(env: dict[str, str], role: str, ports: dict[str, int]) -> dict[str, str]:
    """The environment of one role's process: the shared one plus its BK_METRICS_PORT."""
    out = {k: v for k, v in env.items() if k != "BK_METRICS_PORT"}
    if role in ports:
        out["BK_METRICS_PORT"] = str(ports[role])
    return out


async def _store_site(settings: Settings, site: Site) -> tuple[Site, list[tuple[str, str, str, str | None]]]:
    """Migrate the database, store the site as a new version, create the demo users (demo only)."""
    from api.db import Database
    from api.site_store import apply_site
    from api.users import ensure_demo_users

    db = Database(settings.resolved_database_url)
    try:
        await db.migrate()
        stored = await apply_site(db, site, "up")
        users = await ensure_demo_users(db) if settings.env == "demo" else []
    finally:
        await db.close()
    return stored, users


async def _publish_site(bootstrap: str, site: Site) -> None:
    async with KafkaPublisher(bootstrap, client_id="up") as publisher:
        await publish_site(publisher, site)


async def _wait_http(url: str, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get(url, timeout=1.0)).status_code == 200:
                    return True
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    return False


async def run_up(settings: Settings, site: Site, echo: Callable[[str], None]) -> int:
    """Run everything until SIGINT/SIGTERM; returns the exit code."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    logs = settings.data_dir / "logs"
    logs.mkdir(exist_ok=True)
    broker: EmbeddedBroker | None = None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    children: list[Child] = []
    try:
        bootstrap = settings.kafka_bootstrap
        env = {**os.environ}
        if not bootstrap:
            broker = EmbeddedBroker(log_file=logs / "broker.log").start()
            bootstrap = broker.bootstrap
            # The embedded broker enforces no retention: frames go to time buckets deleted whole.
            env.setdefault("BK_FRAME_BUCKET_S", str(EMBEDDED_BUCKET_S))
            env.setdefault("BK_FRAME_RETENTION_S", str(EMBEDDED_RETENTION_S))
            settings = settings.model_copy(update={
                "frame_bucket_s": int(env["BK_FRAME_BUCKET_S"]),
                "frame_retention_s": int(env["BK_FRAME_RETENTION_S"]),
            })
            echo(f"embedded Kafka broker (Tansu) on {bootstrap}; frames kept {settings.frame_retention_s} s "
                 f"in {settings.frame_bucket_s} s buckets")
        await wait_for_kafka(bootstrap)
        await ensure_topics(bootstrap, topic_specs(settings.frame_partitions, settings.event_partitions))
        await tidy_once(bootstrap, settings.frame_topics)
        site, demo_users = await _store_site(settings, site)
        await _publish_site(bootstrap, site)
        env.update({"BK_KAFKA_BOOTSTRAP": bootstrap, "BK_DATA_DIR": str(settings.data_dir.resolve())})
        env.setdefault("BK_METRICS_HOST", settings.api_host)  # the demo's metrics where its api is
        env.pop("BK_SITE_FILE", None)
        ports = metrics_ports(settings.api_port)
        children = [Child(role, role_env(env, role, ports), logs / f"{role}.log") for role in ROLES]
        for child in children:
            child.start()
        url = f"http://{settings.api_host}:{settings.api_port}"
        echo("metrics: api " + f"{url}/metrics, " + ", ".join(
            f"{role} http://{settings.api_host}:{port}/metrics" for role, port in ports.items()))
        if await _wait_http(f"{url}/healthz", 60):
            cams = len(site.cameras())
            echo(f"brightkitchen is up: open {url}  ({len(site.schools)} schools, {cams} cameras; logs in {logs})")
            for username, password, role, school in demo_users:
                echo(f"  demo user {username:<22} password {password:<26} {role}" + (f" of {school}" if school else ""))
            echo("press Ctrl-C to stop")
        else:
            echo(f"the api did not answer on {url} within 60 s; see {logs / 'api.log'}")
        watch = MemoryWatch(settings.memory_ceiling_mb)
        next_report = time.monotonic() + 10
        while not stop.is_set():
            if time.monotonic() >= next_report:
                next_report = time.monotonic() + settings.memory_report_s
                pids = {"broker": broker.pid} if broker is not None and broker.pid else {}
                pids.update({c.role: c.proc.pid for c in children if c.proc is not None})
                line, warning = watch.report(watch.sample(pids))
                echo(line)
                if warning:
                    echo(warning)
            for child in children:
                if child.proc is not None and child.proc.poll() is not None and not stop.is_set():
                    code = child.proc.returncode
                    delay = min(2 ** child.restarts, 30)
                    echo(f"{child.role} exited with code {code}; restarting in {delay} s (see {child.log_path})")
                    child.restarts += 1
                    await asyncio.sleep(delay)
                    child.start()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=1.0)
        echo("stopping…")
        return 0
    finally:
        for child in reversed(children):  # ingest first, then detect, then api
            child.stop()
        if broker is not None:
            broker.stop()
