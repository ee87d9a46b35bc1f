"""``render(spec, t)``: the synthetic kitchen camera's picture at ``t`` seconds after its start.

Pure and deterministic: the same spec and time give the same pixels, so benchmarks and tests
can make labelled frames (ground truth comes from ``spec.incidents_at(t)``, never from pixels
or headers). Static parts are cached; a 640×360 frame costs a few milliseconds.
"""

import math

import cv2
import numpy as np

from ingest.synthetic.animals import draw_rat, rat_path
from ingest.synthetic.camera import apply_view, defocus, infrared, view_matrix
from ingest.synthetic.people import cook_route, draw_person, intruder_route
from ingest.synthetic.scene import Layout, cloth_texture, noise_bank, static_scene
from ingest.synthetic.spec import Incident, SyntheticSpec

HAND_S = 0.3  # how long a hand edge is seen while the lens is being covered
LIGHTS_OFF_GAIN = 0.22
WALK_SPEED = 0.2  # picture widths per second, walking away from the stove


def _frame_index(spec: SyntheticSpec, t: float) -> int:
    return math.floor(t * spec.fps + 1e-6)


def _flicker(spec: SyntheticSpec, t: float) -> float:
    """Mains-lighting flicker plus a slow drift: a percent or two, never periodic to the frame."""
    return 1.0 + 0.012 * math.sin(2 * math.pi * 0.7 * t + spec.seed) + 0.008 * math.sin(2 * math.pi * 3.1 * t)


def _draw_flames(img: np.ndarray, lay: Layout, t: float, seed: int) -> None:
    """Flickering gas flames: blue roots, orange tongues with yellow cores, a warm glow."""
    rng = np.random.default_rng([seed, int(t * 12.5), 5])
    rx = max(4, lay.width // 40)
    aa = cv2.LINE_AA
    for bx, by in lay.burners:
        cv2.ellipse(img, (bx, by), (rx + 3, max(3, lay.height // 70)), 0, 0, 360, (60, 110, 170), -1, aa)
        for k in range(6):
            fx = int(bx + (k / 5.0 - 0.5) * 1.6 * rx)
            hgt = lay.height * (0.025 + 0.02 * float(rng.random()))
            half = max(2, rx // 5)
            lean = int(rng.integers(-2, 3))
            tongue = np.array([[fx - half, by], [fx + half, by], [fx + lean, int(by - hgt)]], np.int32)
            cv2.fillConvexPoly(img, tongue, (30, 140, 250), aa)
            core = np.array(
                [[fx - half // 2, by], [fx + half // 2, by], [fx + lean // 2, int(by - hgt * 0.55)]], np.int32
            )
            cv2.fillConvexPoly(img, core, (120, 230, 255), aa)
        cv2.ellipse(img, (bx, by), (rx, max(2, lay.height // 120)), 0, 0, 360, (255, 160, 80), 1, aa)


def _draw_bin_lid(img: np.ndarray, lay: Layout, open_since: float | None = None, seed: int = 0) -> None:
    bx, by = lay.bin_center
    rx, bh = lay.bin_size
    aa = cv2.LINE_AA
    if open_since is None:
        cv2.ellipse(img, (bx, by - bh), (rx + 2, max(2, rx // 3)), 0, 0, 360, (55, 90, 48), -1, aa)
        cv2.ellipse(img, (bx, by - bh - 2), (rx // 3, max(1, rx // 8)), 0, 0, 360, (40, 70, 35), -1, aa)
        return
    # Open: the lid swung back on its hinge (standing 50-90 degrees up), the dark inside and
    # some rubbish showing at the rim.
    rng = np.random.default_rng([seed, int(open_since * 1000), 47])
    rise = float(np.sin(np.radians(rng.uniform(50.0, 90.0))))
    lid_ry = max(2, int((rx + 2) * rise))
    cv2.ellipse(img, (bx, by - bh - lid_ry), (rx + 2, lid_ry), 0, 0, 360, (50, 84, 44), -1, aa)
    cv2.ellipse(img, (bx, by - bh - lid_ry), (rx + 2, lid_ry), 0, 0, 360, (35, 60, 30), 1, aa)
    cv2.ellipse(img, (bx, by - bh), (rx, max(2, rx // 3)), 0, 0, 360, (22, 24, 26), -1, aa)
    for _ in range(4):
        px = int(bx + rng.uniform(-0.6, 0.6) * rx)
        color = tuple(int(c) for c in rng.integers(60, 230, 3))
        cv2.circle(img, (px, by - bh + int(rng.uniform(-0.1, 0.15) * rx)), max(1, rx // 5), color, -1, aa)


def _draw_rodent(img: np.ndarray, spec: SyntheticSpec, lay: Layout, t: float) -> None:
    inc = spec.active("rodent", t)
    if inc is not None:
        local = spec.script_time(t) - inc.start_s
        x, y, heading = rat_path(spec.seed, inc.start_s, spec.width, spec.height).at(local)
        draw_rat(img, lay, x, y, heading, t)


def cook_at(spec: SyntheticSpec, i: int, t: float, away: Incident | None) -> tuple[float, float, bool]:
    """Cook ``i``'s feet at ``t``; when the stove is left alone, the cooks walk off to the prep side
    from wherever they were (no jump), then follow their away routes."""
    if away is None:
        return cook_route(spec.seed, i, spec.width, spec.height).at(t)
    since = spec.script_time(t) - away.start_s
    x, y, walking = cook_route(spec.seed, i, spec.width, spec.height, True).at(t)
    x0, y0, _ = cook_route(spec.seed, i, spec.width, spec.height).at(t - since)
    walk_s = math.hypot(x - x0, y - y0) / (WALK_SPEED * spec.width)
    if since >= walk_s:
        return x, y, walking
    f = since / walk_s
    return x0 + (x - x0) * f, y0 + (y - y0) * f, True


def _draw_people(img: np.ndarray, spec: SyntheticSpec, lay: Layout, t: float) -> None:
    people: list[tuple[float, float, float, bool, bool, bool, bool, int]] = []
    no_hat = spec.active("no_hat", t) is not None
    no_mask = spec.active("no_mask", t) is not None
    no_uniform = spec.active("no_uniform", t) is not None
    away = spec.active("stove_unattended", t)
    for i in range(spec.people):
        x, y, walking = cook_at(spec, i, t, away)
        first = i == 0
        dressed = not (first and no_uniform)
        people.append((y, x, t, walking, dressed, not (first and no_hat), not (first and no_mask), i))
    intruder = spec.active("intruder", t)
    if intruder is not None:
        local = spec.script_time(t) - intruder.start_s
        x, y, walking = intruder_route(spec.seed, intruder.start_s, spec.width, spec.height).at(local)
        people.append((y, x, t, walking, False, False, False, 99))
    for y, x, tt, walking, uniform, hat, mask, i in sorted(people):  # far ones first
        draw_person(img, lay, x, y, tt, walking, uniform=uniform, hat=hat, mask=mask, phase=i * 1.7)


def _add_noise(img: np.ndarray, spec: SyntheticSpec, index: int, scale: int = 1) -> np.ndarray:
    bank = noise_bank(spec.seed, spec.width, spec.height)
    k = (index * 7 + spec.seed) % (len(bank) // 2)
    pos, neg = bank[2 * k], bank[2 * k + 1]
    for _ in range(scale):
        img = cv2.subtract(cv2.add(img, pos), neg)
    return img


def _covered(spec: SyntheticSpec, t: float, since: float, scene: np.ndarray) -> np.ndarray:
    """The lens under a cloth; for the first moments a hand edge sweeps in over the scene."""
    cloth = cloth_texture(spec.seed, spec.width, spec.height)
    img = cloth.copy()
    if since < HAND_S:
        img = scene.copy()
        frac = since / HAND_S
        edge = int(spec.width * (1.0 - frac))
        img[:, max(0, edge) :] = cloth[:, max(0, edge) :]
        cv2.ellipse(
            img,
            (edge, spec.height // 2),
            (max(4, spec.width // 12), spec.height // 2 + 10),
            0,
            0,
            360,
            (70, 105, 150),
            -1,
            cv2.LINE_AA,
        )
    index = _frame_index(spec, t)
    bank = noise_bank(spec.seed, spec.width, spec.height)
    k = (index * 7 + spec.seed) % (len(bank) // 2)
    # Barely any sensor noise: the cloth is pressed on the lens, the sensor sees flat dark grey.
    low = cv2.convertScaleAbs(bank[2 * k], alpha=0.3)
    return cv2.add(img, low)


def _stove_roi(lay: Layout) -> tuple[slice, slice]:
    y0 = max(0, lay.counter_top - int(0.1 * lay.height))
    y1 = min(lay.height, lay.counter_top + int(0.05 * lay.height))
    return slice(y0, y1), slice(max(0, lay.stove_x[0] - 4), min(lay.width, lay.stove_x[1] + 4))


def render(spec: SyntheticSpec, t_seconds: float) -> np.ndarray:
    """The BGR uint8 picture of ``spec``'s camera at ``t_seconds`` after the source started."""
    frozen = spec.active("frozen", t_seconds)
    if frozen is not None:  # the source repeats the incident's first frame, pixel for pixel
        t_seconds -= spec.script_time(t_seconds) - frozen.start_s
    lay = Layout.of(spec.width, spec.height)
    img = static_scene(spec).copy()
    roi = _stove_roi(lay)
    flames: tuple[np.ndarray, np.ndarray] | None = None
    if spec.stove:
        before = img[roi].copy()
        _draw_flames(img, lay, t_seconds, spec.seed)
        drawn = img[roi].copy()
        flames = (drawn, np.any(drawn != before, axis=2))
    opened = spec.active("bin_open", t_seconds)
    _draw_bin_lid(img, lay, None if opened is None else opened.start_s, spec.seed)
    _draw_rodent(img, spec, lay, t_seconds)
    _draw_people(img, spec, lay, t_seconds)
    gain = _flicker(spec, t_seconds) * spec.exposure
    dark = spec.active("lights_off", t_seconds) is not None
    night = spec.active("night", t_seconds) is not None
    if dark:
        gain *= LIGHTS_OFF_GAIN
    shown = img[roi].copy() if flames is not None else None
    img = cv2.convertScaleAbs(img, alpha=gain, beta=4 if dark else 0)
    if night:
        img = infrared(img)
    if flames is not None and shown is not None and (dark or night or abs(gain - 1.0) > 0.05):
        # Flames give their own light: where no one stands in front of them they keep their level.
        drawn, mask = flames
        visible = mask & np.all(shown == drawn, axis=2)
        # Under infrared a flame is colourless and glares (hot gas is bright in near infrared).
        own = (
            cv2.cvtColor(cv2.convertScaleAbs(cv2.cvtColor(drawn, cv2.COLOR_BGR2GRAY), alpha=1.5), cv2.COLOR_GRAY2BGR)
            if night
            else drawn
        )
        img[roi][visible] = own[visible]
    img = apply_view(img, view_matrix(spec, t_seconds))
    blur = spec.active("blur", t_seconds)
    if blur is not None:
        img = defocus(img, spec, blur.start_s)
    if spec.noise:
        img = _add_noise(img, spec, _frame_index(spec, t_seconds), scale=spec.noise * (2 if dark or night else 1))
        if night:  # an infrared picture is monochrome, its noise too
            img = cv2.cvtColor(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    cover = spec.active("cover", t_seconds)
    if cover is not None:
        return _covered(spec, t_seconds, spec.script_time(t_seconds) - cover.start_s, img)
    return img
