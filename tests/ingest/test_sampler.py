"""Which pictures the reader hands on: at most the detect rate, exactly it on average, never
skipping one to arrival jitter when the camera runs at the detect rate. Times are simulated."""

import numpy as np
import pytest

from ingest.sampler import RateSampler


def _taken(sampler: RateSampler, arrivals: list[float]) -> list[float]:
    return [t for t in arrivals if sampler.due(t)]


def test_equal_rates_take_every_picture_despite_jitter() -> None:
    jitter = np.random.default_rng(0).uniform(-0.004, 0.004, 300)
    arrivals = [i / 30 + j for i, j in enumerate(jitter)]
    assert len(_taken(RateSampler(30), arrivals)) == 300


@pytest.mark.parametrize(("camera_fps", "fps"), [(30, 5), (25, 5), (25, 10), (12.5, 5), (30, 7)])
def test_faster_cameras_are_sampled_at_exactly_the_rate(camera_fps: float, fps: float) -> None:
    arrivals = [i / camera_fps for i in range(int(camera_fps * 60))]  # one minute
    taken = _taken(RateSampler(fps), arrivals)
    assert abs(len(taken) - 60 * fps) <= 1
    gaps = np.diff(taken)
    assert gaps.min() >= 0.5 / fps - 1e-9  # never a burst


def test_slower_cameras_give_every_picture() -> None:
    arrivals = [i / 4 for i in range(40)]
    assert len(_taken(RateSampler(10), arrivals)) == 40


def test_after_a_gap_the_next_picture_is_taken() -> None:
    sampler = RateSampler(5)
    assert sampler.due(0.0)
    assert not sampler.due(0.1)
    assert sampler.due(7.0)  # the camera stalled for seconds
    assert not sampler.due(7.05)
    assert sampler.due(7.2)


@pytest.mark.parametrize("fps", [0, -1])
def test_rate_must_be_positive(fps: float) -> None:
    with pytest.raises(ValueError, match="fps must be > 0"):
        RateSampler(fps)
