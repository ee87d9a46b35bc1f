"""The ingest role under load: N synthetic cameras through the embedded broker.

    .venv/bin/python benchmarks/ingest_service.py [--cameras 8] [--seconds 20] [--fps 5]

Reports frames published per camera against the target rate, frames dropped, the latency from
capture to a consumer receiving the frame (p50 / p95 / max), and this process's CPU use.
Synthetic cameras render 1280x720 at 15 fps, so readers, resizing and encoding all do real work.
"""

import argparse
import asyncio
import statistics
import time

import numpy as np
import psutil

from core.broker import EmbeddedBroker
from core.bus import KafkaPublisher, ensure_topics, make_consumer, wait_for_kafka
from core.contracts import Frame
from core.settings import Settings
from core.site import Camera, Kitchen, School, Site
from core.site_feed import publish_site
from core.topics import FRAMES, topic_specs
from ingest import metrics, service


async def bench(cameras: int, seconds: float, fps: float) -> None:
    with EmbeddedBroker() as broker:
        await wait_for_kafka(broker.bootstrap)
        await ensure_topics(broker.bootstrap, topic_specs(6, 3))
        cams = [
            Camera(
                id=f"cam{i}",
                name=f"cam{i}",
                kitchen="k",
                url=f"synthetic://k?seed={i}&width=1280&height=720&fps=15&people=3",
            )
            for i in range(cameras)
        ]
        site = Site(schools=[School(id="s", name="S", kitchens=[Kitchen(id="k", name="K")], cameras=cams)])
        async with KafkaPublisher(broker.bootstrap) as pub:
            await publish_site(pub, site)
        settings = Settings(kafka_bootstrap=broker.bootstrap, detect_fps=fps)
        consumer = make_consumer(broker.bootstrap, [FRAMES], offset_reset="latest")
        await consumer.start()
        stop = asyncio.Event()
        task = asyncio.create_task(service.run(settings, stop))
        latencies: list[float] = []
        counts: dict[str, int] = {}
        proc = psutil.Process()
        await asyncio.sleep(3.0)  # let cameras connect; measure the steady state
        proc.cpu_percent()
        started = time.monotonic()
        started_ms = time.time() * 1000
        while time.monotonic() - started < seconds:
            batches = await consumer.getmany(timeout_ms=200)
            now_ms = time.time() * 1000
            for records in batches.values():
                for msg in records:
                    frame = Frame.decode(msg.key, msg.value, [(k, bytes(v)) for k, v in msg.headers])
                    if frame.captured_ms < started_ms:
                        continue  # warm-up, or a batch replayed by the embedded broker (FACTS.md)
                    counts[frame.camera_id] = counts.get(frame.camera_id, 0) + 1
                    latencies.append(now_ms - frame.captured_ms)
        cpu = proc.cpu_percent()
        stop.set()
        await task
        await consumer.stop()
    expected = seconds * fps
    dropped = sum(metrics.FRAMES_DROPPED.labels(c.id)._value.get() for c in cams)
    print(f"{cameras} cameras x {fps:g} fps for {seconds:g} s (1280x720 synthetic at 15 fps)")
    print(
        f"  frames per camera: min {min(counts.values(), default=0)} / max {max(counts.values(), default=0)}"
        f" (target {expected:.0f})"
    )
    print(f"  dropped (publisher behind): {dropped:.0f}")
    if latencies:
        print(
            f"  capture -> consumer ms: p50 {statistics.median(latencies):.0f}"
            f"  p95 {np.percentile(latencies, 95):.0f}  max {max(latencies):.0f}"
        )
    total = sum(metrics.PUBLISH_LATENCY.labels(c.id)._sum.get() for c in cams)
    n = sum(metrics.FRAMES_PUBLISHED.labels(c.id)._value.get() for c in cams)
    if n:
        print(f"  capture -> handed to the producer ms: mean {total / n * 1000:.0f}")
    print(f"  CPU of this process (ingest + consumer): {cpu:.0f}% of one core")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cameras", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--fps", type=float, default=5.0)
    args = parser.parse_args()
    asyncio.run(bench(args.cameras, args.seconds, args.fps))


if __name__ == "__main__":
    main()
