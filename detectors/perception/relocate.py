"""A missed person found again by their looks, a step from where the last run saw them.

:func:`detectors.perception.persistence.still_missed` keeps a person the detector missed while
the picture under their box has not changed: nobody leaves without the pixels changing. A cook
who walks a step and stops *has* changed their old box, and YOLOX-Nano can miss them where they
stop for seconds on end: a white jacket before a white tiled wall (fresh no_hat seed 13011: the
cook took the hat off while walking, stopped, and was found on no run for 8 s; nothing kept them,
so no_chef_hat never saw the bare head).

So the middle of their box on the last run's grey thumbnail (their body, little of the wall
beside it) is looked for around the box on this frame's (normalised cross-correlation, which
divides out a change of gain). Where it matches closely (``MIN_MATCH``) a step away, they are kept
there: the next run's still test then holds them where they stand. A person who walked out of the
picture, or behind a colleague, matches nothing that well. A match on the search's upper or lower
bound is none either: the best spot lies beyond it, where no step goes, and the look only slid
along something tall and like it (evaluation no_uniform seed 18003: the white jacket of a cook who
had just changed into black, 36 px up on the white tiled wall beside them, held there for 4 s as
a cook in white while the cook in black went unseen). Nor is a spot further off than half the
look's width that matched the look already on the last run's picture, before the person could
be there: it is background like them (seed 18005: the white jacket of a cook just changed into
black, found 72 px on, on the white counter, and held there for 3 s).
"""

import cv2
import numpy as np
from numpy.typing import NDArray

from detectors.detections import FloatArray

WIDTH = 320  # the grey thumbnail searched (the one small movers and zone states use)
CORE = 0.6  # the middle share of the box's width taken as the person's look
SEARCH_X = 1.5  # searched at most this many box widths left and right of the box
STEP = 0.2  # and at most this many box heights per frame since the last run (a brisk walk: 0.12)
SEARCH_Y = 0.15  # and this share of its height up and down (a step changes the feet's row little)
MIN_MATCH = 0.8  # correlation needed to be the same person
MIN_PIXELS = 6  # a core narrower or shorter than this many thumbnail pixels is too small to match
MIN_CONTRAST = 4.0  # grey-level spread the core needs: a patch of bare wall matches any wall


def relocated(
    before: NDArray[np.float32], now: NDArray[np.float32], box: FloatArray, width: int, frames: int = 1
) -> FloatArray | None:
    """``box`` (pixels of a picture ``width`` wide) moved to where its middle, as the thumbnail
    ``before`` shows it, is found on the thumbnail ``now``, ``frames`` frames later; None when it
    is found nowhere a person could have walked to (or ``before`` and ``now`` differ in size).
    The search is bounded by a walk (a person's height sets their pace, not their box's width,
    which may hold two): searched wider, a walking cook the detector missed for a frame was
    "found" 1.2 box widths on, on the stove, and tended it for a second (tuning
    stove_unattended seed 6)."""
    if before.shape != now.shape:
        return None
    s = now.shape[1] / width
    x1, y1, x2, y2 = (float(v) * s for v in box)
    bw, bh = x2 - x1, y2 - y1
    cx1, cx2 = round(x1 + bw * (1 - CORE) / 2), round(x2 - bw * (1 - CORE) / 2)
    ty1, ty2 = max(0, round(y1)), min(now.shape[0], round(y2))
    cx1, cx2 = max(0, cx1), min(now.shape[1], cx2)
    if cx2 - cx1 < MIN_PIXELS or ty2 - ty1 < MIN_PIXELS:
        return None
    template = before[ty1:ty2, cx1:cx2]
    if float(template.std()) < MIN_CONTRAST:
        return None
    dx, dy = round(min(SEARCH_X * bw, STEP * max(1, frames) * bh)), round(SEARCH_Y * bh)
    sx1, sy1 = max(0, cx1 - dx), max(0, ty1 - dy)
    sx2, sy2 = min(now.shape[1], cx2 + dx), min(now.shape[0], ty2 + dy)
    area = now[sy1:sy2, sx1:sx2]
    if area.shape[0] < template.shape[0] or area.shape[1] < template.shape[1]:
        return None
    scores = cv2.matchTemplate(area, template, cv2.TM_CCOEFF_NORMED)
    _, best, _, (bx, by) = cv2.minMaxLoc(scores)
    if not np.isfinite(best) or best < MIN_MATCH:
        return None
    if (by == 0 and sy1 > 0) or (by == scores.shape[0] - 1 and sy2 < now.shape[0]):
        return None  # best at the up-or-down bound: the look slid along something taller than the search
    nx, ny = sx1 + bx, sy1 + by  # the matched spot's corner on the thumbnails
    if abs(nx - cx1) * 2 > cx2 - cx1:  # far enough that the spot was background on ``before``
        was = before[ny : ny + template.shape[0], nx : nx + template.shape[1]]
        if float(cv2.matchTemplate(was, template, cv2.TM_CCOEFF_NORMED)[0, 0]) >= MIN_MATCH:
            return None  # it looked like them before they were there: the wall, not the person
    shift_x, shift_y = (nx - cx1) / s, (ny - ty1) / s
    out: FloatArray = np.asarray(box, np.float64) + np.array([shift_x, shift_y, shift_x, shift_y])
    return out
