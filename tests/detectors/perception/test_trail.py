"""Where large movers were: painted with a margin, fading frame by frame, dropped once faded."""

from detectors.perception.trail import Trail


def test_a_trail_is_painted_round_a_mover_and_fades_after_they_leave() -> None:
    trail = Trail(decay=0.5, level=0.1, margin=0.25)
    now = trail.update([(40, 20, 60, 60)], (100, 100))  # 40 tall: grown by 10 each side
    assert now[15, 35] == 1.0 and now[65, 65] == 1.0 and now[5, 35] == 0.0 and now[15, 75] == 0.0
    values = [float(trail.update([], (100, 100))[40, 50]) for _ in range(4)]
    assert values == [0.5, 0.25, 0.125, 0.0625]  # under the level from the fourth frame on
    for _ in range(9):  # with the update: 0.5 ** 14 < 1e-3 * level, nothing is kept
        trail.fade()
    assert not trail.update([], (100, 100)).any()
