"""Resize and JPEG-encode a picture for ``bk.frames`` (runs on a worker thread: OpenCV releases
the GIL, so the event loop stays responsive)."""

import cv2
import numpy as np

from ingest.errors import IngestError


def fit_width(width: int, height: int, target_width: int) -> tuple[int, int]:
    """Size at ``target_width`` keeping the aspect ratio; pictures are never enlarged."""
    if width <= target_width:
        return width, height
    return target_width, max(1, round(height * target_width / width))


def encode_jpeg(image: np.ndarray, target_width: int, quality: int) -> tuple[bytes, int, int]:
    """JPEG bytes, width and height of ``image`` resized to at most ``target_width`` wide."""
    h, w = image.shape[:2]
    nw, nh = fit_width(w, h, target_width)
    if (nw, nh) != (w, h):
        image = cv2.resize(image, (nw, nh), interpolation=cv2.INTER_AREA)
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise IngestError(f"JPEG encoding failed for a {w}x{h} picture")
    return buf.tobytes(), nw, nh
