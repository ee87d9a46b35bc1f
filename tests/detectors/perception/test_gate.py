"""The change gate: a static kitchen with a burning stove runs the detector only on refresh."""

from detectors.perception.gate import ChangeGate, GateConfig
from tests.detectors import scenes

synthetic = __import__("pytest").importorskip("ingest.synthetic")


def frames(url: str, n: int, fps: float = 5) -> list[scenes.Image]:
    spec = synthetic.parse_synthetic_url(url)
    return [scenes.roundtrip(synthetic.render(spec, i / fps)) for i in range(n)]


def test_flames_and_flicker_do_not_open_it_refresh_does() -> None:
    gate = ChangeGate(GateConfig(refresh_frames=10, refresh_max_frames=10))
    opened = [i for i, f in enumerate(frames("synthetic://kitchen?seed=3&people=0", 60)) if gate.should_run(f)]
    assert opened[0] == 0 and len(opened) <= 8, opened  # first frame, then about every 10th (flicker learnt)
    assert opened[-3:] == [opened[-3], opened[-3] + 10, opened[-3] + 20]


def test_someone_walking_opens_it_every_frame() -> None:
    gate = ChangeGate()
    static = [scenes.roundtrip(scenes.kitchen(seed=1)) for _ in range(5)]
    walk = [scenes.roundtrip(scenes.with_walker(scenes.kitchen(seed=1), x=100 + 15 * i)) for i in range(8)]
    runs = [gate.should_run(f) for f in static + walk]
    assert runs[1:5] == [False] * 4 and runs[5:] == [True] * 8


def test_a_change_a_few_rows_tall_does_not_open_it() -> None:
    """A flame growing over a minute changes a band of a few rows (the static benchmark kitchen
    opened the gate, and the detector with its re-looks, about once every 20 s); a head bobbing
    above a counter, the smallest change a person makes, spans more."""
    import numpy as np

    kitchen = scenes.kitchen(seed=1)
    flame = kitchen.copy()
    flame[201:209, 300:420] = (40, 160, 250)  # 8 of 360 rows: a burner's flames grown
    head = kitchen.copy()
    head[170:200, 300:325] = (60, 90, 140)  # 30 rows: a head 30 px tall
    for changed, opens in ((flame, False), (head, True)):
        gate = ChangeGate()
        assert gate.should_run(scenes.roundtrip(kitchen))
        assert [gate.should_run(scenes.roundtrip(f)) for f in (kitchen, changed)] == [False, opens]
    assert not np.array_equal(flame, kitchen)


def test_the_refresh_wait_doubles_while_nothing_changes_and_a_change_resets_it() -> None:
    import pytest

    gate = ChangeGate(GateConfig(refresh_frames=10, refresh_max_frames=40))
    kitchen = scenes.roundtrip(scenes.kitchen(seed=1))
    opened = [i for i in range(120) if gate.should_run(kitchen)]
    assert opened == [0, 10, 30, 70, 110]  # waits of 10, 20, 40, then 40 at most
    walker = scenes.roundtrip(scenes.with_walker(scenes.kitchen(seed=1), x=200))
    assert gate.should_run(walker) and gate.reason == "change"
    after = [i for i in range(1, 40) if gate.should_run(walker)]
    assert after == [10, 30]  # the wait starts again at 10 frames
    with pytest.raises(ValueError, match="refresh_max_frames"):
        GateConfig(refresh_frames=150, refresh_max_frames=100)
