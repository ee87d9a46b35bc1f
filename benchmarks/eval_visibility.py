"""When a scripted offender can be seen: the script takes cook 0's hat, mask or jacket off
whatever is in front of them, and a cook hidden behind a colleague (drawn after them, nearer the
camera) shows nothing a detector could judge. Latency "from the incident in view" counts from
the first frame from which most of the part judged (the head for hat and mask, the torso for
clothes) stays uncovered by nearer cooks for the rule's whole dwell, in the scene's reference
geometry (:func:`ingest.synthetic.people.draw_person`'s proportions): a rule alerts only on an
offence seen for its dwell, and an offender who shows their bare face for 2.6 s and then walks
behind a colleague for 6 s (no_mask 20201) cannot be alerted on before they come out again."""

import cv2
import numpy as np

from ingest.synthetic import SyntheticSpec
from ingest.synthetic.people import scale_at
from ingest.synthetic.render import cook_at
from ingest.synthetic.scene import Layout

FPS = 5
HIDDEN_SHARE = 0.5  # a part with at least this share of its pixels covered is out of view
PART_OF = {"no_chef_hat": "head", "no_mask": "head", "no_uniform": "torso"}


def _draw(mask: np.ndarray, lay: Layout, x: float, feet_y: float, part: str) -> None:
    """Fill ``part`` ("head", "torso" or "all": head, hat and torso) of a cook at (x, feet_y)."""
    u = scale_at(lay, feet_y) / 10.0
    cx, fy = int(x), int(feet_y)
    if part in ("head", "all"):
        cv2.circle(mask, (cx, fy - int(9.0 * u)), max(2, int(0.75 * u)), 255, -1)
    if part in ("torso", "all"):
        axes = (max(2, int(1.35 * u)), max(3, int(2.2 * u)))
        cv2.ellipse(mask, (cx, fy - int(6.4 * u)), axes, 0, 0, 360, 255, -1)
    if part == "all":  # the hat, when worn, and the arms beside the torso
        band_top = fy - int(9.0 * u) - int(0.55 * u)
        cv2.rectangle(mask, (cx - int(0.75 * u), band_top - int(1.7 * u)), (cx + int(0.75 * u), band_top), 255, -1)
        cv2.rectangle(mask, (cx - int(1.6 * u), fy - int(7.9 * u)), (cx + int(1.6 * u), fy - int(5.0 * u)), 255, -1)


def offender_hidden(spec: SyntheticSpec, t: float, part: str) -> bool:
    """Whether cook 0's ``part`` is mostly covered by the cooks drawn in front of it at ``t``
    (or out of the picture)."""
    if spec.people == 0:
        return True
    lay = Layout.of(spec.width, spec.height)
    away = spec.active("stove_unattended", t)
    spots = [cook_at(spec, i, t, away)[:2] for i in range(spec.people)]
    x0, y0 = spots[0]
    mine = np.zeros((spec.height, spec.width), np.uint8)
    _draw(mine, lay, x0, y0, part)
    own = cv2.countNonZero(mine)
    if own == 0:
        return True
    front = np.zeros_like(mine)
    for x, y in spots[1:]:
        if (y, x) > (y0, x0):  # the renderer draws people sorted by (feet y, x): far ones first
            _draw(front, lay, x, y, "all")
    return cv2.countNonZero(cv2.bitwise_and(mine, front)) >= HIDDEN_SHARE * own


def in_view_from(spec: SyntheticSpec, rule: str, start_s: float, end_s: float, dwell_s: float = 0.0) -> float:
    """The first frame time in [start_s, end_s) from which the offender of ``rule`` stays in view
    on every frame for ``dwell_s`` (or up to ``end_s``); ``start_s`` for rules without an
    offender's part, ``end_s`` when never."""
    part = PART_OF.get(rule)
    if part is None:
        return start_s
    first, last = round(start_s * FPS), round(end_s * FPS)
    run_from: int | None = None
    for i in range(first, last):
        if offender_hidden(spec, i / FPS, part):
            run_from = None
            continue
        run_from = i if run_from is None else run_from
        if (i + 1 - run_from) >= dwell_s * FPS:
            return run_from / FPS
    return end_s if run_from is None else run_from / FPS
