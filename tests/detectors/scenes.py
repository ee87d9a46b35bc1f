"""Synthetic kitchen pictures drawn with OpenCV for detector tests (no footage needed)."""

import cv2
import numpy as np
from numpy.typing import NDArray

Image = NDArray[np.uint8]
W, H = 640, 360


def kitchen(seed: int = 0, width: int = W, height: int = H) -> Image:
    """A lit kitchen: tiled wall, counter, stove, pots, shelves, a little sensor noise."""
    rng = np.random.default_rng(seed)
    img = np.zeros((height, width, 3), np.float32)
    img[:] = (200, 205, 210)
    for x in range(0, width, 32):  # wall tiles
        cv2.line(img, (x, 0), (x, height // 2), (150, 150, 155), 1)
    for y in range(0, height // 2, 32):
        cv2.line(img, (0, y), (width, y), (150, 150, 155), 1)
    cv2.rectangle(img, (0, height // 2), (width, height), (120, 110, 100), -1)  # floor
    cv2.rectangle(img, (40, height // 2 - 40), (380, height // 2 + 60), (170, 170, 175), -1)  # counter
    cv2.rectangle(img, (420, height // 2 - 60), (600, height // 2 + 80), (60, 60, 70), -1)  # stove
    for cx in (460, 560):
        cv2.circle(img, (cx, height // 2 - 70), 28, (90, 90, 95), -1)  # pots
    for y in (40, 90):
        cv2.rectangle(img, (60, y), (360, y + 8), (80, 100, 130), -1)  # shelves
    for i in range(12):
        cv2.rectangle(img, (70 + 25 * i, 55), (85 + 25 * i, 88), (50 + 15 * i % 200, 120, 200 - 10 * i), -1)
    img += rng.normal(0, 2.0, img.shape).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.uint8)


def dark(seed: int = 0, gain: float = 0.12) -> Image:
    """The same kitchen with the lights off: very dim, sensor noise, texture still there."""
    rng = np.random.default_rng(seed + 1000)
    img = kitchen(seed).astype(np.float32) * gain + rng.normal(0, 1.5, (H, W, 3))
    return np.clip(img, 0, 255).astype(np.uint8)


def covered(seed: int = 0) -> Image:
    """A hand or cloth over the lens: flat skin colour with a soft shading gradient and noise."""
    rng = np.random.default_rng(seed + 2000)
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    shade = 1.0 - 0.25 * (((xx - W * 0.4) / W) ** 2 + ((yy - H * 0.6) / H) ** 2)
    base = np.array([110, 140, 190], np.float32)
    img = base * shade[..., None] + rng.normal(0, 2.0, (H, W, 3))
    out: Image = np.clip(img, 0, 255).astype(np.uint8)
    return out


def black(seed: int = 0) -> Image:
    """A blacked-out picture (lens taped, video cut to black)."""
    rng = np.random.default_rng(seed + 3000)
    return np.clip(rng.normal(3, 1.5, (H, W, 3)), 0, 255).astype(np.uint8)


def with_person(img: Image, x: int, y: int = 120, w: int = 50, h: int = 170) -> Image:
    """Draw a dark-clothed standing figure (head + body) with its top-left at (x, y)."""
    out = img.copy()
    cv2.rectangle(out, (x, y + h // 5), (x + w, y + h), (40, 50, 60), -1)
    cv2.circle(out, (x + w // 2, y + h // 10), h // 10, (120, 150, 200), -1)
    return out


def with_walker(img: Image, x: float, feet_y: float = 300, *, hat: bool = False, mask: bool = False,
                uniform: bool = False) -> Image:
    """Draw a person shaped like one (head, torso, arms, legs; the synthetic camera's drawing) with
    the feet at (x, feet_y): dark clothes and bare head by default, as an intruder."""
    from ingest.synthetic.people import draw_person
    from ingest.synthetic.scene import Layout

    out = img.copy()
    lay = Layout.of(out.shape[1], out.shape[0])
    draw_person(out, lay, x, feet_y, 0.0, False, uniform=uniform, hat=hat, mask=mask)
    return out


def jpeg(img: Image, quality: int = 80) -> bytes:
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return buf.tobytes()


def roundtrip(img: Image, quality: int = 80) -> Image:
    """What the detector sees after the JPEG hop on bk.frames."""
    return decode(jpeg(img, quality))


def decode(data: bytes) -> Image:
    out = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert out is not None
    return out.astype(np.uint8)
