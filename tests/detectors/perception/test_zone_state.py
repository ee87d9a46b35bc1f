"""Zone state: a median reference of the first frames; an open bin lid no longer correlates."""

import numpy as np

from detectors.perception.zone_state import ZoneState, zone_mask, zone_similarity
from tests.detectors.perception.synthetic_frames import frames, pixel_zone


def similarities(url: str, seconds: float) -> list[tuple[float, float | None]]:
    plugin, zone, out = ZoneState(), pixel_zone(url, "bin"), []
    for t, img in frames(url, seconds):
        r = plugin.observe(img)
        if r.reference is not None:
            out.append((t, zone_similarity(r.reference, r.current, zone_mask(zone, r.current.shape, r.scale))))
    return out


def test_the_reference_is_learnt_then_an_open_lid_differs() -> None:
    url = "synthetic://kitchen?width=320&height=180&seed=31&people=2&pose=1&exposure=0.8&script=bin_open@9+3"
    sims = similarities(url, 12)
    assert sims and sims[0][0] <= 6.2  # 15 frames, every second one
    closed = [s for t, s in sims if t < 9]
    opened = [s for t, s in sims if t >= 9]
    assert closed and min(s for s in closed if s is not None) > 0.8
    assert max(s for s in opened if s is not None) < 0.5


def test_similarity_ignores_brightness_and_needs_texture() -> None:
    ref = np.random.default_rng(0).uniform(0, 255, (40, 40)).astype(np.float32)
    mask = np.ones((40, 40), bool)
    same = zone_similarity(ref, ref * 0.5 + 10, mask)
    assert same is not None and abs(same - 1.0) < 1e-6
    assert zone_similarity(np.full((40, 40), 9, np.float32), ref, mask) is None
    assert zone_similarity(ref, ref, np.zeros((40, 40), bool)) is None
