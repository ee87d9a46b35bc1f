"""People in the synthetic kitchen: where they are at time t, and how they are drawn.

Each person follows a looped route of waypoints with pauses (cooks stop at the stove and the
counter), at human walking speed. Position at any t is computed directly from the route, so
rendering an arbitrary time costs the same as rendering the next frame.
"""

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from ingest.synthetic.scene import Color, Layout

WHITE: Color = (238, 240, 242)
DARK: Color = (48, 44, 40)
SKIN: Color = (120, 160, 205)
MASK: Color = (210, 190, 150)  # light blue-green surgical mask (BGR)


@dataclass(frozen=True)
class Route:
    """A looped walk: points (feet position, pixels), arrival times and pause ends (seconds)."""

    points: np.ndarray  # (n, 2) float
    depart: np.ndarray  # time the walk from point i starts (after the pause at i)
    arrive: np.ndarray  # time point i+1 is reached
    total: float

    def at(self, t: float) -> tuple[float, float, bool]:
        """Feet position at ``t`` and whether the person is walking."""
        tt = t % self.total
        i = int(np.searchsorted(self.depart, tt, side="right")) - 1
        if i < 0:  # pausing at the first point
            return float(self.points[0, 0]), float(self.points[0, 1]), False
        a, b = self.points[i], self.points[(i + 1) % len(self.points)]
        if tt >= self.arrive[i]:
            return float(b[0]), float(b[1]), False
        f = (tt - self.depart[i]) / max(1e-6, self.arrive[i] - self.depart[i])
        p = a + (b - a) * f
        return float(p[0]), float(p[1]), True


def _make_route(points: np.ndarray, pauses: np.ndarray, speed_px: float) -> Route:
    depart, arrive = [], []
    t = 0.0
    n = len(points)
    for i in range(n):
        t += float(pauses[i])
        depart.append(t)
        dist = float(np.linalg.norm(points[(i + 1) % n] - points[i]))
        t += dist / speed_px
        arrive.append(t)
    return Route(points, np.array(depart), np.array(arrive), t)


def _floor_point(rng: np.random.Generator, lay: Layout) -> list[float]:
    return [
        float(rng.uniform(0.2, 0.8) * lay.width),
        float(rng.uniform(lay.horizon + 0.08 * lay.height, 0.96 * lay.height)),
    ]


def _away_point(rng: np.random.Generator, lay: Layout) -> list[float]:
    """A floor spot well clear of the stove and the floor in front of it."""
    y = float(rng.uniform(lay.horizon + 0.08 * lay.height, 0.96 * lay.height))
    return [float(rng.uniform(0.08, 0.34) * lay.width), y]  # the prep side, well clear of the stove


@lru_cache(maxsize=64)
def cook_route(seed: int, index: int, width: int, height: int, avoid_stove: bool = False) -> Route:
    """Cook ``index``'s route: stove, counter and random floor spots, pausing at each. With
    ``avoid_stove`` the stove visit becomes a second counter visit and floor spots keep away
    from the stove (a ``stove_unattended`` incident)."""
    lay = Layout.of(width, height)
    rng = np.random.default_rng([seed, index, 11])
    stove = [
        (lay.stove_x[0] + lay.stove_x[1]) / 2 + rng.uniform(-0.04, 0.04) * width,
        lay.horizon + 0.1 * height,
    ]
    counter = [rng.uniform(0.25, 0.45) * width, lay.horizon + 0.1 * height]
    if avoid_stove:
        stove = [rng.uniform(0.12, 0.3) * width, lay.horizon + 0.12 * height]
        pts = [stove, _away_point(rng, lay), counter, _away_point(rng, lay), _away_point(rng, lay)]
        start = int(rng.integers(0, len(pts)))
        points = np.array(pts[start:] + pts[:start], np.float64)
        pauses = rng.uniform(2.0, 9.0, len(points))
        return _make_route(points, pauses, speed_px=0.16 * width * float(rng.uniform(0.85, 1.15)))
    pts = [stove, _floor_point(rng, lay), counter, _floor_point(rng, lay), _floor_point(rng, lay)]
    start = int(rng.integers(0, len(pts)))
    points = np.array(pts[start:] + pts[:start], np.float64)
    pauses = rng.uniform(2.0, 9.0, len(points))
    return _make_route(points, pauses, speed_px=0.16 * width * float(rng.uniform(0.85, 1.15)))


@lru_cache(maxsize=64)
def intruder_route(seed: int, start_s: float, width: int, height: int) -> Route:
    """Someone entering through the door and wandering; t = 0 is the incident's start."""
    lay = Layout.of(width, height)
    rng = np.random.default_rng([seed, int(start_s * 1000), 23])
    door = [(lay.door_x[0] + lay.door_x[1]) / 2, lay.horizon + 0.04 * height]
    pts = [door] + [_floor_point(rng, lay) for _ in range(4)]
    pauses = np.concatenate([[0.0], rng.uniform(0.5, 3.0, len(pts) - 1)])
    return _make_route(np.array(pts, np.float64), pauses, speed_px=0.13 * width)


def scale_at(lay: Layout, feet_y: float) -> float:
    """Person height in pixels for feet at ``feet_y``: nearer the camera is bigger."""
    depth = (feet_y - lay.horizon) / max(1.0, lay.height - lay.horizon)
    return lay.height * (0.36 + 0.28 * depth)


def _shade(color: Color, factor: float) -> Color:
    return (int(color[0] * factor), int(color[1] * factor), int(color[2] * factor))


def draw_person(
    img: np.ndarray,
    lay: Layout,
    x: float,
    feet_y: float,
    t: float,
    walking: bool,
    *,
    uniform: bool,
    hat: bool,
    mask: bool,
    phase: float = 0.0,
) -> None:
    """Draw one person standing (or walking) with feet at (x, feet_y)."""
    ph = scale_at(lay, feet_y)
    u = ph / 10.0  # body unit
    swing = np.sin(2 * np.pi * 1.8 * t + phase) if walking else 0.0
    cx, fy = int(x), int(feet_y)
    body_c = WHITE if uniform else DARK
    legs_c: Color = (60, 60, 66) if uniform else (35, 32, 30)
    aa = cv2.LINE_AA
    lw = max(2, int(u * 0.9))
    hip_y = fy - int(4.6 * u)
    # Shadow on the floor.
    cv2.ellipse(img, (cx, fy), (int(2.0 * u), max(1, int(0.45 * u))), 0, 0, 360, (70, 74, 80), -1, aa)
    # Legs, stepping while walking.
    for side in (-1, 1):
        step = int(side * swing * 1.0 * u)
        cv2.line(
            img,
            (cx + side * int(0.5 * u), hip_y),
            (cx + side * int(0.5 * u) + step, fy - int(0.2 * u)),
            legs_c,
            lw,
            aa,
        )
        cv2.ellipse(
            img,
            (cx + side * int(0.5 * u) + step, fy - int(0.15 * u)),
            (max(1, int(0.5 * u)), max(1, int(0.22 * u))),
            0,
            0,
            360,
            (25, 25, 25),
            -1,
            aa,
        )
    # Torso: an ellipse, shaded on the side away from the light.
    torso_c = (cx, fy - int(6.4 * u))
    axes = (max(2, int(1.35 * u)), max(3, int(2.2 * u)))
    cv2.ellipse(img, torso_c, axes, 0, 0, 360, body_c, -1, aa)
    cv2.ellipse(img, torso_c, axes, 0, 270, 450, _shade(body_c, 0.82), -1, aa)
    cv2.ellipse(img, (cx - int(0.3 * u), torso_c[1]), (max(1, int(0.9 * u)), axes[1] - 1), 0, 0, 360, body_c, -1, aa)
    if uniform:  # buttons of a chef's jacket
        for k in range(3):
            cv2.circle(
                img,
                (cx + int(0.35 * u), fy - int((7.2 - 0.8 * k) * u)),
                max(1, int(0.12 * u)),
                (150, 150, 150),
                -1,
                aa,
            )
    # Arms swing opposite to the legs.
    for side in (-1, 1):
        sh = (cx + side * int(1.2 * u), fy - int(7.9 * u))
        hand = (cx + side * int(1.6 * u) - int(side * swing * 0.8 * u), fy - int(5.0 * u))
        cv2.line(img, sh, hand, _shade(body_c, 0.9), max(2, int(0.7 * u)), aa)
        cv2.circle(img, hand, max(1, int(0.35 * u)), SKIN, -1, aa)
    # Head, face mask, chef hat.
    head = (cx, fy - int(9.0 * u))
    hr = max(2, int(0.75 * u))
    cv2.circle(img, (head[0], head[1] + int(0.3 * u)), max(1, int(0.4 * u)), _shade(SKIN, 0.85), -1, aa)  # neck
    cv2.circle(img, head, hr, SKIN, -1, aa)
    cv2.ellipse(img, head, (hr, hr), 0, 300, 420, _shade(SKIN, 0.8), -1, aa)
    cv2.circle(img, (head[0] - int(0.3 * u), head[1] - int(0.15 * u)), max(1, int(0.1 * u)), (30, 30, 30), -1, aa)
    cv2.circle(img, (head[0] + int(0.3 * u), head[1] - int(0.15 * u)), max(1, int(0.1 * u)), (30, 30, 30), -1, aa)
    if mask:
        cv2.rectangle(
            img,
            (head[0] - int(0.6 * u), head[1] + int(0.05 * u)),
            (head[0] + int(0.6 * u), head[1] + int(0.6 * u)),
            MASK,
            -1,
            aa,
        )
    else:
        cv2.line(
            img,
            (head[0] - int(0.25 * u), head[1] + int(0.35 * u)),
            (head[0] + int(0.25 * u), head[1] + int(0.35 * u)),
            (60, 70, 120),
            1,
            aa,
        )
    if hat:
        band_top = head[1] - int(0.55 * u)
        cv2.rectangle(
            img,
            (head[0] - int(0.75 * u), band_top - int(0.9 * u)),
            (head[0] + int(0.75 * u), band_top + int(0.2 * u)),
            WHITE,
            -1,
            aa,
        )
        cv2.ellipse(
            img,
            (head[0], band_top - int(1.1 * u)),
            (max(2, int(1.0 * u)), max(2, int(0.6 * u))),
            0,
            0,
            360,
            WHITE,
            -1,
            aa,
        )
        cv2.ellipse(
            img,
            (head[0], band_top - int(1.1 * u)),
            (max(2, int(1.0 * u)), max(2, int(0.6 * u))),
            0,
            270,
            450,
            _shade(WHITE, 0.86),
            -1,
            aa,
        )
    elif not uniform:  # dark hair
        cv2.ellipse(
            img,
            (head[0], head[1] - int(0.2 * u)),
            (hr, max(1, int(0.6 * u))),
            0,
            180,
            360,
            (30, 30, 35),
            -1,
            aa,
        )
    else:  # cook without hat: visible hair
        cv2.ellipse(
            img,
            (head[0], head[1] - int(0.2 * u)),
            (hr, max(1, int(0.6 * u))),
            0,
            180,
            360,
            (40, 50, 70),
            -1,
            aa,
        )
