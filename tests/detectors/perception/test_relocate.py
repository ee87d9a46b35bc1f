"""A missed person found again a step from where the last run saw them."""

import numpy as np

from detectors.perception.relocate import relocated


def wall(seed: int = 0) -> np.ndarray:
    """A 320x180 grey thumbnail: a light tiled wall over a darker floor, with sensor noise."""
    rng = np.random.default_rng(seed)
    img = np.full((180, 320), 215.0, np.float32)
    img[::12, :] = 190.0  # grout lines
    img[:, ::12] = 190.0
    img[120:, :] = 120.0
    return img + rng.normal(0, 2, img.shape).astype(np.float32)


def with_person(img: np.ndarray, x: int, y: int = 0) -> np.ndarray:
    """A person 30 px wide with their left edge at ``x`` (and ``y`` px lower than usual): dark
    hair, light jacket, dark trousers."""
    out = img.copy()
    out[40 + y : 48 + y, x + 10 : x + 20] = 70.0  # hair
    out[48 + y : 56 + y, x + 10 : x + 20] = 180.0  # face
    out[56 + y : 95 + y, x + 3 : x + 27] = 240.0  # jacket
    out[60 + y : 95 + y, x + 14 : x + 16] = 200.0  # buttons' placket
    out[95 + y : 130 + y, x + 8 : x + 22] = 60.0  # trousers
    return out


# The person's box on a 640-wide picture (the thumbnail is half as wide).
BOX = np.array([2 * 100, 2 * 38, 2 * 130, 2 * 132], np.float64)


def test_a_person_who_took_a_step_is_found_where_they_stopped() -> None:
    before, now = with_person(wall(0), 100), with_person(wall(1), 88)  # 12 thumbnail pixels left
    moved = relocated(before, now, BOX, 640)
    assert moved is not None
    assert np.allclose(moved, BOX + np.array([-24, 0, -24, 0]), atol=2.5), moved


def test_a_person_who_left_is_found_nowhere() -> None:
    before = with_person(wall(0), 100)
    assert relocated(before, wall(1), BOX, 640) is None
    assert relocated(before, with_person(wall(1), 200), BOX, 640) is None  # too far for a step


def test_a_box_on_a_bare_wall_or_of_another_size_matches_nothing() -> None:
    flat = np.full((180, 320), 200.0, np.float32)
    assert relocated(flat, flat, BOX, 640) is None  # no contrast: any wall would match
    assert relocated(with_person(wall(0), 100), np.zeros((90, 160), np.float32), BOX, 640) is None


def test_the_search_is_bounded_by_a_walk_since_the_last_run() -> None:
    """A person's look 24 thumbnail pixels (a quarter of their height) on is not them one frame
    later (a brisk walk covers an eighth of a person's height a frame), but can be two frames later."""
    before, now = with_person(wall(0), 100), with_person(wall(1), 76)
    assert relocated(before, now, BOX, 640, frames=1) is None
    moved = relocated(before, now, BOX, 640, frames=2)
    assert moved is not None and np.allclose(moved, BOX + np.array([-48, 0, -48, 0]), atol=2.5), moved


def test_a_look_matched_only_on_the_up_or_down_bound_is_not_found() -> None:
    """The search reaches 14 thumbnail pixels up and down (SEARCH_Y of the box's 94). The person
    a little higher is found; 16 px higher (or lower), the best spot in the window is on its bound,
    which is where the look slides along something tall, not where the person is (before: "found"
    there, 2 px off)."""
    before = with_person(wall(0), 100)
    moved = relocated(before, with_person(wall(1), 92, -12), BOX, 640)
    assert moved is not None and np.allclose(moved, BOX + np.array([-16, -24, -16, -24]), atol=2.5), moved
    assert relocated(before, with_person(wall(1), 92, -16), BOX, 640) is None
    assert relocated(before, with_person(wall(1), 92, 16), BOX, 640) is None


def test_a_spot_that_looked_like_the_person_before_they_were_there_is_not_them() -> None:
    """A cook who changed their look (the evaluation's scripted change into black, a turn) no
    longer matches their last look, and that look is then found on something like it nearby:
    the white counter beside them (no_uniform seed 18005: held there for 3 s as a cook in white).
    A spot that matched their look already on the last run's picture, away from them, is the
    background, not where they went."""
    lookalike = with_person(wall(0), 140)  # a poster, a coat on a hook: as like the person as can be
    before, now = with_person(lookalike, 100), with_person(wall(1), 140)
    assert relocated(before, now, BOX, 640, frames=3) is None
    moved = relocated(with_person(wall(0), 100), now, BOX, 640, frames=3)  # no lookalike: it is them
    assert moved is not None and np.allclose(moved, BOX + np.array([80, 0, 80, 0]), atol=2.5), moved
