"""The people plugin: persons with attributes, and the gate that keeps a static kitchen cheap."""

import cv2
import numpy as np
import pytest

from detectors.detections import Detections
from detectors.perception.base import shared_thumbnails
from detectors.perception.hog_people import HogConfig
from detectors.perception.people import PeopleConfig, PeopleDetector, PeopleReport
from detectors.perception.picture import Picture
from tests.detectors import scenes


@pytest.fixture(scope="module")
def plugin() -> PeopleDetector:
    return PeopleDetector()


def test_attributes_of_an_intruder_and_of_a_cook(plugin: PeopleDetector) -> None:
    img = scenes.with_walker(scenes.kitchen(seed=3), x=160, feet_y=320)
    img = scenes.with_walker(img, x=470, feet_y=320, hat=True)  # a hat, but no mask and dark clothes
    report = plugin.detect(scenes.roundtrip(img))
    assert len(report.persons) == 2 and report.fresh
    by_x = sorted(zip(report.persons.boxes[:, 0], report.attributes, strict=True), key=lambda p: p[0])
    intruder, cook = by_x[0][1], by_x[1][1]
    assert intruder.hat is not None and intruder.hat < 0.2 and intruder.uniform is not None and intruder.uniform < 0.1
    assert cook.hat is not None and cook.hat > 0.8 and cook.uniform is not None and cook.uniform < 0.1
    assert cook.mask is not None and cook.mask < 0.1 and cook.face_found  # BlazeFace found the bare face


def test_static_frames_reuse_the_last_result(plugin: PeopleDetector) -> None:
    plugin.reset()
    img = scenes.roundtrip(scenes.with_walker(scenes.kitchen(seed=4), x=300, feet_y=320))
    refresh = plugin.config.people_refresh_frames  # a person in view: looked at again every 2 s
    reports: list[PeopleReport] = [plugin.observe(img) for _ in range(refresh + 2)]
    assert [r.fresh for r in reports] == [True] + [False] * (refresh - 1) + [True, False]
    assert all(len(r.persons) == 1 for r in reports)
    plugin.reset()
    empty = scenes.roundtrip(scenes.kitchen(seed=4))
    refresh = plugin.config.gate.refresh_frames  # nobody: only the gate's 30 s safety net
    reports = [plugin.observe(empty) for _ in range(refresh + 2)]
    assert [r.fresh for r in reports] == [True] + [False] * (refresh - 1) + [True, False]
    assert all(len(r.persons) == 0 for r in reports)


def test_a_moving_scene_runs_the_detectors_at_most_every_other_frame() -> None:
    plugin = PeopleDetector(PeopleConfig(min_gap_frames=2))
    frames = [
        scenes.roundtrip(scenes.with_walker(scenes.kitchen(seed=4), x=120 + 25 * i, feet_y=320)) for i in range(7)
    ]
    reports = [plugin.observe(img) for img in frames]
    assert [r.fresh for r in reports] == [True, False, True, False, True, False, True]
    # the frame that may run after a change catches up on it: the walker's latest position
    assert abs(float(reports[-1].persons.boxes[0, 0]) - float(reports[-2].persons.boxes[0, 0])) > 20


def test_a_change_with_nobody_found_is_looked_at_again() -> None:
    plugin = PeopleDetector(PeopleConfig(relook_frames=(3, 5)))
    empty = scenes.roundtrip(scenes.kitchen(seed=4))
    moved = empty.copy()
    moved[200:260, 100:180] = (30, 90, 200)  # a crate put down: a change, but nobody there
    reports = [plugin.observe(empty)] + [plugin.observe(moved) for _ in range(12)]
    fresh = [i for i, r in enumerate(reports) if r.fresh]
    assert fresh == [0, 1, 4, 9]  # the change, then 3 and 5 frames after the run before
    assert all(len(r.persons) == 0 for r in reports)


def test_a_person_the_detector_misses_is_kept_while_the_picture_under_them_is_still(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plugin = PeopleDetector(PeopleConfig(relook_frames=(), keep_missed_runs=2, hog=HogConfig(enabled=False)))
    kitchen = scenes.kitchen(seed=4)
    cook = scenes.roundtrip(scenes.with_walker(kitchen, x=300, feet_y=320))
    refresh = plugin.config.people_refresh_frames
    first = [plugin.observe(cook) for _ in range(refresh + 1)][-1]  # found on two runs
    assert first.fresh and len(first.persons) == 1 and first.attributes[0].uniform is not None
    # YOLOX misses from now on
    monkeypatch.setattr(plugin.objects, "detect", lambda image, floor=None: Detections.empty())
    reports = [plugin.observe(cook) for _ in range(3 * refresh)]
    runs = [r for r in reports if r.fresh]
    assert [len(r.persons) for r in runs] == [1, 1, 0]  # kept for two missed runs, then let go
    assert runs[0].attributes == first.attributes and np.array_equal(runs[0].persons.boxes, first.persons.boxes)
    plugin.reset()
    monkeypatch.undo()
    assert len(plugin.observe(cook).persons) == 1
    monkeypatch.setattr(plugin.objects, "detect", lambda image, floor=None: Detections.empty())
    gone = plugin.observe(scenes.roundtrip(kitchen))  # they walked off: the picture changed under them
    assert gone.fresh and len(gone.persons) == 0


def test_a_kept_person_is_judged_again_on_the_new_picture(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cook standing still takes their hat off while the detector misses them: the picture under
    them changed too little for them to have left, so they are kept, but not with the hat they
    wore when last found."""
    plugin = PeopleDetector(PeopleConfig(relook_frames=()))
    kitchen = scenes.kitchen(seed=4)
    hatted = scenes.roundtrip(scenes.with_walker(kitchen, x=470, feet_y=320, hat=True))
    bare = scenes.roundtrip(scenes.with_walker(kitchen, x=470, feet_y=320))
    refresh = plugin.config.people_refresh_frames
    first = [plugin.observe(hatted) for _ in range(refresh + 1)][-1]  # found on two runs
    assert len(first.persons) == 1 and first.attributes[0].hat is not None and first.attributes[0].hat > 0.8
    monkeypatch.setattr(plugin.objects, "detect", lambda image, floor=None: Detections.empty())
    runs = [r for r in (plugin.observe(bare) for _ in range(refresh + 1)) if r.fresh]
    assert runs and all(len(r.persons) == 1 for r in runs)  # kept: nobody left
    hat = runs[-1].attributes[0].hat
    assert hat is not None and hat < 0.2
    assert np.array_equal(runs[-1].persons.boxes, first.persons.boxes)


def test_a_person_found_on_one_run_only_is_kept_through_one_miss(monkeypatch: pytest.MonkeyPatch) -> None:
    """A one-off detection (a box around a cook's legs, a coat on a hook) is not kept for the
    five missed runs a person seen twice is: one, then it is let go."""
    plugin = PeopleDetector(PeopleConfig(relook_frames=(), hog=HogConfig(enabled=False)))
    cook = scenes.roundtrip(scenes.with_walker(scenes.kitchen(seed=4), x=300, feet_y=320))
    assert len(plugin.observe(cook).persons) == 1  # found once
    monkeypatch.setattr(plugin.objects, "detect", lambda image, floor=None: Detections.empty())
    runs = [r for r in (plugin.observe(cook) for _ in range(3 * plugin.config.people_refresh_frames)) if r.fresh]
    assert [len(r.persons) for r in runs] == [1, 0]  # then nobody in view: the gate waits for a change


def test_a_box_round_a_known_cooks_legs_is_not_judged(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cook found whole, then only as their legs (a white jacket against a white wall): the
    legs' box is a person there, but its "torso" is the trousers, and its looks are nobody's, on
    this run and on the runs that find the same box again (fresh compliant clip 24814)."""
    plugin = PeopleDetector(PeopleConfig(relook_frames=()))
    cook = scenes.roundtrip(scenes.with_walker(scenes.kitchen(seed=4), x=300, feet_y=270, hat=True))
    whole = Detections.of(np.array([[266.0, 97.0, 335.0, 270.0]]), np.array([0.9]), "person")
    legs = Detections.of(np.array([[270.0, 170.0, 332.0, 268.0]]), np.array([0.7]), "person")
    monkeypatch.setattr(plugin.objects, "detect", lambda image, floor=None: whole)
    first = plugin.observe(cook)
    assert first.attributes[0].uniform is not None  # the whole cook is judged
    monkeypatch.setattr(plugin.objects, "detect", lambda image, floor=None: legs)
    runs = [r for r in (plugin.observe(cook) for _ in range(3 * plugin.config.people_refresh_frames)) if r.fresh]
    assert len(runs) >= 2 and all(len(r.persons) == 1 for r in runs)
    assert all(r.attributes[0].uniform is None and r.attributes[0].hat is None for r in runs)
    fresh = PeopleDetector(PeopleConfig(relook_frames=()))  # the same box with no cook seen before is judged
    monkeypatch.setattr(fresh.objects, "detect", lambda image, floor=None: legs)
    assert fresh.observe(cook).attributes[0].uniform is not None


def test_a_person_box_much_wider_than_tall_is_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    plugin = PeopleDetector()
    found = Detections(
        np.array([[300, 140, 440, 175], [100, 60, 160, 250], [200, 300, 330, 360.0]]),
        np.array([0.46, 0.8, 0.5]),
        np.array(["person", "person", "oven"]),
    )  # YOLOX's "person" on a lit stove: 140 x 35 pixels
    monkeypatch.setattr(plugin.objects, "detect", lambda image, floor=None: found)
    report = plugin.detect(scenes.roundtrip(scenes.kitchen(seed=4)))
    assert report.persons.boxes.tolist() == [[100, 60, 160, 250]]
    assert sorted(report.objects.labels.tolist()) == ["oven", "person"]


def test_a_cook_who_stops_walking_is_not_lost_when_the_detector_grows_unsure() -> None:
    """Tuning scene no_uniform seed 0: a dark-clad cook walks, then stops front on at 25 s. YOLOX
    scores them 0.84 walking, 0.16 on the frame they stop and nothing after: the unsure box
    continues the known person, who is then kept while they stand still."""
    from tests.detectors.perception.synthetic_frames import frames

    url = "synthetic://kitchen?seed=0&people=1&stove=1&pose=1&clutter=8&noise=1&exposure=1.05&script=no_uniform@22.7+15"
    plugin = PeopleDetector()
    reports = [(t, plugin.observe(img)) for t, img in frames(url, 27.0, start=23.8, quality=55)]
    stopped = [r for t, r in reports if t >= 25.2]
    assert stopped and all(len(r.persons) == 1 and r.persons.scores[0] >= 0.45 for r in stopped)
    feet_x = (stopped[-1].persons.boxes[0, 0] + stopped[-1].persons.boxes[0, 2]) / 2
    assert abs(feet_x - 176) < 20 and stopped[-1].attributes[0].uniform is not None
    assert stopped[-1].attributes[0].uniform < 0.1  # and they are judged: no light work clothes


def test_a_still_cook_pulling_the_mask_down_is_looked_at_again_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Too small a change for the gate (a few rows of the picture), but at a known person's head."""
    drawn = scenes.with_walker(scenes.kitchen(seed=4), x=300, feet_y=260, hat=True)
    bare = scenes.roundtrip(drawn)
    masked = drawn.copy()
    masked[113:123, 289:313] = (235, 205, 150)  # a light blue mask over the lower face (289-312, 100-123)
    masked = scenes.roundtrip(masked)
    cook = Detections.of(np.array([[266.0, 97.0, 335.0, 270.0]]), np.array([0.9]), "person")
    # 3: looked at on the first frame, and again 2 frames later (perception.tracks: a look that
    # disagrees with the last verdict is confirmed)
    for frames, fresh in ((0, [False] * 4), (3, [True, False, True, False])):
        plugin = PeopleDetector(PeopleConfig(head_change_frames=frames))
        # YOLOX-Nano does not find this drawing with a mask on: the detector is given the cook
        monkeypatch.setattr(plugin.objects, "detect", lambda image, floor=None: cook)
        was = [plugin.observe(masked) for _ in range(5)][-1].attributes[0].mask
        after = [plugin.observe(bare) for _ in range(4)]
        assert [r.fresh for r in after] == fresh  # 0: the gate alone waits for the 2 s refresh
        now = after[-1].attributes[0].mask
        assert was is not None and now is not None and (now < was - 0.2 if frames else now == was)


def test_a_look_the_verdict_outvotes_is_confirmed_soon(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three looks at a hatted cook (something else moving opens the gate), then the hat comes
    off: the first look without it is outvoted, and the next look comes 2 frames later."""
    hatted = scenes.with_walker(scenes.kitchen(seed=4), x=300, feet_y=320, hat=True)
    moving = []
    for i in range(3):
        img = hatted.copy()
        img[250:350, 40 + 60 * i : 100 + 60 * i] = (20, 20, 20)  # a dark crate carried past, far from the cook
        moving.append(scenes.roundtrip(img))
    bare = scenes.roundtrip(scenes.with_walker(scenes.kitchen(seed=4), x=300, feet_y=320))
    cook = Detections.of(np.array([[258.0, 95.0, 342.0, 334.0]]), np.array([0.9]), "person")
    # the look after the outvoted one changes the verdict, and so differs from the last one: a second
    # look confirms it (at most two in a row)
    for frames, fresh in ((0, [False] * 5), (2, [False, True, False, True, False])):
        plugin = PeopleDetector(PeopleConfig(confirm_frames=frames, head_change_frames=0))
        monkeypatch.setattr(plugin.objects, "detect", lambda image, floor=None: cook)
        assert all(plugin.observe(img).fresh for img in moving)
        first = plugin.observe(bare)
        assert first.fresh and first.attributes[0].hat is not None and first.attributes[0].hat > 0.5  # outvoted
        after = [plugin.observe(bare) for _ in range(5)]
        assert [r.fresh for r in after] == fresh
        hat = after[-1].attributes[0].hat
        assert hat is not None and (hat < 0.5) == (frames > 0)


@pytest.mark.parametrize("decay_frames", [5, 1])
def test_a_score_fades_with_time_not_with_how_often_a_person_is_looked_at(decay_frames: int) -> None:
    """Tuning scene no_hat seed 19: a cook at the counter takes the hat off at 31 s; the changes at
    their head and the disputed looks run the detectors on every frame, and YOLOX scores them
    0.40-0.70. A run a frame after the last costs a fifth of the per-run decay; at the full decay
    per run (``score_decay_frames`` 1) their score fell 0.1 a frame, under the rules' 0.45 at 31.8 s."""
    from tests.detectors.perception.synthetic_frames import frames

    url = "synthetic://kitchen?seed=19&people=3&stove=1&pose=1&clutter=7&noise=2&exposure=1.36&script=no_hat@31.0+15"
    plugin = PeopleDetector(PeopleConfig(score_decay_frames=decay_frames))
    lowest = 1.0
    for t, img in frames(url, 33.2, start=30.0, quality=77):
        report = plugin.observe(img)
        if t >= 31.2:  # the cook's feet are at (274, 292)
            at = [s for b, s in zip(report.persons.boxes, report.persons.scores, strict=True) if b[0] < 274 < b[2]]
            lowest = min(lowest, max(at, default=0.0))
    assert (lowest >= 0.45) == (decay_frames == 5), lowest


@pytest.mark.parametrize("relocate", [True, False])
def test_a_cook_who_stops_where_the_detector_cannot_see_them_is_kept(relocate: bool) -> None:
    """Fresh no_hat seed 13011: the cook walks left before the white tiled wall and stops at 39.4 s
    with their feet at x 276; YOLOX-Nano finds them on no run until they walk on at 47.8 s. Their
    box changed (they took a step), so the still test cannot keep them: found again a step away by
    their looks, they are kept where they stand (without it, nobody is in the report)."""
    from tests.detectors.perception.synthetic_frames import frames

    url = "synthetic://kitchen?seed=13011&people=1&stove=1&pose=1&clutter=0&noise=2&exposure=1.37&script=no_hat@38.9+15"
    plugin = PeopleDetector(PeopleConfig(relocate_missed=relocate))
    held = []
    for t, img in frames(url, 41.0, start=37.0, quality=57):
        report = plugin.observe(img)
        if t >= 39.6:
            held.append(any(b[0] < 276 < b[2] for b in report.persons.boxes))
    assert held and all(held) == relocate and any(held) == relocate, held


def test_a_cook_found_once_and_lost_as_they_stop_is_kept() -> None:
    """Evaluation no_uniform seed 18005: a cook in black walks before the grey counter and is
    found on one run (39.4 s), missed as they stop, and on every look for 7 s after. Seen once, on
    their own (no part of a person seen before), they are found again by their looks, and that
    counts as a run that found them: kept where they stand for the dwell (before: nobody in the
    report from 39.6 s; no alert). Fed as the pipeline feeds it: JPEG pictures decoded as far as
    asked, thumbnails shared."""
    from ingest import synthetic

    url = (
        "synthetic://kitchen?seed=18005&people=1&stove=1&pose=1&clutter=5&noise=1&exposure=1.37"
        "&script=no_uniform@35.5+15"
    )
    spec = synthetic.parse_synthetic_url(url)
    plugin = PeopleDetector()
    held = []
    for i in range(0, 42 * 5):
        ok, buf = cv2.imencode(".jpg", synthetic.render(spec, i / 5), [cv2.IMWRITE_JPEG_QUALITY, 57])
        assert ok
        picture = Picture(buf.tobytes(), spec.width, spec.height)
        with shared_thumbnails(picture):
            report = plugin.observe(picture)
        if i / 5 >= 39.6:
            held.append(any(b[0] < 270 < b[2] for b in report.persons.boxes))
    assert held and all(held), held


def test_a_person_the_zoom_finds_again_is_one_person(monkeypatch: pytest.MonkeyPatch) -> None:
    """Evaluation no_uniform seed 18005 at 32.6 s: the whole frame scored a cook 0.13 (unsure), so
    the zoomed second look ran and found them again, 1 px off, at 0.29; both continued the cook of
    the last run and both were reported: one cook carried as two for seconds."""
    plugin = PeopleDetector()
    unsure = Detections.of([[175, 111, 278, 296]], [0.13], "person")
    monkeypatch.setattr(plugin.objects, "detect", lambda image, floor=None: unsure)
    zoomed = Detections.of([[176, 112, 280, 297]], [0.29], "person")
    monkeypatch.setattr(plugin, "_zoomed_persons", lambda image, around, floor: zoomed)
    known = Detections.of([[216, 106, 285, 297]], [0.83], "person")
    image = np.full((360, 640, 3), 128, np.uint8)
    report = plugin.detect(image, zoom=(150.0, 100.0, 300.0, 300.0), known=known, decay=0.1)
    assert report.persons.boxes.tolist() == [[176, 112, 280, 297]] and len(report.attributes) == 1
