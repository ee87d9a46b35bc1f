"""Ingest throughput on one core: 640x360 file cameras through the real ingest role (service.run,
readers, pump, encoder, aiokafka) to the embedded broker, next to the pure cv2.imencode rate
measured in the same run on the same core.

    .venv/bin/python benchmarks/ingest_throughput.py [--seconds 8] [--cameras 2,4,8]

This process is pinned to CPU 0 and the broker to the other CPUs (when there are any), so the
ingest figure is what one core carries. Target: ingest frames/s >= 0.8 x imencode frames/s.
"""

import argparse
import asyncio
import os
import subprocess
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
import psutil

from core.broker import EmbeddedBroker
from core.bus import KafkaPublisher, ensure_topics, wait_for_kafka
from core.settings import Settings
from core.site import Camera, Kitchen, School, Site
from core.site_feed import publish_site
from core.topics import topic_specs
from ingest import metrics, service
from ingest.options import IngestOptions

WIDTH, HEIGHT, FPS, QUALITY = 640, 360, 30, 80


def make_clip(folder: Path) -> Path:
    """10 s of 640x360 30 fps H.264 (no B-frames, like a camera) with moving detail."""
    path = folder / "clip.mp4"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", f"testsrc2=size={WIDTH}x{HEIGHT}:rate={FPS}",
         "-t", "10", "-c:v", "libx264", "-bf", "0", "-g", str(FPS), "-pix_fmt", "yuv420p", "-y", str(path)],
        check=True,
    )  # fmt: skip
    return path


def decoded_frames(path: Path, n: int = 60) -> list[np.ndarray]:
    cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    frames = []
    while len(frames) < n:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(frame)
    cap.release()
    return frames


def rate(fn: object, items: list[np.ndarray], seconds: float = 3.0) -> float:
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        fn(items[done % len(items)])  # type: ignore[operator]
        done += 1
    return done / (time.perf_counter() - started)


def decode_rate(path: Path, seconds: float = 3.0) -> float:
    cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        ok, _ = cap.read()
        if not ok:
            cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            continue
        done += 1
    cap.release()
    return done / (time.perf_counter() - started)


def published_total() -> float:
    return sum(s.value for m in metrics.FRAMES_PUBLISHED.collect() for s in m.samples if s.name.endswith("_total"))


def dropped_total() -> float:
    return sum(s.value for m in metrics.FRAMES_DROPPED.collect() for s in m.samples if s.name.endswith("_total"))


async def ingest_rate(
    bootstrap: str, clip: Path, cameras: int, seconds: float, version: int
) -> tuple[float, float, float]:
    """Published frames/s, dropped frames/s and this process's CPU % over the window."""
    school = School(
        id="s",
        name="S",
        kitchens=[Kitchen(id="k", name="K")],
        cameras=[
            Camera(id=f"cam{i}", name=f"cam{i}", kitchen="k", url=f"file://{clip}?loop=1") for i in range(cameras)
        ],
    )
    async with KafkaPublisher(bootstrap) as pub:
        await publish_site(pub, Site(version=version, schools=[school]))
    settings = Settings(kafka_bootstrap=bootstrap, detect_fps=FPS, detect_width=WIDTH, jpeg_quality=QUALITY)
    stop = asyncio.Event()
    task = asyncio.create_task(service.run(settings, stop, IngestOptions(encode_threads=1)))
    await asyncio.sleep(3.0)  # connect, warm up
    proc = psutil.Process()
    p0, d0, cpu0, t0 = published_total(), dropped_total(), proc.cpu_times(), time.perf_counter()
    await asyncio.sleep(seconds)
    p1, d1, cpu1, t1 = published_total(), dropped_total(), proc.cpu_times(), time.perf_counter()
    stop.set()
    await task
    elapsed = t1 - t0
    cpu = (cpu1.user + cpu1.system - cpu0.user - cpu0.system) / elapsed * 100
    return (p1 - p0) / elapsed, (d1 - d0) / elapsed, cpu


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--cameras", default="4,8,12,16,24")
    args = parser.parse_args()
    cpus = sorted(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory() as tmp, EmbeddedBroker() as broker:
        if len(cpus) > 1 and broker.pid:
            os.sched_setaffinity(broker.pid, set(cpus[1:]))
        os.sched_setaffinity(0, {cpus[0]})  # threads started from now on inherit it
        cv2.setNumThreads(1)
        await wait_for_kafka(broker.bootstrap)
        await ensure_topics(broker.bootstrap, topic_specs(6, 3))
        clip = make_clip(Path(tmp))
        frames = decoded_frames(clip)
        encode = rate(lambda f: cv2.imencode(".jpg", f, [cv2.IMWRITE_JPEG_QUALITY, QUALITY]), frames)
        decode = decode_rate(clip)
        print(f"one core: CPU {cpus[0]} (broker on {cpus[1:] or 'the same core'}); {WIDTH}x{HEIGHT} "
              f"H.264 file at {FPS} fps, JPEG quality {QUALITY}")  # fmt: skip
        print(f"pure cv2.imencode: {encode:7.1f} frames/s   pure decode (cv2 read): {decode:7.1f} frames/s")
        ideal = 1 / (1 / encode + 1 / decode)
        print(f"decode+encode back to back (the work each published frame needs): {ideal:7.1f} frames/s")
        print()
        print(
            f"{'cameras':>7} {'offered/s':>9} {'published/s':>11} {'dropped/s':>9} {'CPU %':>6} "
            f"{'÷ imencode':>10} {'÷ dec+enc':>9}"
        )
        best = 0.0
        for version, n in enumerate(int(c) for c in args.cameras.split(",")):
            published, dropped, cpu = await ingest_rate(broker.bootstrap, clip, n, args.seconds, version + 1)
            best = max(best, published)
            print(
                f"{n:>7} {n * FPS:>9} {published:>11.1f} {dropped:>9.1f} {cpu:>6.0f} "
                f"{published / encode:>10.2f} {published / ideal:>9.2f}"
            )
        print()
        verdict = "meets" if best >= 0.8 * encode else "misses"
        print(f"best ingest rate {best:.1f} frames/s = {best / encode:.2f} x imencode ({verdict} the 0.8 target), "
              f"{best / ideal:.2f} x decode+encode")  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main())
