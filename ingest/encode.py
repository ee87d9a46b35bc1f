"""The JPEG a frame carries on ``bk.frames``: the camera's own when it already fits, else the
picture resized to the detect width and encoded. Runs on the camera's reader thread (OpenCV
releases the GIL while it works)."""

import cv2
import numpy as np

from core.contracts.frame import MAX_FRAME_BYTES
from ingest.errors import IngestError
from ingest.picture import CameraJpeg, Picture


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


def passes_through(picture: Picture, target_width: int) -> bool:
    """True when ``picture`` is a camera JPEG that can be published as it is."""
    return (
        isinstance(picture, CameraJpeg) and picture.width <= target_width and len(picture.data) <= MAX_FRAME_BYTES
    )


def frame_jpeg(picture: Picture, target_width: int, quality: int) -> tuple[bytes, int, int]:
    """JPEG bytes, width and height to publish for ``picture``: a camera JPEG no wider than
    ``target_width`` unchanged (no decode, no re-encode), anything else via :func:`encode_jpeg`.
    CorruptPicture when a camera JPEG that needs shrinking cannot be decoded."""
    if isinstance(picture, CameraJpeg):
        if passes_through(picture, target_width):
            return picture.data, picture.width, picture.height
        picture = picture.decode(min_width=target_width)
    return encode_jpeg(picture, target_width, quality)
