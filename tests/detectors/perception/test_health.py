"""Camera health: covered / black pictures are blocked, dim-but-textured and normal ones are not."""

from collections.abc import Callable

import numpy as np
import pytest

from detectors.perception.health import HealthMonitor
from tests.detectors import scenes

Scene = Callable[[], scenes.Image]


@pytest.mark.parametrize(
    ("name", "scene", "blocked"),
    [
        ("lit kitchen", scenes.kitchen, False),
        ("another lit kitchen", lambda: scenes.kitchen(seed=7), False),
        ("lights off (dim, textured)", scenes.dark, False),
        ("lights off, very dim", lambda: scenes.dark(gain=0.07), False),
        ("hand over the lens", scenes.covered, True),
        ("black picture", scenes.black, True),
        ("flat grey (lens cap, grey test card)", lambda: np.full((360, 640, 3), 128, np.uint8), True),
    ],
)
def test_blocked_only_when_flat_and_edgeless(name: str, scene: Scene, blocked: bool) -> None:
    report = HealthMonitor().observe(scenes.roundtrip(scene()))
    assert report.blocked is blocked, f"{name}: {report}"
    assert (report.blocked_score >= 0.9) if blocked else (report.blocked_score <= 0.1), name


def test_score_rises_as_a_hand_covers_more_of_the_lens() -> None:
    lit, hand = scenes.kitchen(), scenes.covered()
    scores = []
    for frac in (0.0, 0.5, 0.9, 1.0):
        img = lit.copy()
        cut = int(img.shape[1] * frac)
        img[:, :cut] = hand[:, :cut]
        scores.append(HealthMonitor().observe(scenes.roundtrip(img)).blocked_score)
    assert scores == sorted(scores)
    assert scores[0] == 0.0 and scores[-1] == 1.0


def test_frozen_counts_identical_consecutive_frames() -> None:
    monitor = HealthMonitor()
    same = scenes.roundtrip(scenes.kitchen())
    reports = [monitor.observe(same) for _ in range(3)]
    assert [r.frozen_frames for r in reports] == [0, 1, 2]
    fresh = monitor.observe(scenes.roundtrip(scenes.kitchen(seed=1)))  # new sensor noise
    assert not fresh.frozen and fresh.frozen_frames == 0


def test_grey_input_and_small_pictures_work() -> None:
    grey = scenes.roundtrip(scenes.black())[:, :, 0]
    assert HealthMonitor().observe(grey).blocked
    assert not HealthMonitor().observe(scenes.kitchen(width=100, height=60)).blocked


def test_edges_are_measured_only_when_the_contrast_leaves_the_score_open() -> None:
    lit = HealthMonitor().observe(scenes.roundtrip(scenes.kitchen()))
    assert lit.blocked_score == 0.0 and lit.edge_fraction is None  # contrast alone: textured
    flat = HealthMonitor().observe(scenes.roundtrip(scenes.covered()))
    assert flat.edge_fraction is not None and flat.blocked
