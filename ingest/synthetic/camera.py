"""The synthetic camera itself: its viewpoint, a knock that moves it, defocus, infrared night mode,
and where the kitchen's stove, floor and bin appear in its picture.

The viewpoint is an affine map of the drawn room chosen by the seed (``pose`` scales how far it
strays from the reference view); a ``displaced`` incident adds a second, larger one for its
duration. :func:`scene_zones` maps the room's zones through the same viewpoint, so a site written
from them matches the pictures.
"""

import math
from functools import lru_cache

import cv2
import numpy as np

from ingest.synthetic.scene import Layout
from ingest.synthetic.spec import Incident, Polygon, SyntheticSpec

IR_GAIN = 0.62  # infrared picture level relative to the lit scene
IR_FALLOFF = 0.55  # the IR illuminator lights the centre more than the corners


def _affine(width: int, height: int, angle_deg: float, scale: float, dx: float, dy: float) -> np.ndarray:
    """Rotate and scale about the picture centre, then shift by (dx, dy) pixels."""
    m = cv2.getRotationMatrix2D((width / 2, height / 2), angle_deg, scale)
    m[0, 2] += dx
    m[1, 2] += dy
    return m


@lru_cache(maxsize=64)
def pose_matrix(seed: int, pose: float, width: int, height: int) -> np.ndarray | None:
    """The camera's viewpoint relative to the reference view (None: the reference view itself)."""
    if pose <= 0:
        return None
    rng = np.random.default_rng([seed, 31])
    angle = float(rng.uniform(-3.0, 3.0)) * pose
    scale = 1.0 + float(rng.uniform(0.03, 0.12)) * pose  # zoomed in a little, so borders stay inside
    dx = float(rng.uniform(-0.03, 0.03)) * width * pose
    dy = float(rng.uniform(-0.03, 0.03)) * height * pose
    m = _affine(width, height, angle, scale, dx, dy)
    m.setflags(write=False)
    return m


@lru_cache(maxsize=64)
def knock_matrix(seed: int, start_s: float, width: int, height: int) -> np.ndarray:
    """How a knock moved the camera: 2-7 degrees of roll and a 5-12 % shift, by seed and time."""
    rng = np.random.default_rng([seed, int(start_s * 1000), 37])
    angle = float(rng.uniform(2.0, 7.0)) * float(rng.choice([-1.0, 1.0]))
    dx = float(rng.uniform(0.05, 0.12)) * width * float(rng.choice([-1.0, 1.0]))
    dy = float(rng.uniform(0.03, 0.10)) * height * float(rng.choice([-1.0, 1.0]))
    m = _affine(width, height, angle, 1.0, dx, dy)
    m.setflags(write=False)
    return m


def _compose(first: np.ndarray | None, then: np.ndarray | None) -> np.ndarray | None:
    """The affine map applying ``first`` and then ``then``."""
    if first is None or then is None:
        return then if first is None else first
    a = np.vstack([first, [0.0, 0.0, 1.0]])
    b = np.vstack([then, [0.0, 0.0, 1.0]])
    out: np.ndarray = (b @ a)[:2]
    return out


def view_matrix(spec: SyntheticSpec, t: float) -> np.ndarray | None:
    """The full viewpoint at ``t``: the seed's pose, then a knock if one is in effect."""
    pose = pose_matrix(spec.seed, spec.pose, spec.width, spec.height)
    knock: Incident | None = spec.active("displaced", t)
    if knock is None:
        return pose
    return _compose(pose, knock_matrix(spec.seed, knock.start_s, spec.width, spec.height))


def apply_view(img: np.ndarray, m: np.ndarray | None) -> np.ndarray:
    """The picture as the camera at viewpoint ``m`` sees it (the room continues past the edges)."""
    if m is None:
        return img
    h, w = img.shape[:2]
    out: np.ndarray = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT101)
    return out


def defocus(img: np.ndarray, spec: SyntheticSpec, start_s: float) -> np.ndarray:
    """An out-of-focus lens: a blur of 0.6-1.2 % of the width (4-8 px at 640), by seed and time."""
    rng = np.random.default_rng([spec.seed, int(start_s * 1000), 41])
    sigma = float(rng.uniform(0.006, 0.012)) * spec.width
    out: np.ndarray = np.asarray(cv2.GaussianBlur(img, (0, 0), sigma))
    return out


@lru_cache(maxsize=16)
def _ir_falloff(width: int, height: int) -> np.ndarray:
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    r2 = ((xx - width / 2) / (width / 2)) ** 2 + ((yy - height / 2) / (height / 2)) ** 2
    out: np.ndarray = (IR_GAIN * (1.0 - IR_FALLOFF * r2 / 2.0)).astype(np.float32)
    out.setflags(write=False)
    return out


def infrared(img: np.ndarray) -> np.ndarray:
    """Night mode: the camera switches to its IR illuminator; colour is gone, light falls off."""
    grey = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY).astype(np.float32)
    lit = np.clip(grey * _ir_falloff(img.shape[1], img.shape[0]) + 6.0, 0, 255).astype(np.uint8)
    out: np.ndarray = cv2.cvtColor(lit, cv2.COLOR_GRAY2BGR)
    return out


def room_zones(lay: Layout) -> dict[str, list[tuple[float, float]]]:
    """The stove, floor and bin zones in pixels of the reference view (before any camera pose)."""
    w, h = lay.width, lay.height
    sx0, sx1 = lay.stove_x
    stove = [
        (sx0 - 0.04 * w, lay.counter_top - 0.07 * h),
        (sx1 + 0.04 * w, lay.counter_top - 0.07 * h),
        (sx1 + 0.06 * w, lay.horizon + 0.17 * h),
        (sx0 - 0.06 * w, lay.horizon + 0.17 * h),
    ]
    floor = [(0.0, float(lay.horizon)), (float(w), float(lay.horizon)), (float(w), float(h)), (0.0, float(h))]
    bx, by = lay.bin_center
    rx, bh = lay.bin_size
    top = by - bh
    pad = 0.012 * w
    bin_lid = [
        (bx - rx - pad, top - 2.1 * rx),
        (bx + rx + pad, top - 2.1 * rx),
        (bx + rx + pad, top + 0.05 * h),
        (bx - rx - pad, top + 0.05 * h),
    ]
    return {"stove": stove, "floor": floor, "bin": bin_lid}


def scene_zones(spec: SyntheticSpec) -> dict[str, Polygon]:
    """The room's zones seen from ``spec``'s viewpoint, normalised to 0..1 and clipped to the picture."""
    lay = Layout.of(spec.width, spec.height)
    m = pose_matrix(spec.seed, spec.pose, spec.width, spec.height)
    out: dict[str, Polygon] = {}
    for name, points in room_zones(lay).items():
        pts = np.array(points, np.float64)
        if m is not None:
            pts = pts @ m[:, :2].T + m[:, 2]
        xs = np.clip(pts[:, 0] / spec.width, 0.0, 1.0)
        ys = np.clip(pts[:, 1] / spec.height, 0.0, 1.0)
        out[name] = [(round(float(x), 4), round(float(y), 4)) for x, y in zip(xs, ys, strict=True)]
    return out


def roll_degrees(m: np.ndarray) -> float:
    """The roll angle of an affine viewpoint (for tests)."""
    return math.degrees(math.atan2(-float(m[0, 1]), float(m[0, 0])))
