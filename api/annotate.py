"""Boxes drawn on a copy of the evidence picture, on request; the stored snapshot stays clean."""

from typing import Any

import cv2
import numpy as np

COLOR = (0, 0, 255)  # BGR red


class ImageError(ValueError):
    """The stored picture cannot be decoded."""


def draw_boxes(jpeg: bytes, boxes: list[dict[str, Any]], frame_width: int, frame_height: int) -> bytes:
    """Boxes are in pixels of the frame the detector saw; scale them if the picture differs."""
    image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise ImageError("the snapshot is not a decodable JPEG")
    height, width = image.shape[:2]
    sx = width / frame_width if frame_width else 1.0
    sy = height / frame_height if frame_height else 1.0
    thickness = max(1, round(min(width, height) / 240))
    for box in boxes:
        p1 = (round(float(box["x1"]) * sx), round(float(box["y1"]) * sy))
        p2 = (round(float(box["x2"]) * sx), round(float(box["y2"]) * sy))
        cv2.rectangle(image, p1, p2, COLOR, thickness)
        label = f"{box.get('label', '')} {float(box.get('score', 0)):.2f}".strip()
        cv2.putText(image, label, (p1[0], max(12, p1[1] - 4)), cv2.FONT_HERSHEY_SIMPLEX, 0.4 * thickness, COLOR,
                    thickness)
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])
    if not ok:
        raise ImageError("could not encode the annotated picture")
    return bytes(encoded.tobytes())
