"""The synthetic renderer: deterministic, plausible, and incidents change the pixels as intended."""

import numpy as np
import pytest

from ingest.synthetic import parse_synthetic_url, render

BASE = "synthetic://kitchen?seed=3&width=320&height=180"


def _diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def test_shape_and_type() -> None:
    img = render(parse_synthetic_url(BASE), 1.0)
    assert img.shape == (180, 320, 3)
    assert img.dtype == np.uint8


def test_same_seed_and_time_give_the_same_frame() -> None:
    a = render(parse_synthetic_url(BASE), 12.34)
    b = render(parse_synthetic_url(BASE), 12.34)
    assert np.array_equal(a, b)


def test_another_seed_gives_another_kitchen() -> None:
    a = render(parse_synthetic_url(BASE), 5.0)
    b = render(parse_synthetic_url(BASE.replace("seed=3", "seed=4")), 5.0)
    assert _diff(a, b) > 2.0


def test_a_normal_frame_is_textured_and_mid_grey() -> None:
    img = render(parse_synthetic_url(BASE), 3.0)
    assert 60 < img.mean() < 200
    assert img.std() > 25


def test_people_move_over_time() -> None:
    spec = parse_synthetic_url(BASE + "&people=3")
    frames = [render(spec, t) for t in np.arange(0, 30, 3.0)]
    assert max(_diff(frames[0], f) for f in frames[1:]) > 3.0


def test_frames_carry_sensor_noise() -> None:
    spec = parse_synthetic_url(BASE + "&people=0&stove=0")
    a, b = render(spec, 1.0), render(spec, 1.0 + 1 / spec.fps)
    assert 0.5 < _diff(a, b) < 8.0


def test_cover_is_almost_uniform_and_dark() -> None:
    spec = parse_synthetic_url(BASE + "&script=cover@10+10")
    covered = render(spec, 12.0)
    assert spec.incidents_at(12.0) == ["cover"]
    assert covered.std() < 6.0
    assert covered.mean() < 70


def test_cover_starts_with_a_hand_edge() -> None:
    spec = parse_synthetic_url(BASE + "&script=cover@10+10")
    early = render(spec, 10.1)
    assert early.std() > render(spec, 12.0).std() * 3


def test_lights_off_is_dark_but_still_textured() -> None:
    spec = parse_synthetic_url(BASE + "&script=lights_off@10+10")
    dark, lit = render(spec, 12.0), render(spec, 9.0)
    assert dark.mean() < lit.mean() * 0.4
    assert dark.mean() < 60
    covered = render(parse_synthetic_url(BASE + "&script=cover@10+10"), 12.0)
    assert dark.std() > covered.std() * 2.5
    # Edges survive the dimming: the gradient energy is far above the covered lens's.
    grad = float(np.abs(np.diff(dark.astype(np.int16), axis=1)).mean())
    cov_grad = float(np.abs(np.diff(covered.astype(np.int16), axis=1)).mean())
    assert grad > cov_grad * 1.5


def test_intruder_appears_only_during_the_incident() -> None:
    spec = parse_synthetic_url(BASE + "&people=0&stove=0&script=intruder@10+20")
    empty_a, empty_b = render(spec, 5.0), render(spec, 5.0 + 2 / spec.fps)
    assert _diff(empty_a, empty_b) < 3.0
    changed = max(_diff(render(spec, t), empty_a) for t in (14.0, 18.0, 22.0))
    assert changed > 3.0
    assert _diff(render(spec, 35.0), empty_a) < 3.0


@pytest.mark.parametrize("kind", ["no_hat", "no_mask"])
def test_no_hat_and_no_mask_change_the_first_cook(kind: str) -> None:
    spec = parse_synthetic_url(BASE + f"&people=1&script={kind}@10+10")
    plain = parse_synthetic_url(BASE + "&people=1")
    assert _diff(render(spec, 15.0), render(plain, 15.0)) > 0.05
    assert np.array_equal(render(spec, 25.0), render(plain, 25.0))


def test_large_times_render_like_small_ones() -> None:
    spec = parse_synthetic_url(BASE)
    img = render(spec, 86_400.0 * 30)
    assert img.shape == (180, 320, 3)
