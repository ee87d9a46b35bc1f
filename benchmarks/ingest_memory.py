"""Resident memory of one ingest process (``python -m ingest``) carrying 32 cameras for a minute.

    .venv/bin/python benchmarks/ingest_memory.py [--cameras 32] [--seconds 60] [--kind synthetic,file]

The role runs as its own process against the embedded broker; its RSS is sampled every 5 s and
its frames published / dropped are read from its own GET /metrics at the end.
"""

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil

from core.broker import EmbeddedBroker, free_port
from core.bus import KafkaPublisher, ensure_topics, wait_for_kafka
from core.site import Camera, Kitchen, School, Site
from core.site_feed import publish_site
from core.topics import topic_specs


def make_clip(folder: Path) -> Path:
    path = folder / "clip.mp4"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=10", "-t", "10",
         "-c:v", "libx264", "-bf", "0", "-pix_fmt", "yuv420p", "-y", str(path)],
        check=True,
    )  # fmt: skip
    return path


def scrape(port: int) -> dict[str, float]:
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    totals: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("bk_ingest_") and not line.startswith("#"):
            name = line.split("{")[0].split(" ")[0]
            totals[name] = totals.get(name, 0.0) + float(line.rsplit(" ", 1)[-1])
    return totals


async def measure(kind: str, cameras: int, seconds: float, clip: Path) -> None:
    urls = {
        "synthetic": "synthetic://k?seed={i}&width=640&height=360&fps=5&people=2",
        "file": f"file://{clip}?loop=1",
    }
    with EmbeddedBroker() as broker:
        await wait_for_kafka(broker.bootstrap)
        await ensure_topics(broker.bootstrap, topic_specs(6, 3))
        cams = [Camera(id=f"cam{i}", name=f"cam{i}", kitchen="k", url=urls[kind].format(i=i)) for i in range(cameras)]
        school = School(id="s", name="S", kitchens=[Kitchen(id="k", name="K")], cameras=cams)
        async with KafkaPublisher(broker.bootstrap) as pub:
            await publish_site(pub, Site(version=1, schools=[school]))
        port = free_port()
        env = {**os.environ, "BK_KAFKA_BOOTSTRAP": broker.bootstrap, "BK_INGEST_METRICS_PORT": str(port),
               "BK_LOG_LEVEL": "WARNING", "BK_DETECT_FPS": "5"}  # fmt: skip
        proc = subprocess.Popen([sys.executable, "-m", "ingest"], env=env, stderr=subprocess.DEVNULL)
        try:
            ps = psutil.Process(proc.pid)
            samples: list[tuple[float, float]] = []
            started = time.monotonic()
            while (elapsed := time.monotonic() - started) < seconds:
                samples.append((elapsed, ps.memory_info().rss / 2**20))
                await asyncio.sleep(5)
            cpu = ps.cpu_times()
            totals = scrape(port)
        finally:
            proc.terminate()
            proc.wait(30)
    rss = [r for _, r in samples]
    published = totals.get("bk_ingest_frames_published_total", 0.0)
    growth = rss[-1] - rss[len(rss) // 2]
    print(f"{kind:>9} {cameras:>7} {rss[1]:>9.0f} {max(rss):>8.0f} {rss[-1]:>7.0f} {growth:>+10.1f} "
          f"{published / seconds:>12.1f} {totals.get('bk_ingest_frames_dropped_total', 0.0):>8.0f} "
          f"{(cpu.user + cpu.system) / seconds * 100:>6.0f}")  # fmt: skip


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cameras", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--kind", default="synthetic,file")
    args = parser.parse_args()
    print(f"one `python -m ingest` process, detect 5 fps at 640 px; {os.cpu_count()} CPUs; RSS in MiB")
    print(f"{'source':>9} {'cameras':>7} {'RSS@5s':>9} {'peak':>8} {'end':>7} {'2nd half':>10} "
          f"{'published/s':>12} {'dropped':>8} {'CPU %':>6}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        clip = make_clip(Path(tmp))
        for kind in args.kind.split(","):
            await measure(kind, args.cameras, args.seconds, clip)


if __name__ == "__main__":
    asyncio.run(main())
