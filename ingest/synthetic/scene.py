"""The static part of the synthetic kitchen: walls, floor, counters, stove, hood, door and bin.

Drawn once per (seed, size) and cached, so a frame only pays for what moves. All positions are
fractions of the picture so any resolution gives the same room.
"""

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from ingest.synthetic.spec import SyntheticSpec

Color = tuple[int, int, int]


@dataclass(frozen=True)
class Layout:
    """Where things are, in pixels, for one picture size."""

    width: int
    height: int
    horizon: int  # where the back wall meets the floor
    counter_top: int
    counter_bottom: int
    stove_x: tuple[int, int]
    burners: tuple[tuple[int, int], ...]
    door_x: tuple[int, int]
    bin_center: tuple[int, int]
    bin_size: tuple[int, int]  # radius x, body height

    @staticmethod
    def of(width: int, height: int) -> "Layout":
        w, h = width, height
        top = int(0.40 * h)
        stove = (int(0.52 * w), int(0.74 * w))
        span = stove[1] - stove[0]
        burners = tuple((stove[0] + int(span * f), top + int(0.025 * h)) for f in (0.25, 0.75))
        return Layout(
            width=w,
            height=h,
            horizon=int(0.56 * h),
            counter_top=top,
            counter_bottom=int(0.58 * h),
            stove_x=stove,
            burners=burners,
            door_x=(int(0.03 * w), int(0.13 * w)),
            bin_center=(int(0.88 * w), int(0.80 * h)),
            bin_size=(max(4, int(0.045 * w)), max(6, int(0.16 * h))),
        )


def _tiles(img: np.ndarray, y0: int, y1: int, step: int, base: Color, grout: Color, rng: np.random.Generator) -> None:
    """Square wall tiles with slightly varying shades and grout lines."""
    w = img.shape[1]
    for y in range(y0, y1, step):
        for x in range(0, w, step):
            shade = int(rng.integers(-6, 7))
            color = tuple(int(np.clip(c + shade, 0, 255)) for c in base)
            cv2.rectangle(img, (x, y), (x + step - 1, min(y1, y + step) - 1), color, -1)
    for y in range(y0, y1, step):
        cv2.line(img, (0, y), (w, y), grout, 1)
    for x in range(0, w, step):
        cv2.line(img, (x, y0), (x, y1), grout, 1)


def _floor(img: np.ndarray, lay: Layout, rng: np.random.Generator) -> None:
    """Floor tiles in perspective: rows get deeper towards the camera, columns converge."""
    w, h, hz = lay.width, lay.height, lay.horizon
    img[hz:] = (96, 104, 112)
    vx, vy = w // 2, int(0.1 * h)
    rows = [hz]
    y = float(hz)
    step = 0.035 * h
    while y < h:
        step *= 1.28
        y += step
        rows.append(min(h, int(y)))
    for i in range(len(rows) - 1):
        for j in range(-12, 13):
            if (i + j) % 2:
                continue
            pts = []
            for yy in (rows[i], rows[i + 1]):
                k = (yy - vy) / max(1, hz - vy)
                pts.append([(vx + (j * 0.09 * w) * k), yy])
                pts.append([(vx + ((j + 1) * 0.09 * w) * k), yy])
            quad = np.array([pts[0], pts[1], pts[3], pts[2]], np.int32)
            shade = int(rng.integers(-4, 5))
            cv2.fillConvexPoly(img, quad, (112 + shade, 120 + shade, 128 + shade), cv2.LINE_AA)


def _stainless(img: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> None:
    """A brushed-steel block: vertical gradient with a soft highlight band."""
    if x1 <= x0 or y1 <= y0:
        return
    ys = np.linspace(0.0, 1.0, y1 - y0, dtype=np.float32)[:, None]
    xs = np.linspace(0.0, 1.0, x1 - x0, dtype=np.float32)[None, :]
    level = 150 + 45 * np.exp(-((xs - 0.35) ** 2) / 0.02) - 30 * ys
    block = np.repeat(level[:, :, None], 3, axis=2) + np.array([6, 2, -4], np.float32)
    img[y0:y1, x0:x1] = np.clip(block, 0, 255).astype(np.uint8)


def _clutter(img: np.ndarray, lay: Layout, seed: int, count: int) -> None:
    """Everyday things lying around: pots on the counter, boxes and a bucket on the floor, an
    orange towel on the stove front (flame-coloured but still), notices on the wall."""
    rng = np.random.default_rng([seed, 53])
    w, h = lay.width, lay.height
    aa = cv2.LINE_AA
    for i in range(count):
        kind = (int(rng.integers(0, 5)) + i) % 5
        if kind == 0:  # a pot on the counter
            x = int(rng.uniform(0.2, 0.5) * w)
            r = max(3, int(rng.uniform(0.02, 0.035) * w))
            grey = int(rng.integers(90, 190))
            cv2.rectangle(img, (x - r, lay.counter_top - r), (x + r, lay.counter_top), (grey, grey, grey + 4), -1)
            cv2.ellipse(img, (x, lay.counter_top - r), (r, max(1, r // 3)), 0, 0, 360, (grey - 30,) * 3, -1, aa)
        elif kind == 1:  # a cardboard box against the back wall
            x = int(rng.uniform(0.15, 0.95) * w)
            bw, bh = int(rng.uniform(0.04, 0.08) * w), int(rng.uniform(0.04, 0.08) * h)
            y = lay.horizon + int(rng.uniform(0.0, 0.02) * h)
            cv2.rectangle(img, (x, y - bh), (x + bw, y), (70, 120, 165), -1)
            cv2.line(img, (x, y - bh // 2), (x + bw, y - bh // 2), (50, 90, 130), 1)
        elif kind == 2:  # an orange towel hanging on the stove front
            sx0, sx1 = lay.stove_x
            x = int(rng.uniform(sx0, sx1 - 0.04 * w))
            cv2.rectangle(
                img, (x, lay.counter_top + h // 25), (x + int(0.035 * w), lay.counter_bottom), (40, 130, 240), -1
            )
        elif kind == 3:  # a yellow mop bucket on the floor
            x = int(rng.uniform(0.05, 0.3) * w)
            y = int(rng.uniform(0.62, 0.7) * h)
            r = max(4, int(0.03 * w))
            cv2.rectangle(img, (x - r, y - int(1.4 * r)), (x + r, y), (40, 200, 230), -1)
            cv2.ellipse(img, (x, y - int(1.4 * r)), (r, max(1, r // 3)), 0, 0, 360, (30, 160, 190), -1, aa)
        else:  # a notice on the wall
            x, y = int(rng.uniform(0.5, 0.95) * w), int(rng.uniform(0.05, 0.25) * h)
            color = tuple(int(c) for c in rng.integers(120, 250, 3))
            cv2.rectangle(img, (x, y), (x + int(0.05 * w), y + int(0.09 * h)), color, -1)
            for k in range(3):
                yy = y + int((0.02 + 0.02 * k) * h)
                cv2.line(img, (x + 3, yy), (x + int(0.045 * w), yy), (60, 60, 60), 1)


def _draw_static(spec_seed: int, width: int, height: int, clutter: int = 0) -> np.ndarray:
    rng = np.random.default_rng(spec_seed)
    lay = Layout.of(width, height)
    img = np.zeros((height, width, 3), np.uint8)
    w, h = width, height
    _tiles(img, 0, lay.horizon, max(8, int(0.05 * h)), (214, 218, 206), (170, 172, 168), rng)
    _floor(img, lay, rng)
    # Door on the back wall (the way in for an intruder).
    dx0, dx1 = lay.door_x
    cv2.rectangle(img, (dx0, int(0.12 * h)), (dx1, lay.horizon), (52, 78, 110), -1)
    cv2.rectangle(img, (dx0, int(0.12 * h)), (dx1, lay.horizon), (30, 45, 70), 2)
    cv2.circle(img, (dx1 - max(3, w // 90), int(0.36 * h)), max(2, w // 200), (150, 170, 190), -1)
    # Counter along the back wall: worktop strip, stainless front.
    cx0, cx1 = int(0.18 * w), int(0.97 * w)
    _stainless(img, cx0, lay.counter_top, cx1, lay.counter_bottom)
    cv2.rectangle(img, (cx0, lay.counter_top), (cx1, lay.counter_top + max(2, h // 60)), (210, 212, 214), -1)
    for x in range(cx0, cx1, max(20, int(0.1 * w))):  # cabinet doors
        cv2.line(img, (x, lay.counter_top + h // 40), (x, lay.counter_bottom - 2), (110, 112, 116), 1)
    # Stove: dark top with two burners, and an extractor hood above.
    sx0, sx1 = lay.stove_x
    cv2.rectangle(img, (sx0, lay.counter_top - h // 60), (sx1, lay.counter_top + h // 25), (40, 40, 44), -1)
    for bx, by in lay.burners:
        cv2.ellipse(img, (bx, by), (max(4, w // 40), max(2, h // 90)), 0, 0, 360, (20, 20, 22), -1, cv2.LINE_AA)
        cv2.ellipse(img, (bx, by), (max(4, w // 40), max(2, h // 90)), 0, 0, 360, (90, 90, 95), 1, cv2.LINE_AA)
    hood = np.array(
        [
            [sx0 - w // 50, int(0.24 * h)],
            [sx1 + w // 50, int(0.24 * h)],
            [sx1 - w // 30, int(0.08 * h)],
            [sx0 + w // 30, int(0.08 * h)],
        ],
        np.int32,
    )
    cv2.fillConvexPoly(img, hood, (170, 172, 176), cv2.LINE_AA)
    cv2.line(img, tuple(hood[0]), tuple(hood[1]), (120, 122, 126), 2, cv2.LINE_AA)
    # Shelf with containers on the wall.
    shelf_y = int(0.2 * h)
    cv2.rectangle(img, (int(0.2 * w), shelf_y), (int(0.45 * w), shelf_y + max(2, h // 90)), (150, 150, 155), -1)
    for i in range(5):
        x = int((0.21 + 0.045 * i) * w)
        color = tuple(int(c) for c in rng.integers(60, 200, 3))
        cv2.rectangle(img, (x, shelf_y - int(0.06 * h)), (x + int(0.03 * w), shelf_y), color, -1)
    # Bin body (the lid is drawn per frame so a later incident can open it).
    bx, by = lay.bin_center
    rx, bh = lay.bin_size
    cv2.rectangle(img, (bx - rx, by - bh), (bx + rx, by), (70, 110, 60), -1)
    cv2.ellipse(img, (bx, by), (rx, max(2, rx // 3)), 0, 0, 180, (60, 95, 50), -1, cv2.LINE_AA)
    cv2.line(img, (bx - rx // 2, by - bh), (bx - rx // 2, by), (85, 130, 75), 2)
    if clutter:
        _clutter(img, lay, spec_seed, clutter)
    # Light falls off towards the corners (lens vignetting).
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    r2 = ((xx - w / 2) / (w / 2)) ** 2 + ((yy - h / 2) / (h / 2)) ** 2
    gain = (1.0 - 0.22 * r2)[:, :, None]
    out: np.ndarray = np.clip(img.astype(np.float32) * gain, 0, 255).astype(np.uint8)
    return out


# Per synthetic camera of a process: a 640x360 background (0.7 MB) and its noise bank (8.3 MB).
# Cameras are rendered in turn, so a cache smaller than the camera count misses on every frame
# (at 16, an ingest of 18 synthetic cameras went from 24 % to 93 % of a core).
CAMERAS_CACHED = 64


@lru_cache(maxsize=CAMERAS_CACHED)
def _static_cached(seed: int, width: int, height: int, clutter: int) -> np.ndarray:
    img = _draw_static(seed, width, height, clutter)
    img.setflags(write=False)
    return img


def static_scene(spec: SyntheticSpec) -> np.ndarray:
    """The read-only background of ``spec``'s kitchen (copy before drawing on it)."""
    return _static_cached(spec.seed, spec.width, spec.height, spec.clutter)


@lru_cache(maxsize=CAMERAS_CACHED)
def noise_bank(seed: int, width: int, height: int, count: int = 6) -> tuple[np.ndarray, ...]:
    """Pre-drawn sensor noise as (positive, negative) uint8 pairs: adding them with saturation
    is far cheaper than drawing Gaussian noise for every frame."""
    rng = np.random.default_rng(seed + 7919)
    bank: list[np.ndarray] = []
    for _ in range(count):
        noise = rng.normal(0.0, 3.0, (height, width, 3)).astype(np.float32)
        pos = np.clip(noise, 0, 255).astype(np.uint8)
        neg = np.clip(-noise, 0, 255).astype(np.uint8)
        bank.extend((pos, neg))
    return tuple(bank)


@lru_cache(maxsize=16)
def cloth_texture(seed: int, width: int, height: int) -> np.ndarray:
    """A dark, almost uniform cloth pressed on the lens: soft folds, very little detail."""
    rng = np.random.default_rng(seed + 104729)
    small = rng.normal(0.0, 1.0, (max(2, height // 40), max(2, width // 40))).astype(np.float32)
    folds = cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC)
    grey = 38.0 + 3.0 * folds
    img = np.stack([grey + 2, grey, grey - 1], axis=2)
    out = np.clip(img, 0, 255).astype(np.uint8)
    out.setflags(write=False)
    return out
