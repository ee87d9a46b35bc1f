"""Small movers: a rat is confirmed on consecutive frames; people and light switches are not."""

import numpy as np
import pytest

from detectors.perception.small_motion import SmallMotionDetector, _median
from tests.detectors.perception.synthetic_frames import frames, pixel_zone


def confirmed_on_floor(url: str, seconds: float) -> list[float]:
    plugin, floor, times = SmallMotionDetector(), pixel_zone(url, "floor"), []
    for t, img in frames(url, seconds):
        r = plugin.observe(img)
        if len(r.confirmed) and floor.trigger(r.confirmed).any():
            times.append(t)
    return times


def test_a_rat_at_night_is_confirmed_soon_after_it_appears() -> None:
    for light in ("night@0+30", "lights_off@0+30"):
        url = f"synthetic://kitchen?width=320&height=180&seed=21&people=0&stove=0&script={light},rodent@8+5"
        times = confirmed_on_floor(url, 15)
        assert times and 8 <= times[0] <= 9.0 and max(times) < 13.5, (light, times)


def test_lights_switching_and_cooks_walking_are_not_small_movers() -> None:
    url = "synthetic://kitchen?width=320&height=180&seed=22&people=3&pose=1&script=lights_off@5+4,night@12+6"
    assert confirmed_on_floor(url, 20) == []


@pytest.mark.parametrize("n", [0, 1, 2, 3, 10, 6400, 6401])
def test_median_is_numpys(n: int) -> None:
    values = np.random.default_rng(n).random(n).astype(np.float32)
    assert _median(values) == (float(np.median(values)) if n else 0.0)
