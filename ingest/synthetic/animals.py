"""A rat in the synthetic kitchen: where it runs during a ``rodent`` incident and how it is drawn.

Rats keep to walls and run in bursts: the path goes from one side of the floor to the other near
the back wall or the counter base (sometimes across the open floor), at 0.15-0.35 picture widths
per second, with short stops, and back again if the incident lasts longer than one crossing.
"""

import math
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from ingest.synthetic.scene import Layout

FUR = (52, 58, 66)  # dark grey-brown (BGR)


@dataclass(frozen=True)
class RatPath:
    start: tuple[float, float]
    end: tuple[float, float]
    speed: float  # pixels per second while running
    stops: tuple[tuple[float, float], ...]  # (fraction of the way, seconds stopped)

    def crossing_s(self) -> float:
        dist = math.dist(self.start, self.end)
        return dist / self.speed + sum(s for _, s in self.stops)

    def at(self, local_t: float) -> tuple[float, float, float]:
        """Position and heading (+1 right, -1 left) ``local_t`` seconds into the incident."""
        cross = self.crossing_s()
        leg, tt = divmod(local_t, cross)
        forward = int(leg) % 2 == 0
        dist = math.dist(self.start, self.end)
        run_time = tt  # seconds of running so far: time minus the stops already made
        for frac, pause in self.stops:
            reach = frac * dist / self.speed
            if run_time <= reach:
                break
            run_time = max(reach, run_time - pause)
        travelled = min(dist, run_time * self.speed)
        f = travelled / max(dist, 1e-6)
        if not forward:
            f = 1.0 - f
        x = self.start[0] + (self.end[0] - self.start[0]) * f
        y = self.start[1] + (self.end[1] - self.start[1]) * f
        heading = math.copysign(1.0, (self.end[0] - self.start[0]) * (1 if forward else -1))
        return x, y, heading


@lru_cache(maxsize=64)
def rat_path(seed: int, start_s: float, width: int, height: int) -> RatPath:
    lay = Layout.of(width, height)
    rng = np.random.default_rng([seed, int(start_s * 1000), 43])
    base = float(rng.choice([0.03, 0.06, 0.15, 0.3])) * height  # along the wall .. across the floor
    y0 = lay.horizon + base + float(rng.uniform(0.0, 0.04)) * height
    y1 = min(0.95 * height, y0 + float(rng.uniform(-0.03, 0.08)) * height)
    left, right = float(rng.uniform(0.02, 0.2)) * width, float(rng.uniform(0.8, 0.98)) * width
    a, b = ((left, y0), (right, y1)) if rng.random() < 0.5 else ((right, y0), (left, y1))
    n = int(rng.integers(0, 3))
    stops = tuple(sorted((float(rng.uniform(0.15, 0.85)), float(rng.uniform(0.4, 1.5))) for _ in range(n)))
    return RatPath(a, b, float(rng.uniform(0.15, 0.35)) * width, stops)


def draw_rat(img: np.ndarray, lay: Layout, x: float, y: float, heading: float, t: float) -> None:
    """A rat with its feet at (x, y): a body ellipse, a head, a thin tail; nearer is bigger."""
    depth = (y - lay.horizon) / max(1.0, lay.height - lay.horizon)
    length = lay.width * (0.028 + 0.022 * depth)
    aa = cv2.LINE_AA
    cx, cy = int(x), int(y - 0.22 * length)
    body = (max(3, int(length / 2)), max(2, int(length * 0.2)))
    bob = round(math.sin(t * 25.0) * 0.04 * length)
    cv2.ellipse(img, (cx, cy + bob), body, 0, 0, 360, FUR, -1, aa)
    head = (int(cx + heading * length * 0.5), cy + bob + int(0.04 * length))
    cv2.ellipse(img, head, (max(2, int(length * 0.2)), max(1, int(length * 0.13))), 0, 0, 360, FUR, -1, aa)
    tail_end = (int(cx - heading * length * 1.05), int(cy + 0.12 * length))
    cv2.line(img, (int(cx - heading * length * 0.45), cy), tail_end, (70, 76, 86), max(1, int(length * 0.05)), aa)
