"""Cost of the synthetic camera and of frame encoding, per frame.

    .venv/bin/python benchmarks/ingest_render.py [--frames 300]

Prints milliseconds per frame for rendering at several sizes (with and without incidents) and
for resize + JPEG encode to the detect width, the two costs ingest pays per published frame.
"""

import argparse
import statistics
import time

import numpy as np

from ingest.encode import encode_jpeg
from ingest.synthetic import parse_synthetic_url, render


def _ms(fn: object, frames: int) -> tuple[float, float]:
    times = []
    for i in range(frames):
        start = time.perf_counter()
        fn(i)  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), float(np.percentile(times, 95))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames", type=int, default=300)
    args = parser.parse_args()
    cases = [
        ("640x360, 2 cooks", "synthetic://k?width=640&height=360&people=2"),
        ("640x360, 6 cooks", "synthetic://k?width=640&height=360&people=6"),
        ("640x360, lights off", "synthetic://k?people=2&script=lights_off@0+1000"),
        ("640x360, covered", "synthetic://k?people=2&script=cover@0+1000"),
        ("1280x720, 2 cooks", "synthetic://k?width=1280&height=720&people=2"),
        ("1920x1080, 2 cooks", "synthetic://k?width=1920&height=1080&people=2"),
    ]
    print(f"{'case':28} {'render p50 ms':>14} {'p95 ms':>8} {'encode@640 p50 ms':>18} {'JPEG KB':>8}")
    for name, url in cases:
        spec = parse_synthetic_url(url)
        render(spec, 0.0)  # warm the static-scene cache
        p50, p95 = _ms(lambda i, s=spec: render(s, i / s.fps), args.frames)
        img = render(spec, 5.0)
        e50, _ = _ms(lambda i, im=img: encode_jpeg(im, 640, 80), min(args.frames, 100))
        size = len(encode_jpeg(img, 640, 80)[0]) / 1024
        print(f"{name:28} {p50:14.2f} {p95:8.2f} {e50:18.2f} {size:8.1f}")


if __name__ == "__main__":
    main()
