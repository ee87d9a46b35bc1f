"""``brightkitchen analyze``: run the detection pipeline on recorded footage, for inspectors.

A video file or a folder of images goes through exactly what live frames go through: sampled to
the detect rate, resized to the detect width and JPEG-encoded like ingest does, then judged by
:class:`detectors.pipeline.CameraPipeline` with the site's settings for the camera (or the
catalog defaults). Capture times come from the footage: a video's frames are placed by their
position in the file from a start time (``--start``, else the file's modification time minus
its duration, since a recorder closes the file when it stops); images by their modification
times, or by index at the detect rate when those say nothing (all equal, e.g. after a copy).
Incidents still open when the footage ends are closed with the reason "end of footage".
"""

import base64
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import cv2
import numpy as np

from core.contracts import Event, Frame
from core.errors import BrightKitchenError, ContractError
from core.site import load_site
from detectors.handler import picture_of
from detectors.pipeline import CameraPipeline
from ingest.encode import encode_jpeg

SHANGHAI = ZoneInfo("Asia/Shanghai")
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"}


class AnalyzeError(BrightKitchenError):
    """The footage or the options cannot be analysed; the text says what and why."""


@dataclass(frozen=True)
class Picture:
    captured_ms: int
    image: np.ndarray


@dataclass(frozen=True)
class Footage:
    """Pictures sampled at about ``rate`` per second, and how many there will be (for progress)."""

    pictures: Iterator[Picture]
    total: int


def open_footage(path: Path, rate: float, start_ms: int | None = None) -> Footage:
    """The pictures of a video file or an image folder, sampled to at most ``rate`` per second."""
    if path.is_dir():
        return _images(path, rate, start_ms)
    if not path.is_file():
        raise AnalyzeError(f"{path}: no such file or folder")
    return _video(path, rate, start_ms)


def _video(path: Path, rate: float, start_ms: int | None) -> Footage:
    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        raise AnalyzeError(f"{path}: not a video OpenCV can read")
    fps = cap.get(cv2.CAP_PROP_FPS) or 0.0
    count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
    if fps <= 0 or fps > 1000:
        fps = rate  # unknown frame rate: take one frame per detect interval
    duration_ms = count / fps * 1000 if count else 0.0
    start = start_ms if start_ms is not None else int(path.stat().st_mtime * 1000 - duration_ms)
    step = max(1.0, fps / rate)
    total = math.ceil(count / step) if count else 0

    def frames() -> Iterator[Picture]:
        index, next_take = 0, 0.0
        try:
            while True:
                ok, image = cap.read()
                if not ok:
                    return
                if index >= next_take - 1e-6:
                    next_take += step
                    yield Picture(start + round(index / fps * 1000), image)
                index += 1
        finally:
            cap.release()

    return Footage(frames(), total)


def _images(folder: Path, rate: float, start_ms: int | None) -> Footage:
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise AnalyzeError(f"{folder}: no images ({', '.join(sorted(IMAGE_SUFFIXES))})")
    mtimes = [int(p.stat().st_mtime * 1000) for p in files]
    by_index = start_ms is not None or len(set(mtimes)) < len(mtimes)
    base = start_ms if start_ms is not None else mtimes[0]
    times = [base + round(i * 1000 / rate) for i in range(len(files))] if by_index else mtimes
    if not by_index:
        files = [f for _, f in sorted(zip(times, files, strict=True))]
        times.sort()

    def pictures() -> Iterator[Picture]:
        last: int | None = None
        for f, t in zip(files, times, strict=True):
            if last is not None and t - last < 1000 / rate - 1:
                continue  # faster than the detect rate: sample like the live path does
            image = cv2.imread(str(f), cv2.IMREAD_COLOR)
            if image is None:
                raise AnalyzeError(f"{f}: not an image OpenCV can read")
            last = t
            yield Picture(t, image)

    return Footage(pictures(), len(files))


def analyze(
    footage: Footage,
    pipeline: CameraPipeline,
    *,
    school_id: str,
    width: int,
    quality: int,
) -> Iterator[list[Event]]:
    """Judge every picture in order; yields each picture's events (often none), then the closes
    of incidents still open at the end."""
    for seq, picture in enumerate(footage.pictures):
        jpeg, w, h = encode_jpeg(picture.image, width, quality)
        frame = Frame(pipeline.camera_id, school_id, picture.captured_ms, seq, w, h, jpeg)
        try:
            pixels = picture_of(frame, pipeline)  # decoded as the detect role does
        except ContractError as exc:
            raise AnalyzeError(f"frame {seq}: {exc}") from None
        yield pipeline.process(frame, pixels)
    yield pipeline.close_all("end of footage")


def parse_start(text: str | None, tz: ZoneInfo) -> int | None:
    """``--start`` as epoch milliseconds; a time without a zone is in the school's time zone."""
    if text is None:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise AnalyzeError(f"--start {text!r}: expected an ISO time like 2025-03-03T09:00:00") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=tz)
    return int(when.timestamp() * 1000)


def build_pipeline(site_file: Path | None, camera_id: str | None) -> tuple[CameraPipeline, str, ZoneInfo]:
    """The camera's pipeline with its site settings (catalog defaults without a site), its
    school id and the school's time zone."""
    if site_file is None:
        if camera_id is not None:
            raise AnalyzeError("--camera needs --site (the camera's zones and rules live in the site file)")
        return CameraPipeline("footage"), "", SHANGHAI
    site = load_site(site_file)
    if camera_id is None:
        cameras = [c.id for _, c in site.cameras()]
        if len(cameras) != 1:
            raise AnalyzeError(f"{site_file}: name the camera with --camera, one of {cameras}")
        camera_id = cameras[0]
    found = site.camera(camera_id)
    if found is None:
        raise AnalyzeError(f"{site_file}: no camera {camera_id!r}; cameras: {[c.id for _, c in site.cameras()]}")
    school, camera = found
    return CameraPipeline(camera.id, school, camera), school.id, ZoneInfo(school.schedule.timezone)


def event_json(event: Event, snapshots: bool, tz: ZoneInfo = SHANGHAI) -> str:
    """One JSON line: the event's fields, capture times also as ISO text in ``tz``, the snapshot
    (base64) only if asked."""
    data = event.model_dump(mode="json", exclude={"snapshot_jpeg"})
    if snapshots and event.snapshot_jpeg is not None:
        data["snapshot_jpeg"] = base64.b64encode(event.snapshot_jpeg).decode()
    for key in ("started_ms", "last_seen_ms", "ended_ms"):
        if data.get(key) is not None:
            data[key.replace("_ms", "_at")] = datetime.fromtimestamp(data[key] / 1000, tz).isoformat()
    return json.dumps(data, ensure_ascii=False)
