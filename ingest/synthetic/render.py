"""``render(spec, t)``: the synthetic kitchen camera's picture at ``t`` seconds after its start.

Pure and deterministic: the same spec and time give the same pixels, so benchmarks and tests
can make labelled frames (ground truth comes from ``spec.incidents_at(t)``, never from pixels
or headers). Static parts are cached; a 640×360 frame costs a few milliseconds.
"""

import math

import cv2
import numpy as np

from ingest.synthetic.people import cook_route, draw_person, intruder_route
from ingest.synthetic.scene import Layout, cloth_texture, noise_bank, static_scene
from ingest.synthetic.spec import SyntheticSpec

HAND_S = 0.3  # how long a hand edge is seen while the lens is being covered
LIGHTS_OFF_GAIN = 0.22


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


def _draw_bin_lid(img: np.ndarray, lay: Layout) -> None:
    bx, by = lay.bin_center
    rx, bh = lay.bin_size
    cv2.ellipse(img, (bx, by - bh), (rx + 2, max(2, rx // 3)), 0, 0, 360, (55, 90, 48), -1, cv2.LINE_AA)
    cv2.ellipse(img, (bx, by - bh - 2), (rx // 3, max(1, rx // 8)), 0, 0, 360, (40, 70, 35), -1, cv2.LINE_AA)


def _draw_people(img: np.ndarray, spec: SyntheticSpec, lay: Layout, t: float) -> None:
    people: list[tuple[float, float, float, bool, bool, bool, bool, int]] = []
    no_hat = spec.active("no_hat", t) is not None
    no_mask = spec.active("no_mask", t) is not None
    for i in range(spec.people):
        x, y, walking = cook_route(spec.seed, i, spec.width, spec.height).at(t)
        first = i == 0
        people.append((y, x, t, walking, True, not (first and no_hat), not (first and no_mask), i))
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


def render(spec: SyntheticSpec, t_seconds: float) -> np.ndarray:
    """The BGR uint8 picture of ``spec``'s camera at ``t_seconds`` after the source started."""
    lay = Layout.of(spec.width, spec.height)
    img = static_scene(spec).copy()
    if spec.stove:
        _draw_flames(img, lay, t_seconds, spec.seed)
    _draw_bin_lid(img, lay)
    _draw_people(img, spec, lay, t_seconds)
    gain = _flicker(spec, t_seconds)
    dark = spec.active("lights_off", t_seconds) is not None
    if dark:
        gain *= LIGHTS_OFF_GAIN
    img = cv2.convertScaleAbs(img, alpha=gain, beta=4 if dark else 0)
    img = _add_noise(img, spec, _frame_index(spec, t_seconds), scale=2 if dark else 1)
    cover = spec.active("cover", t_seconds)
    if cover is not None:
        return _covered(spec, t_seconds, spec.script_time(t_seconds) - cover.start_s, img)
    return img
