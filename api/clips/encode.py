"""Encode frames as a WebM (VP8) clip: the H.264 encoder is missing from the OpenCV wheels and
browsers do not play MPEG-4 Part 2 (FACTS.md); Chromium plays WebM VP8."""

import os
import tempfile

import cv2
import numpy as np

from core.contracts import Frame


class ClipError(Exception):
    """A clip could not be made; the text says why."""


def encode_webm(frames: list[Frame]) -> bytes:
    """The frames as a WebM clip at their measured rate (each frame shown once, in order)."""
    if len(frames) < 2:
        raise ClipError(f"need at least 2 frames for a clip, got {len(frames)}")
    span_s = max((frames[-1].captured_ms - frames[0].captured_ms) / 1000, 0.001)
    fps = min(max((len(frames) - 1) / span_s, 1.0), 30.0)
    first = _decode(frames[0])
    height, width = first.shape[:2]
    fd, path = tempfile.mkstemp(suffix=".webm")
    os.close(fd)
    try:
        writer = cv2.VideoWriter(path, cv2.VideoWriter.fourcc(*"VP80"), fps, (width, height))
        if not writer.isOpened():
            raise ClipError("this OpenCV build cannot write WebM (VP8)")
        try:
            for frame in frames:
                image = _decode(frame)
                if image.shape[:2] != (height, width):
                    image = cv2.resize(image, (width, height))
                writer.write(image)
        finally:
            writer.release()
        with open(path, "rb") as f:
            data = f.read()
    finally:
        os.unlink(path)
    if not data:
        raise ClipError("the encoder wrote nothing")
    return data


def _decode(frame: Frame) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(frame.jpeg, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise ClipError(f"frame {frame.seq} of camera {frame.camera_id} is not a decodable JPEG")
    return image
