"""Steps of small movers: plausible, not from a place still occupied, counted in a row."""

import numpy as np

from detectors.perception.paths import Paths, stepped


def _c(*points: tuple[float, float]) -> np.ndarray:
    return np.array(points, np.float64).reshape(-1, 2)


def test_a_step_is_long_enough_not_too_long_and_from_a_place_left() -> None:
    last = _c((10, 10), (50, 10))
    now = _c((20, 10), (50.5, 10))  # one stepped on, one stayed
    came = stepped(_c((20, 10)), last, now, 2, 15)
    assert came.tolist() == [[True, False]]  # 10 from the first; the second is 30 away
    # The first's place still held by a blob of this frame: no source.
    assert not stepped(_c((20, 10)), last, _c((20, 10), (10.5, 10)), 2, 15).any()
    # A blob that was here already moved nowhere, whatever else was a step away.
    assert not stepped(_c((10.5, 10)), last, _c((10.5, 10)), 2, 15).any()
    assert stepped(_c(), last, now, 2, 15).shape == (0, 2)


def test_paths_count_the_steps_in_a_row() -> None:
    paths, counts = Paths(0.01, 0.1), []
    for x in (10, 20, 30, 40, 40.5):  # runs three strides, then stops
        counts.append(int(paths.follow(_c((x, 50)), _c((x, 50)), 320)[0]))
    assert counts == [0, 1, 2, 3, 0]
    paths.reset()
    assert paths.follow(_c((50, 50)), _c((50, 50)), 320).tolist() == [0]


def test_a_run_that_turns_back_starts_again() -> None:
    """The pieces of a cook seen in bits hop down and up again (fresh compliant clip 25427);
    a rat runs on, or turns a little."""
    hops = Paths(0.01, 0.2)
    counts = [int(hops.follow(_c(p), _c(p), 320)[0]) for p in ((190, 84), (197, 34), (181, 69), (176, 104))]
    assert counts == [0, 1, 1, 2]  # the run down starts at the turn
    runs = Paths(0.01, 0.2)
    counts = [int(runs.follow(_c(p), _c(p), 320)[0]) for p in ((10, 50), (30, 50), (50, 60), (70, 62))]
    assert counts == [0, 1, 2, 3]
