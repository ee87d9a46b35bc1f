"""End-to-end load: broker, api, D detector processes and ingest as separate processes, N
synthetic cameras at 5 fps, a WebSocket client timestamping each alert on arrival.

    .venv/bin/python benchmarks/e2e_load.py --cameras 8,16,24 --detectors 1,2 --seconds 45 --out load.json
    .venv/bin/python benchmarks/e2e_load.py --cameras 8 --detectors 2 --kill-detector

Per run it reports capture-to-WebSocket alert latency p50/p95/p99, frames/s through detection,
frames skipped as stale, the detectors' consumer lag, CPU and peak RSS of every role, and scripted
incidents vs alerts received (missing, duplicated).

Latency: from the capture time of the frame that completed the dwell (the open event's
``last_seen_ms``: the incident machine opens on that frame and stamps it) to the moment the open
event arrives on the WebSocket. The rule's dwell itself (3 s for camera_blocked) is not latency.
All processes share one clock (one machine), so no clock skew enters.

Cameras: three in four are quiet kitchens (1 cook), one in four busy (4 cooks); every camera is
covered once (camera_blocked, 6 s) at a staggered, known time. Default rules (people, hats,
masks, ...) run on every frame, so detection cost is realistic. The embedded broker uses one frames
topic here (no time buckets) so no bucket rebalance falls inside a short run.

--kill-detector SIGKILLs detector 1 of 2 mid-run and reports how long its cameras took to resume.
"""

import argparse
import asyncio
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx
import psutil
import websockets

from core.broker import EmbeddedBroker, free_port
from core.bus import KafkaPublisher, ensure_topics, wait_for_kafka
from core.site import Site
from core.site_feed import publish_site
from core.topics import topic_specs

PASSWORD = "bench-password-1"
ALL_DAY = {d: ["00:00-23:59"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
FIRST_COVER_S, COVER_S, SPREAD_S = 12.0, 6.0, 20.0


class Proc:
    """``python -m brightkitchen.cli ROLE`` with its own environment and log file."""

    def __init__(self, role: str, env: dict[str, str], logs: Path, name: str) -> None:
        self.name = name
        self.log_path = logs / f"{name}.log"
        out = open(self.log_path, "wb")  # noqa: SIM115 - the child owns it
        self.proc = subprocess.Popen([sys.executable, "-m", "brightkitchen.cli", role], env={**os.environ, **env},
                                     stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        out.close()
        self.ps = psutil.Process(self.proc.pid)
        self.ps.cpu_percent(None)
        self.cpu_s0 = sum(self.ps.cpu_times()[:2])
        self.peak_rss = 0
        self.cpu_s = 0.0

    def sample(self) -> None:
        with contextlib.suppress(psutil.Error):
            self.peak_rss = max(self.peak_rss, self.ps.memory_info().rss)
            self.cpu_s = sum(self.ps.cpu_times()[:2]) - self.cpu_s0

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def cover_at(i: int, n: int) -> float:
    return FIRST_COVER_S + (i * SPREAD_S / max(1, n)) % SPREAD_S


def make_site(n: int) -> Site:
    cams = []
    for i in range(n):
        people = 4 if i % 4 == 3 else 1
        url = f"synthetic://kitchen?seed={i}&people={people}&fps=5&script=cover@{cover_at(i, n):.1f}+{COVER_S:g}"
        cams.append({"id": f"cam-{i:03d}", "name": f"cam {i}", "kitchen": "k", "url": url})
    return Site.model_validate({"schools": [{
        "id": "school-1", "name": "School 1", "kitchens": [{"id": "k", "name": "K"}], "cameras": cams,
        "schedule": {"working_hours": ALL_DAY},
    }]})


async def prepare(data_dir: Path, site: Site) -> None:
    from api.db import Database
    from api.site_store import apply_site
    from api.users import create_user
    from core.settings import Settings

    db = Database(Settings(data_dir=data_dir).resolved_database_url)
    try:
        await db.migrate()
        await apply_site(db, site, "bench")
        async with db.session() as session, session.begin():
            await create_user(session, "regulator", PASSWORD, "regulator", None)
    finally:
        await db.close()


def scrape(port: int) -> str:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    except httpx.HTTPError:
        return ""


def total(text: str, name: str) -> float:
    return sum(float(m[1]) for m in re.finditer(rf"^{name}(?:{{[^}}]*}})? (\S+)$", text, re.M))


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


@dataclass
class Result:
    cameras: int
    detectors: int
    seconds: float
    latency_p50_s: float | None = None
    latency_p95_s: float | None = None
    latency_p99_s: float | None = None
    alerts: int = 0
    scripted: int = 0
    missing: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    detect_fps: float = 0.0
    offered_fps: float = 0.0
    stale: float = 0.0
    max_lag: float = 0.0
    roles: dict[str, dict[str, float]] = field(default_factory=dict)
    takeover_s: float | None = None


async def run_once(n: int, detectors: int, seconds: float, kill_detector: bool) -> Result:
    site = make_site(n)
    result = Result(n, detectors, seconds, scripted=n)
    with tempfile.TemporaryDirectory(prefix="bk-load-") as tmp, EmbeddedBroker() as broker:
        data = Path(tmp)
        await wait_for_kafka(broker.bootstrap)
        await ensure_topics(broker.bootstrap, topic_specs(6, 3))
        await prepare(data, site)
        port = free_port()
        env = {"BK_KAFKA_BOOTSTRAP": broker.bootstrap, "BK_DATA_DIR": str(data), "BK_API_PORT": str(port),
               "BK_LOG_JSON": "true", "BK_SESSION_TIMEOUT_MS": "6000"}
        mports = [free_port() for _ in range(detectors)]
        procs = [Proc("api", env, data, "api")]
        procs += [Proc("detect", {**env, "BK_METRICS_PORT": str(p)}, data, f"detect-{i + 1}")
                  for i, p in enumerate(mports)]
        base = f"http://127.0.0.1:{port}"
        try:
            await wait_ready(base, mports)
            async with KafkaPublisher(broker.bootstrap) as pub:
                await publish_site(pub, site)
            token = (await asyncio.to_thread(httpx.post, f"{base}/api/auth/login",
                                             json={"username": "regulator", "password": PASSWORD})).json()["token"]
            opens: dict[str, list[tuple[str, float]]] = {}
            latencies: list[float] = []
            async with websockets.connect(f"ws://127.0.0.1:{port}/ws?frames=0&token={token}", max_size=None) as ws:
                ingest = Proc("ingest", env, data, "ingest")
                procs.append(ingest)
                started = time.time()
                frames0: float | None = None
                t_frames0 = 0.0
                killed_at: float | None = None
                orphans: set[str] = set()
                resumed: dict[str, float] = {}
                while time.time() - started < seconds:
                    with contextlib.suppress(TimeoutError):
                        msg = json.loads(await asyncio.wait_for(ws.recv(), 0.5))
                        if msg.get("type") == "event" and msg["event"]["state"] == "open":
                            ev = msg["event"]
                            if ev["rule"] == "camera_blocked":
                                latencies.append(time.time() - ev["last_seen_ms"] / 1000)
                                opens.setdefault(ev["camera_id"], []).append((ev["id"], time.time()))
                    for p in procs:
                        p.sample()
                    elapsed = time.time() - started
                    if frames0 is None and elapsed > 10:  # steady state: after start-up
                        texts0 = [await asyncio.to_thread(scrape, p) for p in mports]
                        frames0 = sum(total(t, "bk_detect_frames_total") for t in texts0)
                        t_frames0 = time.time()
                    if kill_detector and killed_at is None and elapsed > FIRST_COVER_S + 4 and detectors > 1:
                        text = await asyncio.to_thread(scrape, mports[0])
                        orphans = {m[1] for m in re.finditer(r'camera_last_capture_ms\{camera_id="([^"]+)"\}', text)}
                        procs[1].stop(signal.SIGKILL)
                        killed_at = time.time()
                    if killed_at is not None and set(resumed) != orphans:
                        text = await asyncio.to_thread(scrape, mports[1])
                        for m in re.finditer(r'camera_last_capture_ms\{camera_id="([^"]+)"\} (\S+)', text):
                            if m[1] in orphans and m[1] not in resumed and float(m[2]) > killed_at * 1000:
                                resumed[m[1]] = time.time() - killed_at
                live = [p for i, p in enumerate(mports) if not (kill_detector and i == 0)]
                texts = [await asyncio.to_thread(scrape, p) for p in live]
                frames1 = sum(total(t, "bk_detect_frames_total") for t in texts)
                if kill_detector:
                    frames0 = None  # the dead worker's count is gone: no rate over the run
                result.detect_fps = (frames1 - frames0) / (time.time() - t_frames0) if frames0 is not None else 0.0
                result.offered_fps = n * 5.0
                result.stale = sum(total(t, "bk_detect_frames_stale_total") for t in texts)
                result.max_lag = max((float(m[1]) for t in texts
                                      for m in re.finditer(r"^bk_detect_consumer_lag\{[^}]*\} (\S+)$", t, re.M)),
                                     default=0.0)
                if kill_detector and orphans:
                    result.takeover_s = max(resumed.values()) if set(resumed) == orphans else None
            result.alerts = sum(len({i for i, _ in v}) for v in opens.values())
            result.missing = sorted({c["id"] for s in site.schools for c in s.model_dump()["cameras"]} - set(opens))
            result.duplicated = sorted(c for c, v in opens.items() if len({i for i, _ in v}) > 1)
            if latencies:
                result.latency_p50_s, result.latency_p95_s, result.latency_p99_s = (
                    pct(latencies, 50), pct(latencies, 95), pct(latencies, 99))
            result.roles = {p.name: {"cpu_pct": round(100 * p.cpu_s / (time.time() - started), 1),
                                     "peak_rss_mb": round(p.peak_rss / 2**20, 1)} for p in procs}
        finally:
            for p in reversed(procs):
                p.stop()
    return result


async def wait_ready(base: str, mports: list[int], timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(f"{base}/readyz", timeout=2)).status_code == 200:
                    owned = [re.search(r"^bk_detect_partitions_assigned (\S+)$", await asyncio.to_thread(scrape, p),
                                       re.M) for p in mports]
                    if all(o and float(o[1]) > 0 for o in owned) and sum(float(o[1]) for o in owned if o) == 6:
                        return
            await asyncio.sleep(0.5)
    raise TimeoutError("the api or the detector group did not get ready")


def table(results: list[Result]) -> str:
    head = (f"{'N':>4} {'D':>2} {'p50 s':>6} {'p95 s':>6} {'p99 s':>6} {'fps in':>6} {'fps det':>7} {'stale':>6} "
            f"{'lag':>5} {'alerts':>7} {'miss':>4} {'dup':>4} {'takeover':>8}  cpu% / peak MB per role")
    lines = [head]
    for r in results:
        def f(v: float | None) -> str:
            return f"{v:6.2f}" if v is not None else "     -"
        roles = "  ".join(f"{k} {v['cpu_pct']:.0f}%/{v['peak_rss_mb']:.0f}" for k, v in r.roles.items())
        lines.append(f"{r.cameras:>4} {r.detectors:>2} {f(r.latency_p50_s)} {f(r.latency_p95_s)} {f(r.latency_p99_s)} "
                     f"{r.offered_fps:6.0f} {r.detect_fps:7.1f} {r.stale:6.0f} {r.max_lag:5.0f} "
                     f"{r.alerts:>3}/{r.scripted:<3} {len(r.missing):>4} {len(r.duplicated):>4} "
                     f"{(f'{r.takeover_s:.1f} s' if r.takeover_s is not None else '-'):>8}  {roles}")
    return "\n".join(lines)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cameras", default="8,16", help="comma list of camera counts (the sweep)")
    parser.add_argument("--detectors", default="1,2", help="comma list of detector process counts")
    parser.add_argument("--seconds", type=float, default=45.0, help="length of each run")
    parser.add_argument("--kill-detector", action="store_true", help="SIGKILL detector 1 of 2 mid-run")
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    args = parser.parse_args()
    results: list[Result] = []
    for d in [int(x) for x in args.detectors.split(",")]:
        for n in [int(x) for x in args.cameras.split(",")]:
            r = await run_once(n, d, args.seconds, args.kill_detector and d > 1)
            results.append(r)
            print(table([r]).splitlines()[-1], flush=True)
            if r.latency_p99_s is not None and r.latency_p99_s >= 1.0:
                break  # past the knee for this detector count
    print(f"\nmachine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end")
    print(table(results))
    for d in sorted({r.detectors for r in results}):
        ok = [r.cameras for r in results if r.detectors == d and r.latency_p99_s is not None
              and r.latency_p99_s < 1.0 and not r.missing and not r.duplicated]
        print(f"largest N with p99 < 1 s, nothing missing or doubled, {d} detector(s): {max(ok) if ok else 'none'}")
    if args.out:
        args.out.write_text(json.dumps([asdict(r) for r in results], indent=1))


if __name__ == "__main__":
    asyncio.run(main())
