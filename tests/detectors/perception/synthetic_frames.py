"""Frames of the synthetic kitchen after the JPEG hop, for perception tests (tuning seeds only)."""

from collections.abc import Iterator

import cv2
import numpy as np
import pytest

from core.site import Zone
from detectors.detections import PixelZone

synthetic = pytest.importorskip("ingest.synthetic")

FPS = 5


def frames(url: str, seconds: float, start: float = 0.0, quality: int = 70) -> Iterator[tuple[float, np.ndarray]]:
    spec = synthetic.parse_synthetic_url(url)
    for i in range(int(start * FPS), int(seconds * FPS)):
        t = i / FPS
        ok, buf = cv2.imencode(".jpg", synthetic.render(spec, t), [cv2.IMWRITE_JPEG_QUALITY, quality])
        assert ok
        img = cv2.imdecode(buf, cv2.IMREAD_COLOR)
        assert img is not None
        yield t, img


def pixel_zone(url: str, name: str) -> PixelZone:
    spec = synthetic.parse_synthetic_url(url)
    kind = "other" if name == "bin" else name
    return PixelZone.from_zone(Zone(id=name, kind=kind, polygon=spec.zones()[name]), spec.width, spec.height)
