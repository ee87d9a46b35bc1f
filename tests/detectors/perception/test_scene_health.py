"""Scene health: sharpness against the camera's own baseline, identical frames, viewpoint."""

import numpy as np
import pytest

from detectors.perception.scene_health import SceneHealth, SceneReport
from tests.detectors.perception.synthetic_frames import frames

URL = "synthetic://kitchen?width=320&height=180&seed=7&people=2&pose=1&clutter=3"


def run(url: str, seconds: float) -> list[tuple[float, SceneReport]]:
    plugin = SceneHealth()
    return [(t, plugin.observe(img)) for t, img in frames(url, seconds)]


def test_blur_is_measured_against_the_baseline() -> None:
    reports = run(URL + "&script=blur@12+4", 16)
    normal = [r.sharpness / r.sharpness_baseline for t, r in reports if r.sharpness_baseline and t < 12]
    blurred = [r.sharpness / r.sharpness_baseline for t, r in reports if r.sharpness_baseline and t >= 12.2]
    assert min(normal) > 0.8 and max(blurred) < 0.5, (min(normal), max(blurred))
    assert all(r.soft for t, r in reports if t >= 12.2)


def test_identical_frames_are_counted() -> None:
    reports = run(URL + "&script=frozen@8+3", 12)
    assert all(not r.identical for t, r in reports if t < 8)
    frozen = [r.identical_frames for t, r in reports if 8 < t < 11]
    assert frozen == list(range(1, len(frozen) + 1))
    assert reports[-1][1].identical_frames == 0


@pytest.mark.parametrize("light", ["", ",night@0+30"])
def test_a_knocked_camera_no_longer_matches_its_reference(light: str) -> None:
    reports = run(URL + "&script=displaced@12+5" + light, 17)
    before = [r for t, r in reports if 7 <= t < 12]
    after = [r for t, r in reports if t >= 13]
    assert all(r.view_matches and r.view_shift < 0.01 for r in before)
    assert all(r.view_matches is False or r.view_shift > 0.04 for r in after)


def test_too_dark_to_judge_the_view() -> None:
    reports = run(URL + "&script=lights_off@8+4", 12)
    assert all(r.view_matches is None for t, r in reports if t >= 9)


def test_reset_forgets_the_reference() -> None:
    plugin = SceneHealth()
    for _, img in frames(URL, 7):
        report = plugin.observe(img)
    assert report.view_matches is not None
    plugin.reset()
    assert plugin.observe(np.zeros((180, 320, 3), np.uint8)).sharpness_baseline is None
