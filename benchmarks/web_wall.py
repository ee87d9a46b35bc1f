"""A 16-tile command-center wall at 5 frames/s per tile in headless chromium, for N minutes.

    .venv/bin/python benchmarks/web_wall.py [--minutes 10] [--cameras 16] [--fps 5] [--width 640]

The benchmark starts the embedded broker and an api process (``brightkitchen api``), publishes
the frames to bk.frames itself (16 cameras × 5 fps, pre-encoded JPEGs stamped with the time), and
drives Debian's chromium through Playwright: log in, 16-tile grid, then sample every
``--sample`` seconds the pictures each tile actually drew (the page's own counters), the JS heap
(CDP ``Performance.getMetrics``), the renderer processes' RSS and the api's RSS. A table at the
end; memory that keeps growing over the run shows as a positive slope.
"""

import argparse
import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import psutil

from core.broker import EmbeddedBroker, free_port
from core.bus import KafkaPublisher, ensure_topics, wait_for_kafka
from core.contracts import Frame
from core.topics import FRAMES, topic_specs

PASSWORD = "bench-password-1"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def pictures(camera: int, width: int, variants: int = 10) -> list[bytes]:
    """A few different JPEGs per camera (a moving bar), so the tiles really change."""
    height = width * 9 // 16
    out = []
    for v in range(variants):
        img = np.full((height, width, 3), (60 + camera * 9 % 120, 90, 120), np.uint8)
        x = int(v / variants * width)
        cv2.rectangle(img, (x, height // 3), (x + width // 8, 2 * height // 3), (240, 240, 240), -1)
        cv2.putText(img, f"cam {camera}", (10, 30), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (255, 255, 255), 2)
        out.append(bytes(cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 80])[1].tobytes()))
    return out


async def prepare(data_dir: Path, cameras: int) -> None:
    """The api's database: a site with the cameras in two schools and a regulator."""
    from api.db import Database
    from api.site_store import apply_site
    from api.users import create_user
    from core.settings import Settings
    from core.site import Site

    half = (cameras + 1) // 2
    site = Site.model_validate({"schools": [
        {"id": sid, "name": name, "kitchens": [{"id": "k", "name": "K"}],
         "cameras": [{"id": f"cam{i}", "name": f"摄像头 {i}", "kitchen": "k", "url": "synthetic://k"}
                     for i in ids]}
        for sid, name, ids in (("a", "学校 A", range(half)), ("b", "学校 B", range(half, cameras)))
    ]})
    db = Database(Settings(data_dir=data_dir).resolved_database_url)
    try:
        await db.migrate()
        await apply_site(db, site, "bench")
        async with db.session() as session, session.begin():
            await create_user(session, "regulator", PASSWORD, "regulator")
    finally:
        await db.close()


async def publish(bootstrap: str, cameras: int, fps: float, width: int, stop: asyncio.Event) -> int:
    """Publish each camera's frames at ``fps`` until ``stop``; answers how many were sent."""
    frames = [pictures(i, width) for i in range(cameras)]
    sent = 0
    period = 1 / fps
    async with KafkaPublisher(bootstrap) as pub:
        start = time.monotonic()
        tick = 0
        while not stop.is_set():
            now = int(time.time() * 1000)
            for i in range(cameras):
                jpeg = frames[i][tick % len(frames[i])]
                school = "a" if i < (cameras + 1) // 2 else "b"
                frame = Frame(f"cam{i}", school, now, tick, width, width * 9 // 16, jpeg)
                await pub.publish(FRAMES, frame.jpeg, key=frame.key, headers=frame.headers())
                sent += 1
            if tick % 10 == 0:
                await pub.flush()
            tick += 1
            delay = start + tick * period - time.monotonic()
            if delay > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), delay)
    return sent


def wait_http(url: str, timeout: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer in {timeout} s")


@dataclass
class Sample:
    at_s: float
    fps: list[float]
    dropped: int
    heap_mb: float
    renderer_mb: float
    api_mb: float


def renderers_rss(marker: str) -> float:
    """RSS (MB) of the renderer processes of the chromium started with ``marker`` in its arguments."""
    total = 0
    for proc in psutil.process_iter(["cmdline"]):
        cmd = proc.info["cmdline"] or []
        if marker in cmd:
            for child in proc.children(recursive=True):
                try:
                    if any(arg == "--type=renderer" for arg in child.cmdline()):
                        total += child.memory_info().rss
                except psutil.Error:
                    pass
    return total / 2**20


async def drive(url: str, args: argparse.Namespace, api_proc: psutil.Process) -> list[Sample]:
    from playwright.async_api import async_playwright

    marker = f"--bk-bench={uuid.uuid4().hex}"
    samples: list[Sample] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=[*ARGS, marker])
        try:
            page = await browser.new_page(viewport={"width": 1920, "height": 1080})
            await page.add_init_script("localStorage.setItem('bk.grid', '16')")
            await page.goto(url)
            await page.fill("[data-testid=login] input[name=username]", "regulator")
            await page.fill("[data-testid=login] input[name=password]", PASSWORD)
            await page.click("[data-testid=login] button")
            await page.wait_for_selector("[data-testid=connection].online", timeout=15000)
            await page.wait_for_function(f"document.querySelectorAll('.tile:not([hidden])').length === {args.cameras}")
            cdp = await page.context.new_cdp_session(page)
            await cdp.send("Performance.enable")
            await page.wait_for_function("Object.keys(window.bkWallStats.rendered).length > 0", timeout=30000)
            began = time.monotonic()
            last = await page.evaluate("({...window.bkWallStats.rendered})")
            last_t = time.monotonic()
            print(f"{'t (s)':>6} {'fps/tile min':>12} {'mean':>6} {'max':>6} {'dropped':>8} {'JS heap MB':>11} "
                  f"{'renderer RSS MB':>16} {'api RSS MB':>11}", flush=True)
            while time.monotonic() - began < args.minutes * 60:
                await asyncio.sleep(args.sample)
                stats = await page.evaluate("window.bkWallStats")
                now = time.monotonic()
                fps = [(stats["rendered"].get(f"cam{i}", 0) - last.get(f"cam{i}", 0)) / (now - last_t)
                       for i in range(args.cameras)]
                last, last_t = stats["rendered"], now
                metrics = {m["name"]: m["value"] for m in (await cdp.send("Performance.getMetrics"))["metrics"]}
                sample = Sample(now - began, fps, sum(stats["dropped"].values()), metrics["JSHeapUsedSize"] / 2**20,
                                renderers_rss(marker), api_proc.memory_info().rss / 2**20)
                samples.append(sample)
                print(f"{sample.at_s:6.0f} {min(fps):12.2f} {statistics.mean(fps):6.2f} {max(fps):6.2f} "
                      f"{sample.dropped:8d} {sample.heap_mb:11.1f} {sample.renderer_mb:16.1f} {sample.api_mb:11.1f}",
                      flush=True)
        finally:
            await browser.close()
    return samples


def slope_per_min(samples: list[Sample], field: str) -> float:
    """Least-squares growth of a memory figure in MB per minute, over the second half of the run."""
    half = samples[len(samples) // 2:]
    if len(half) < 2:
        return 0.0
    xs = [s.at_s / 60 for s in half]
    ys = [getattr(s, field) for s in half]
    return statistics.linear_regression(xs, ys).slope


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp, EmbeddedBroker() as broker:
        data = Path(tmp)
        await wait_for_kafka(broker.bootstrap)
        await ensure_topics(broker.bootstrap, topic_specs(6, 3))
        await prepare(data, args.cameras)
        port = free_port()
        env = {**os.environ, "BK_KAFKA_BOOTSTRAP": broker.bootstrap, "BK_DATA_DIR": str(data),
               "BK_API_PORT": str(port), "BK_LOG_LEVEL": "WARNING"}
        api = subprocess.Popen([sys.executable, "-m", "brightkitchen.cli", "api"], env=env,
                               stdout=subprocess.DEVNULL, stderr=open(data / "api.log", "wb"))  # noqa: SIM115
        stop = asyncio.Event()
        publisher: asyncio.Task[int] | None = None
        try:
            wait_http(f"http://127.0.0.1:{port}/healthz")
            publisher = asyncio.create_task(publish(broker.bootstrap, args.cameras, args.fps, args.width, stop))
            samples = await drive(f"http://127.0.0.1:{port}/", args, psutil.Process(api.pid))
        finally:
            stop.set()
            sent = await publisher if publisher else 0
            api.terminate()
            api.wait(20)
        print(f"\n{args.cameras} tiles × {args.fps} fps offered ({args.width} px JPEG), {sent} frames published, "
              f"{args.minutes} min")
        steady = samples[1:] or samples
        print(f"rendered per tile: mean {statistics.mean(statistics.mean(s.fps) for s in steady):.2f} fps, "
              f"worst tile-sample {min(min(s.fps) for s in steady):.2f} fps")
        for field, label in (("heap_mb", "JS heap"), ("renderer_mb", "renderer RSS"), ("api_mb", "api RSS")):
            first, lastv = getattr(samples[0], field), getattr(samples[-1], field)
            print(f"{label:>13}: first {first:.1f} MB, last {lastv:.1f} MB, "
                  f"trend over the second half {slope_per_min(samples, field):+.2f} MB/min")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--cameras", type=int, default=16)
    parser.add_argument("--fps", type=float, default=5)
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--sample", type=float, default=30, help="seconds between samples")
    asyncio.run(main(parser.parse_args()))
