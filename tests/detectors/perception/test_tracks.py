"""Tracks of persons across detector runs, and the median of each person's recent looks."""

from collections.abc import Sequence

import numpy as np
import pytest

from detectors.detections import Detections
from detectors.perception.attributes import UNKNOWN, PersonAttributes
from detectors.perception.people import PeopleConfig, PeopleDetector
from detectors.perception.tracks import AttributeTracks, match
from tests.detectors import scenes


def persons(*boxes: tuple[float, float, float, float]) -> Detections:
    return Detections.of(np.array(boxes, np.float64).reshape(-1, 4), np.full(len(boxes), 0.8), "person")


def hat(value: float | None) -> PersonAttributes:
    return PersonAttributes(value, None, None, None, False)


def test_match_pairs_best_overlap_first_and_each_old_box_once() -> None:
    old = np.array([[0, 0, 10, 20], [100, 0, 110, 20.0]])
    new = np.array([[1, 0, 11, 20], [0, 0, 10, 21], [300, 0, 310, 20], [101, 0, 111, 20.0]])
    assert match(old, new).tolist() == [-1, 0, -1, 1]  # new 1 fits old 0 better than new 0 does
    assert match(old[:0], new).tolist() == [-1] * 4


def test_one_misread_look_among_three_is_outvoted_and_a_change_shows_on_the_second_look() -> None:
    tracks = AttributeTracks(window=15)
    box = persons((100, 50, 160, 250))
    seen = []
    for frame, value in enumerate([1.0, 0.9, 0.2, 1.0, 0.1, 0.05], start=1):
        ids = tracks.ids_for(frame, box, box)
        seen.append(tracks.looked(frame, ids, box.boxes, (hat(value),))[0].hat)
    assert seen == [1.0, 0.9, 0.9, 0.9, 0.2, 0.1]  # two looks: the latest; then the median of three


def test_a_face_estimated_away_from_the_one_found_moments_ago_is_a_colleagues() -> None:
    """Fresh no_hat 20300: BlazeFace found a bare head in a box that also held the masked
    colleague beside it, then missed it; the face estimated from skin was the colleague's, and
    so was the hat judged. Such a look is unmeasured for hat and mask; one estimated on the face
    found, or after the person moved, stands."""
    tracks = AttributeTracks(window=15)
    box = persons((200, 80, 310, 300))
    found = PersonAttributes(0.0, 1.0, 1.0, (242, 92, 263, 114), True)
    colleagues = PersonAttributes(1.0, 1.0, 1.0, (256, 112, 288, 139), False)
    own = PersonAttributes(0.1, 1.0, 1.0, (240, 95, 262, 118), False)
    ids = tracks.ids_for(1, box, box)
    assert tracks.looked(1, ids, box.boxes, (found,))[0].hat == 0.0
    look = tracks.looked(2, ids, box.boxes, (colleagues,))[0]
    assert look.hat is None and look.mask is None and look.uniform == 1.0
    assert tracks.looked(3, ids, box.boxes, (own,))[0].hat == 0.1  # the latest of two measured looks
    moved = persons((300, 80, 410, 300))
    ids = tracks.ids_for(4, moved, moved)  # the box moved on: the found face no longer says where the face is
    assert tracks.looked(4, ids, moved.boxes, (colleagues,))[0].hat is not None
    ids = tracks.ids_for(20, box, box)
    assert tracks.looked(20, ids, box.boxes, (colleagues,))[0].hat == 1.0  # found too long ago


def test_a_look_its_verdict_outvotes_is_disputed() -> None:
    tracks = AttributeTracks(window=15)
    box = persons((100, 50, 160, 250))
    disputed = []
    for frame, value in enumerate([1.0, 0.9, 0.2, 0.1, 0.15, 0.95, None], start=1):
        tracks.looked(frame, tracks.ids_for(frame, box, box), box.boxes, (hat(value),))
        disputed.append(tracks.disputed)
    # 0.2 against a verdict of 0.9 is; 0.1 makes the verdict 0.2 but differs from the last one (0.9);
    # 0.15 agrees; 0.95 against 0.15 is again
    assert disputed == [False, False, True, True, False, True, True]  # None: the last verdict (0.15) offends
    # a still cook is looked at once a window: 0.9 against the last verdict (0.15, the median of
    # 0.1, 0.15 and 0.95) is disputed though it stands alone in the window
    tracks.looked(30, tracks.ids_for(30, box, box), box.boxes, (hat(0.9),))
    assert tracks.disputed
    tracks.looked(32, tracks.ids_for(32, box, box), box.boxes, (hat(0.88),))
    assert not tracks.disputed
    tracks.looked(34, tracks.ids_for(34, box, box), box.boxes, (hat(None),))
    assert not tracks.disputed  # unmeasured after a verdict that complies: nothing to hurry for
    tracks.reset()
    assert not tracks.disputed


def test_looks_older_than_the_window_do_not_count_and_unmeasured_looks_say_nothing() -> None:
    tracks = AttributeTracks(window=15)
    box = persons((100, 50, 160, 250))
    ids = tracks.ids_for(1, box, box)
    for frame in (1, 2):
        tracks.looked(frame, ids, box.boxes, (hat(1.0),))
    assert tracks.looked(20, ids, box.boxes, (hat(0.1),))[0].hat == 0.1  # the hatted looks are 18 frames old
    assert tracks.looked(21, ids, box.boxes, (UNKNOWN,))[0].hat is None  # face turned away: unmeasured
    assert tracks.looked(22, ids, box.boxes, (hat(0.1),))[0].hat == 0.1  # looks 20 and 22 count


def test_a_person_missed_on_a_run_keeps_their_track_when_found_again() -> None:
    tracks = AttributeTracks(window=15)
    cook, other = persons((100, 50, 160, 250)), persons((400, 50, 460, 250))
    first = tracks.ids_for(1, Detections.empty(), cook)
    tracks.looked(1, first, cook.boxes, (hat(1.0),))
    tracks.looked(2, tracks.ids_for(2, cook, cook), cook.boxes, (hat(1.0),))
    nobody = tracks.ids_for(3, cook, Detections.empty())
    tracks.looked(3, nobody, np.zeros((0, 4)), ())  # a run that found nobody
    both = Detections.concat(other, cook)
    ids = tracks.ids_for(4, Detections.empty(), both)
    assert ids[1] == first[0] and ids[0] != first[0]
    assert tracks.looked(4, ids, both.boxes, (hat(0.9), hat(0.1)))[1].hat == 1.0  # outvoted by their own looks
    tracks.looked(5, tracks.ids_for(5, both, Detections.empty()), np.zeros((0, 4)), ())
    assert tracks.ids_for(30, Detections.empty(), cook)[0] != first[0]  # lost longer than the window: a new track


def walk(tracks: AttributeTracks, steps: Sequence[tuple[float, float, float, float]]) -> tuple[Detections, list[float]]:
    """One person's box per frame from frame 1: the last boxes and, per frame, ``cut_at_top``."""
    old, cut = Detections.empty(), []
    for frame, step in enumerate(steps, start=1):
        new = persons(step)
        ids = tracks.ids_for(frame, old, new)
        cut.append(float(tracks.cut_at_top(frame, ids, new.boxes)[0]))
        tracks.looked(frame, ids, new.boxes, (UNKNOWN,))
        old = new
    return old, cut


def test_a_box_that_lost_the_head_step_by_step_is_cut_at_the_top() -> None:
    """YOLOX's boxes of a cook walking past a colleague (fresh stove seed 19903): each run's top
    a little lower, the feet where they were; by the third the box held the jacket's hem and the
    trousers. A cook walking away (feet moving up) or bending later than the memory is not cut."""
    tracks = AttributeTracks(window=6)
    steps = [(213, 72, 276, 241), (223, 105, 291, 244), (255, 126, 315, 240), (267, 126, 327, 240)]
    old, cut = walk(tracks, steps)
    assert np.isnan(cut[:2]).all()  # 33 px of 169 is not yet a quarter
    assert cut[2:] == [72, 72]  # 54 px is: the box of the whole cook had its top at 72
    away = persons((263, 120, 318, 215))  # smaller, but the feet rose with the top: farther off
    assert np.isnan(tracks.cut_at_top(5, tracks.ids_for(5, old, away), away.boxes)[0])
    later = persons((267, 126, 327, 240))
    assert tracks.cut_at_top(11, tracks.ids_for(11, old, later), later.boxes)[0] == 72
    assert np.isnan(tracks.cut_at_top(12, tracks.ids_for(12, old, later), later.boxes)[0])  # frame 1 forgotten


def test_a_box_cut_at_the_bottom_after_walking_up_is_not_cut_at_the_top() -> None:
    """Fresh no_hat 20305: a hatless cook walked up to the camera (feet 260 -> 360); YOLOX then
    boxed them from the head to the chest, its bottom where their feet had been 1 s before. The
    boxes since their feet moved say the head is at the box's top."""
    tracks = AttributeTracks(window=6)
    steps = [(370, 51, 446, 260), (365, 90, 458, 310), (361, 117, 470, 360), (362, 124, 461, 260)]
    assert np.isnan(walk(tracks, steps)[1]).all()


def test_the_people_plugin_reports_the_median_of_a_moving_persons_looks(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cook on the move is looked at on every frame; one look reading them hatless is outvoted."""
    plugin = PeopleDetector(PeopleConfig(relook_frames=()))
    frames = [
        scenes.roundtrip(scenes.with_walker(scenes.kitchen(seed=4), x=300 + 6 * i, feet_y=320, hat=True))
        for i in range(5)
    ]
    readings = iter([1.0, 1.0, 0.1, 1.0, 1.0])
    judge = plugin._judge

    def misread(image: np.ndarray, found: Detections, lit: object) -> tuple[tuple[PersonAttributes, ...], Detections]:
        attributes, faces = judge(image, found, lit)  # type: ignore[arg-type]
        return tuple(hat(next(readings)) for _ in attributes), faces

    monkeypatch.setattr(plugin, "_judge", misread)
    reports = [plugin.observe(img) for img in frames]
    assert all(r.fresh and len(r.persons) == 1 for r in reports)
    assert [r.attributes[0].hat for r in reports] == [1.0, 1.0, 1.0, 1.0, 1.0]
