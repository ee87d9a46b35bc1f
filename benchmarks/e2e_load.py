"""End-to-end load: broker, api, D detector processes and ingest as separate processes, N
synthetic cameras at 5 fps, a WebSocket client timestamping each alert on arrival.

    .venv/bin/python benchmarks/e2e_load.py --cameras 8,16,24 --detectors 1,2 --seconds 45 --out load.json
    .venv/bin/python benchmarks/e2e_load.py --cameras 8 --detectors 2 --kill-detector
    .venv/bin/python benchmarks/e2e_load.py --cameras 8 --detectors 1 --stop-db --kill-stream

Per run it reports capture-to-WebSocket alert latency p50/p95/p99, frames/s through detection,
frames skipped as stale, the detectors' consumer lag, cameras each detector carries at the end,
CPU and peak RSS of every role, and scripted incidents vs alerts received (missing, duplicated).

Latency: from the capture time of the frame that completed the dwell (the open event's
``last_seen_ms``: the incident machine opens on that frame and stamps it) to the moment the open
event arrives on the WebSocket. The rule's dwell itself (3 s for camera_blocked) is not latency.
All processes share one clock (one machine), so no clock skew enters.

Cameras (--mix): "staffed" (the default): three in four kitchens with one cook walking and pausing,
one in four busy (4 cooks); "quiet": of every four, two empty kitchens (stove burning, nobody in
view: most of a school kitchen's 24 hours), one with one cook, one busy. Every camera is
covered once (camera_blocked, 6 s) at a staggered, known time. Default rules (people, hats,
masks, ...) run on every frame, so detection cost is realistic. The embedded broker uses one frames
topic here (no time buckets) so no bucket rebalance falls inside a short run.

Failure runs (flags, combinable; each fault starts 16 s into the run, while covers are open):
--kill-detector SIGKILLs detector 1 of 2 and reports how long its cameras took to resume.
--stop-db runs the api on a PostgreSQL server of the run's own and stops that server for 30 s
  (``pg_ctl stop -m fast``, then start: connections cut, port closed); the recorder waits and
  retries. The machine's shared PostgreSQL cluster is never touched.
--detector-cpu F gives each detector process a cgroup CPU quota of F cores (cpu_budget.py, root):
  the scaling ratio (largest N for D=2 / D=1) on a machine without a core per detector.
--kill-stream adds an HTTP-MJPEG camera, kills its server for 10 s and brings it back on the same
  address; the WebSocket must show online, offline, online, in that order.
After --kill-detector and --stop-db the stored events are checked too: every scripted cover
stored exactly once (a line under the run's row: covers stored once / scripted, missing, doubled).
A cover missing both on /ws and in the database was never detected (an overloaded detector skips
stale frames); one alerted on /ws but not stored was lost by the recorder.
"""

import argparse
import asyncio
import contextlib
import json
import re
import signal
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
import websockets

from core.broker import EmbeddedBroker, free_port
from core.bus import KafkaPublisher, ensure_topics, wait_for_kafka
from core.site import Site
from core.site_feed import publish_site
from core.topics import topic_specs

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cpu_budget import CpuBudget, CpuBudgetError
from load_faults import PrivatePostgres, StreamCamera, outage, stored_covers, stream_camera
from load_procs import Proc
from load_report import Result, pct, report, table

PASSWORD = "bench-password-1"
ALL_DAY = {d: ["00:00-23:59"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
FIRST_COVER_S, COVER_S, SPREAD_S = 12.0, 6.0, 20.0
FAULT_AT_S, DB_OUTAGE_S, STREAM_DOWN_S = FIRST_COVER_S + 4, 30.0, 10.0
STREAM_CAMERA = "cam-stream"


def cover_at(i: int, n: int) -> float:
    return FIRST_COVER_S + (i * SPREAD_S / max(1, n)) % SPREAD_S


def scripted(n: int) -> list[str]:
    return [f"cam-{i:03d}" for i in range(n)]


MIXES = {"staffed": (1, 1, 1, 4), "quiet": (0, 1, 0, 4)}  # people in view, camera i by (i // 2) mod 4


def people_in_view(i: int, mix: str) -> int:
    """Camera i's people. By (i // 2), not i: the detector group deals cameras by partition and
    camera i sits on partition i mod 6, so with two detectors one would get every even camera;
    by i mod 4 that would put every busy kitchen on one detector."""
    return MIXES[mix][(i // 2) % 4]


def make_site(n: int, stream_url: str | None = None, mix: str = "staffed") -> Site:
    cams = []
    for i, cid in enumerate(scripted(n)):
        people = people_in_view(i, mix)
        url = f"synthetic://kitchen?seed={i}&people={people}&fps=5&script=cover@{cover_at(i, n):.1f}+{COVER_S:g}"
        cams.append({"id": cid, "name": f"cam {i}", "kitchen": "k", "url": url})
    if stream_url is not None:  # last in the site: it moves no scripted camera to another partition
        cams.append({"id": STREAM_CAMERA, "name": "stream", "kitchen": "k", "url": stream_url})
    return Site.model_validate({"schools": [{
        "id": "school-1", "name": "School 1", "kitchens": [{"id": "k", "name": "K"}], "cameras": cams,
        "schedule": {"working_hours": ALL_DAY},
    }]})


async def prepare(data_dir: Path, site: Site, db_url: str | None = None) -> None:
    from api.db import Database
    from api.site_store import apply_site
    from api.users import create_user
    from core.settings import Settings

    db = Database(db_url or Settings(data_dir=data_dir).resolved_database_url)
    try:
        await db.migrate()
        await apply_site(db, site, "bench")
        async with db.session() as session, session.begin():
            await create_user(session, "regulator", PASSWORD, "regulator", None)
    finally:
        await db.close()


def scrape(port: int) -> str:
    return scrape_url(f"http://127.0.0.1:{port}/metrics")


def scrape_url(url: str) -> str:
    try:
        return httpx.get(url, timeout=5).text
    except httpx.HTTPError:
        return ""


def total(text: str, name: str) -> float:
    return sum(float(m[1]) for m in re.finditer(rf"^{name}(?:{{[^}}]*}})? (\S+)$", text, re.M))


@dataclass
class Faults:
    kill_detector: bool = False
    stop_db: bool = False
    kill_stream: bool = False

    def names(self) -> list[str]:
        return [k.replace("_", "-") for k, v in asdict(self).items() if v]


class StreamFault:
    """Kill the stream camera once it is online, revive it once offline showed (and at least
    STREAM_DOWN_S passed), and time both statuses on /ws."""

    def __init__(self, camera: StreamCamera, result: Result) -> None:
        self.camera, self.result = camera, result
        self.killed_at: float | None = None
        self.revived_at: float | None = None

    def observe(self, state: str) -> None:
        states = self.result.stream_states
        if states and states[-1] == state:
            return
        states.append(state)
        if state == "offline" and self.killed_at is not None and self.result.stream_offline_s is None:
            self.result.stream_offline_s = time.time() - self.killed_at
        if state == "online" and self.revived_at is not None and self.result.stream_online_s is None:
            self.result.stream_online_s = time.time() - self.revived_at

    def tick(self, elapsed: float) -> None:
        states = self.result.stream_states
        if self.killed_at is None and elapsed > FAULT_AT_S and states[-1:] == ["online"]:
            self.camera.kill()
            self.killed_at = time.time()
        elif (self.revived_at is None and self.killed_at is not None and states[-1:] == ["offline"]
              and time.time() - self.killed_at >= STREAM_DOWN_S):
            self.camera.revive()
            self.revived_at = time.time()

    @property
    def done(self) -> bool:
        return self.result.stream_online_s is not None


async def run_once(
    n: int, detectors: int, seconds: float, faults: Faults, budget: CpuBudget | None, mix: str = "staffed"
) -> Result:
    result = Result(n, detectors, seconds, scripted=n, faults=faults.names(), mix=mix)
    with contextlib.ExitStack() as stack:
        if budget is not None:
            stack.callback(budget.close)  # fresh groups (and throttling counts) for every run
        data = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bk-load-")))
        broker = stack.enter_context(EmbeddedBroker())
        pg = stack.enter_context(PrivatePostgres()) if faults.stop_db else None
        stream = stack.enter_context(stream_camera(faults.kill_stream))
        site = make_site(n, stream.url if stream is not None else None, mix)
        await wait_for_kafka(broker.bootstrap)
        await ensure_topics(broker.bootstrap, topic_specs(6, 3))
        await prepare(data, site, pg.url if pg is not None else None)
        port = free_port()
        env = {"BK_KAFKA_BOOTSTRAP": broker.bootstrap, "BK_DATA_DIR": str(data), "BK_API_PORT": str(port),
               "BK_LOG_JSON": "true", "BK_SESSION_TIMEOUT_MS": "6000"}
        if pg is not None:
            env["BK_DATABASE_URL"] = pg.url
        mports = [free_port() for _ in range(detectors)]
        procs = [Proc("api", env, data, "api")]
        procs += [Proc("detect", {**env, "BK_METRICS_PORT": str(p)}, data, f"detect-{i + 1}")
                  for i, p in enumerate(mports)]
        if budget is not None:
            for p in procs[1:]:
                budget.limit(p.name, p.proc.pid)
        base = f"http://127.0.0.1:{port}"
        try:
            await wait_ready(base, mports)
            async with KafkaPublisher(broker.bootstrap) as pub:
                await publish_site(pub, site)
            token = (await asyncio.to_thread(httpx.post, f"{base}/api/auth/login",
                                             json={"username": "regulator", "password": PASSWORD})).json()["token"]
            run = LoadRun(result, faults, base, token, mports, procs, pg, stream)
            async with websockets.connect(f"ws://127.0.0.1:{port}/ws?frames=0&token={token}", max_size=None) as ws:
                procs.append(Proc("ingest", env, data, "ingest"))
                await run.drive(ws, seconds)
            if budget is not None:
                for p in procs[1 : 1 + detectors]:
                    result.roles[p.name].update(budget.throttled(p.name))
            await run.check_stored()
        finally:
            for p in reversed(procs):
                p.stop()
    return result


class LoadRun:
    """One run's loop: alerts and statuses from /ws, resource samples, the faults, the metrics."""

    def __init__(self, result: Result, faults: Faults, base: str, token: str, mports: list[int], procs: list[Proc],
                 pg: PrivatePostgres | None, stream: StreamCamera | None) -> None:
        self.result, self.faults, self.base, self.token = result, faults, base, token
        self.mports, self.procs, self.pg = mports, procs, pg
        self.stream = StreamFault(stream, result) if stream is not None else None
        self.opens: dict[str, list[str]] = {}
        self.latencies: list[float] = []
        self.killed_at: float | None = None
        self.orphans: set[str] = set()
        self.resumed: dict[str, float] = {}
        self.outage: asyncio.Task[float] | None = None

    def finished(self, elapsed: float, seconds: float) -> bool:
        if elapsed < seconds:
            return False
        if elapsed > seconds + 120:  # a fault that never resolved: report what was seen
            return True
        db_back = self.outage is None or self.outage.done() if self.faults.stop_db else True
        taken_over = not self.faults.kill_detector or set(self.resumed) == self.orphans
        return db_back and taken_over and (self.stream is None or self.stream.done)

    async def drive(self, ws: websockets.ClientConnection, seconds: float) -> None:
        started = time.time()
        frames0: float | None = None
        t_frames0 = 0.0
        while not self.finished(time.time() - started, seconds):
            with contextlib.suppress(TimeoutError):
                self.on_message(json.loads(await asyncio.wait_for(ws.recv(), 0.5)))
            for p in self.procs:
                p.sample()
            elapsed = time.time() - started
            if frames0 is None and elapsed > 10:  # steady state: after start-up
                texts0 = [await asyncio.to_thread(scrape, p) for p in self.mports]
                frames0 = sum(total(t, "bk_detect_frames_total") for t in texts0)
                t_frames0 = time.time()
            await self.faults_tick(elapsed)
        live = [p for i, p in enumerate(self.mports) if not (self.faults.kill_detector and i == 0)]
        texts = [await asyncio.to_thread(scrape, p) for p in live]
        frames1 = sum(total(t, "bk_detect_frames_total") for t in texts)
        r = self.result
        if self.faults.kill_detector:
            frames0 = None  # the dead worker's count is gone: no rate over the run
        r.detect_fps = (frames1 - frames0) / (time.time() - t_frames0) if frames0 is not None else 0.0
        r.offered_fps = r.cameras * 5.0 + (5.0 if self.stream is not None else 0.0)
        r.stale = sum(total(t, "bk_detect_frames_stale_total") for t in texts)
        r.cameras_per_detector = [int(total(t, "bk_detect_cameras")) for t in texts]
        r.max_lag = max((float(m[1]) for t in texts
                         for m in re.finditer(r"^bk_detect_consumer_lag\{[^}]*\} (\S+)$", t, re.M)), default=0.0)
        if self.faults.kill_detector and self.orphans:
            r.takeover_s = max(self.resumed.values()) if set(self.resumed) == self.orphans else None
        if self.outage is not None and self.outage.done():
            r.db_outage_s = self.outage.result()
        r.alerts = sum(len(set(v)) for v in self.opens.values())
        r.missing = sorted(set(scripted(r.cameras)) - set(self.opens))
        r.duplicated = sorted(c for c, v in self.opens.items() if len(set(v)) > 1)
        if self.latencies:
            r.latency_p50_s, r.latency_p95_s, r.latency_p99_s = (
                pct(self.latencies, 50), pct(self.latencies, 95), pct(self.latencies, 99))
        r.roles = {p.name: {"cpu_pct": round(100 * p.cpu_s / (time.time() - started), 1),
                            "peak_rss_mb": round(p.peak_rss / 2**20, 1)} for p in self.procs}

    def on_message(self, msg: dict[str, Any]) -> None:
        if msg.get("type") == "event" and msg["event"]["state"] == "open" and msg["event"]["rule"] == "camera_blocked":
            ev = msg["event"]
            self.latencies.append(time.time() - ev["last_seen_ms"] / 1000)
            self.opens.setdefault(ev["camera_id"], []).append(ev["id"])
        elif msg.get("type") == "camera_status" and self.stream is not None and (
            msg["status"]["camera_id"] == STREAM_CAMERA
        ):
            self.stream.observe(msg["status"]["state"])

    async def faults_tick(self, elapsed: float) -> None:
        if self.stream is not None:
            self.stream.tick(elapsed)
        if self.pg is not None and self.outage is None and elapsed > FAULT_AT_S:
            self.outage = asyncio.create_task(outage(self.pg, DB_OUTAGE_S))
        if not self.faults.kill_detector:
            return
        if self.killed_at is None and elapsed > FAULT_AT_S:
            text = await asyncio.to_thread(scrape, self.mports[0])
            self.orphans = {m[1] for m in re.finditer(r'camera_last_capture_ms\{camera_id="([^"]+)"\}', text)}
            self.procs[1].stop(signal.SIGKILL)
            self.killed_at = time.time()
        if self.killed_at is not None and set(self.resumed) != self.orphans:
            text = await asyncio.to_thread(scrape, self.mports[1])
            for m in re.finditer(r'camera_last_capture_ms\{camera_id="([^"]+)"\} (\S+)', text):
                if m[1] in self.orphans and m[1] not in self.resumed and float(m[2]) > self.killed_at * 1000:
                    self.resumed[m[1]] = time.time() - self.killed_at

    async def check_stored(self) -> None:
        """After a detector or the database failed: every scripted cover stored exactly once."""
        if not (self.faults.kill_detector or self.faults.stop_db):
            return
        r = self.result
        if self.faults.stop_db:
            r.recorder_failures = total(await asyncio.to_thread(scrape_url, f"{self.base}/metrics"),
                                        "bk_api_recorder_store_failures_total")
        stored = await stored_covers(self.base, self.token, scripted(r.cameras))
        r.stored_once = sum(len(stored.get(c, [])) == 1 for c in scripted(r.cameras))
        r.stored_missing = sorted(c for c in scripted(r.cameras) if not stored.get(c))
        r.stored_duplicated = sorted(c for c, ids in stored.items() if len(ids) > 1)
        r.stored_lost = sorted(c for c in self.opens if c in stored and not stored[c])


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


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cameras", default="8,16", help="comma list of camera counts (the sweep)")
    parser.add_argument("--detectors", default="1,2", help="comma list of detector process counts")
    parser.add_argument("--seconds", type=float, default=45.0, help="length of each run")
    parser.add_argument("--kill-detector", action="store_true", help="SIGKILL detector 1 of 2 mid-run")
    parser.add_argument("--stop-db", action="store_true",
                        help="PostgreSQL of the run's own, stopped for 30 s mid-run; then check the stored events")
    parser.add_argument("--kill-stream", action="store_true",
                        help="an MJPEG camera whose server dies for 10 s mid-run; statuses must arrive in order")
    parser.add_argument("--detector-cpu", type=float, metavar="FRACTION",
                        help="each detector process in its own cgroup with this CPU quota (cores, e.g. 0.4)")
    parser.add_argument("--mix", choices=sorted(MIXES), default="staffed",
                        help="staffed: 3 in 4 one cook, 1 in 4 four; quiet: 2 in 4 empty, 1 one cook, 1 four")
    parser.add_argument("--full-sweep", action="store_true", help="run every N, also past p99 >= 1 s")
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    args = parser.parse_args()
    results: list[Result] = []
    with contextlib.ExitStack() as stack:
        try:
            budget = stack.enter_context(CpuBudget(args.detector_cpu)) if args.detector_cpu else None
        except CpuBudgetError as exc:
            parser.exit(2, f"e2e_load.py: error: {exc}\n")
        for d in [int(x) for x in args.detectors.split(",")]:
            for n in [int(x) for x in args.cameras.split(",")]:
                faults = Faults(args.kill_detector and d > 1, args.stop_db, args.kill_stream)
                r = await run_once(n, d, args.seconds, faults, budget, args.mix)
                results.append(r)
                print("\n".join(table([r]).splitlines()[1:]), flush=True)
                if not args.full_sweep and r.latency_p99_s is not None and r.latency_p99_s >= 1.0:
                    break  # past the knee for this detector count
    text, summary = report(results, args.detector_cpu)
    print(text)
    if args.out:
        args.out.write_text(json.dumps(summary, indent=1))


if __name__ == "__main__":
    asyncio.run(main())
