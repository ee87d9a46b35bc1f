"""Rule logic of rodent, stove_unattended, bin_open, camera_blurred / displaced / frozen, on
hand-made perception results (no pixels)."""

import numpy as np
import pytest

from detectors.detections import Detections
from detectors.perception.base import Percepts
from detectors.perception.motion import MotionReport
from detectors.perception.people import PeopleReport
from detectors.perception.zone_state import ZoneStateReport
from detectors.rules.bin_open import REF_SAMPLES, BinOpen
from detectors.rules.camera_blurred import CameraBlurred
from detectors.rules.camera_displaced import CameraDisplaced
from detectors.rules.camera_frozen import CameraFrozen
from detectors.rules.rodent import SETTLE_FRAMES, VANISHED_FRAMES, Rodent
from detectors.rules.stove_unattended import StoveUnattended
from tests.detectors.rules.incident_reports import (
    H,
    W,
    boxes,
    flames,
    health,
    motion,
    scene,
    settings,
    small,
    zone,
)

FLOOR = zone("floor", "floor", 0.0, 0.55, 1.0, 1.0)
STOVE = zone("stove", "stove", 0.5, 0.3, 0.8, 0.75)
BIN = zone("bin", "bin", 0.82, 0.4, 0.95, 0.62)


def people(rows: list[tuple[float, float, float, float]]) -> PeopleReport:
    persons = boxes(rows, "person")
    return PeopleReport(persons, persons, (), Detections.empty(), True, 120.0)


# rodent -------------------------------------------------------------------------------------


def test_rodent_fires_on_a_confirmed_small_mover_on_the_floor() -> None:
    rule = Rodent(settings("rodent"))
    f = rule.evaluate(Percepts({"small_motion": small([(300, 300, 320, 310)])}), FLOOR, W, H)
    assert f.condition and f.detections.labels.tolist() == ["rodent"]
    cook = {"motion": motion([(200, 100, 290, 330)])}  # a cook walking near it moves no view
    assert (
        Rodent(settings("rodent"))
        .evaluate(Percepts({"small_motion": small([(300, 300, 320, 310)]), **cook}), FLOOR, W, H)
        .condition
    )


@pytest.mark.parametrize(
    ("mover", "extra"),
    [
        ((300, 100, 320, 110), {}),  # on the wall, not the floor
        ((300, 280, 380, 330), {}),  # too big for a rat (80 px = 0.125 of the width)
        ((300, 300, 320, 310), {"people": people([(270, 100, 340, 305)])}),  # a foot of a person
        ((300, 300, 320, 310), {"motion": motion([(0, 0, 500, 330)])}),  # the whole view moving
        ((300, 300, 320, 310), {"motion": MotionReport(Detections.empty(), 1.0, True, False)}),  # and re-learnt
    ],
)
def test_rodent_ignores_wrong_place_size_and_feet(
    mover: tuple[float, float, float, float], extra: dict[str, object]
) -> None:
    rule = Rodent(settings("rodent"))
    assert not rule.evaluate(Percepts({"small_motion": small([mover]), **extra}), FLOOR, W, H).condition


def test_a_mover_where_a_person_was_lost_and_nothing_moves_is_not_a_rodent_for_a_while() -> None:
    # A still cook the person plugin stopped finding moves again: a foot under no person box.
    cook, nobody, foot = people([(270, 100, 340, 305)]), people([]), small([(300, 300, 320, 310)])

    def lost(moving: list[tuple[float, float, float, float]]) -> Rodent:
        rule = Rodent(settings("rodent"))
        seen = Percepts({"small_motion": small([]), "people": cook, "motion": motion()})
        assert not rule.evaluate(seen, FLOOR, W, H).condition
        gone = Percepts({"small_motion": small([]), "people": nobody, "motion": motion(moving)})
        assert not rule.evaluate(gone, FLOOR, W, H).condition
        return rule

    rule = lost([])
    for _ in range(VANISHED_FRAMES - 1):
        assert not rule.evaluate(Percepts({"small_motion": foot, "people": nobody}), FLOOR, W, H).condition
    assert rule.evaluate(Percepts({"small_motion": foot, "people": nobody}), FLOOR, W, H).condition
    # A rat away from where the cook was lost is one at once.
    rat = small([(500, 300, 520, 310)])
    assert lost([]).evaluate(Percepts({"small_motion": rat, "people": nobody}), FLOOR, W, H).condition
    # So is one where a cook was lost as they walked (the detector flickers on people who walk).
    walked = lost([(280, 110, 350, 300)])
    assert walked.evaluate(Percepts({"small_motion": foot, "people": nobody}), FLOOR, W, H).condition


@pytest.mark.parametrize("view", [scene(matches=False), scene(shift=0.05)], ids=["lost", "moved"])
def test_a_knocked_camera_shows_no_rodent(view: object) -> None:
    rule = Rodent(settings("rodent"))
    mover = small([(300, 300, 320, 310)])
    assert rule.evaluate(Percepts({"small_motion": mover, "scene": scene(shift=0.01)}), FLOOR, W, H).condition
    assert not rule.evaluate(Percepts({"small_motion": mover, "scene": view}), FLOOR, W, H).condition
    back = Percepts({"small_motion": mover, "scene": scene()})  # put back: the old view settles first
    settling = [rule.evaluate(back, FLOOR, W, H).condition for _ in range(SETTLE_FRAMES)]
    assert settling == [False] * (SETTLE_FRAMES - 1) + [True]


def test_rodent_sensitivity_sets_the_largest_size() -> None:
    mover = Percepts({"small_motion": small([(300, 300, 350, 312)])})  # 50 px wide
    assert not Rodent(settings("rodent", 0)).evaluate(mover, FLOOR, W, H).condition
    assert Rodent(settings("rodent", 100)).evaluate(mover, FLOOR, W, H).condition


# stove_unattended ----------------------------------------------------------------------------


def stove_percepts(**extra: object) -> Percepts:
    return Percepts({"flame": flames(360, 130, 440, 150), "motion": motion(), **extra})


def test_burning_stove_with_nobody_there() -> None:
    f = StoveUnattended(settings("stove_unattended")).evaluate(stove_percepts(), STOVE, W, H)
    assert f.condition and "nobody" in f.message and len(f.detections) == 1


@pytest.mark.parametrize(
    "extra",
    [
        {"people": people([(380, 100, 430, 250)])},  # a cook at the stove
        {"motion": motion([(380, 100, 430, 250)])},  # a person-sized mover there, no person plugin
        {"motion": motion([(380, 100, 430, 250)]), "people": people([])},  # one the detector missed
    ],
)
def test_somebody_at_the_stove(extra: dict[str, object]) -> None:
    assert not StoveUnattended(settings("stove_unattended")).evaluate(stove_percepts(**extra), STOVE, W, H).condition


@pytest.mark.parametrize(
    "unclear",
    [{"scene": scene(sharpness=0.4)}, {"health": health(blocked=True)}, {"scene": scene(identical=1)}],
    ids=["blurred", "covered", "frozen"],
)
def test_a_blurred_covered_or_frozen_picture_shows_no_unattended_stove(unclear: dict[str, object]) -> None:
    """Nobody is found in a blurred picture, the cook at the stove included: such frames pause
    the dwell (fresh evaluation blur seed 19508: a 25-s blur hid the cook's return, and the
    dwell ran on to a false alert); the camera health rules report the picture."""
    rule = StoveUnattended(settings("stove_unattended"))
    assert rule.evaluate(stove_percepts(scene=scene(), health=health()), STOVE, W, H).condition
    finding = rule.evaluate(stove_percepts(**unclear), STOVE, W, H)
    assert not finding.condition and finding.unseen


def test_a_person_elsewhere_does_not_tend_the_stove() -> None:
    p = stove_percepts(people=people([(50, 100, 100, 300)]))
    assert StoveUnattended(settings("stove_unattended")).evaluate(p, STOVE, W, H).condition


@pytest.mark.parametrize(("share", "tended"), [(0.5, True), (0.15, True), (0.02, False), (0.0, False)])
def test_a_ghost_where_a_cook_stood_does_not_tend_the_stove(share: float, tended: bool) -> None:
    """A blob in which nothing moves since the last frame is the ghost a cook leaves in the motion
    background where they stood (fresh seed 14001: 0.00-0.06 of it moving for 2.2 s after the cook
    walked off), not a cook the person detector missed."""
    blob = motion([(380, 100, 430, 250)])
    moving = MotionReport(blob.detections, 0.0, False, False, moving=np.array([share]))
    f = StoveUnattended(settings("stove_unattended")).evaluate(stove_percepts(motion=moving), STOVE, W, H)
    assert f.condition != tended


def test_flames_outside_the_zone_or_too_few_do_not_count() -> None:
    rule = StoveUnattended(settings("stove_unattended"))
    outside = Percepts({"flame": flames(40, 130, 120, 150), "motion": motion()})
    assert not rule.evaluate(outside, STOVE, W, H).condition
    tiny = Percepts({"flame": flames(360, 130, 366, 134), "motion": motion()})  # 24 px, 0.01 %
    assert not rule.evaluate(tiny, STOVE, W, H).condition
    assert StoveUnattended(settings("stove_unattended", 100)).evaluate(tiny, STOVE, W, H).condition


# bin_open ------------------------------------------------------------------------------------


def zone_state(open_lid: bool) -> ZoneStateReport:
    rng = np.random.default_rng(1)
    ref = rng.uniform(50, 200, (180, 320)).astype(np.float32)
    cur = ref.copy()
    if open_lid:
        cur[72:112, 262:304] = rng.uniform(50, 200, (40, 42)).astype(np.float32)
    return ZoneStateReport(cur * 0.7, (0.5, 0.5))  # the rule learns its closed reference from these


def bin_percepts(open_lid: bool, **extra: object) -> Percepts:
    return Percepts({"zone_state": zone_state(open_lid), "scene": scene(), "motion": motion(), **extra})


def learnt(rule: BinOpen, **extra: object) -> BinOpen:
    """``rule`` after the frames it needs to learn the closed bin (nothing over the zone)."""
    for _ in range(REF_SAMPLES):
        assert not rule.evaluate(bin_percepts(False, **extra), BIN, W, H).condition
    return rule


def test_bin_open_when_the_zone_differs_from_the_reference() -> None:
    rule = learnt(BinOpen(settings("bin_open")))
    assert not rule.evaluate(bin_percepts(False), BIN, W, H).condition
    f = rule.evaluate(bin_percepts(True), BIN, W, H)
    assert f.condition and f.detections.labels.tolist() == ["bin_open"]


def test_bin_open_needs_a_zone_and_a_reference() -> None:
    rule = BinOpen(settings("bin_open"))
    assert not rule.evaluate(bin_percepts(True), None, W, H).condition
    assert not rule.evaluate(bin_percepts(True), BIN, W, H).condition  # still learning
    assert rule._refs == {}


def test_the_reference_is_learnt_only_while_nobody_covers_the_bin() -> None:
    rule = BinOpen(settings("bin_open"))
    at_bin = people([(530, 60, 610, 300)])
    cook = zone_state(True)  # what the zone shows with a cook in front of it: not the closed lid
    for _ in range(3 * REF_SAMPLES):  # a cook stands at the bin from the start
        p = Percepts({"zone_state": cook, "scene": scene(), "motion": motion(), "people": at_bin})
        assert not rule.evaluate(p, BIN, W, H).condition
    assert rule._refs == {} and not rule._views.get("bin")  # nothing of the cook was taken
    learnt(rule)  # they left: the closed bin is learnt
    assert not rule.evaluate(bin_percepts(False), BIN, W, H).condition
    assert rule.evaluate(bin_percepts(True), BIN, W, H).condition
    walker = BinOpen(settings("bin_open"))
    for _ in range(REF_SAMPLES):  # a mover over the zone spoils the views too
        p = Percepts({"zone_state": cook, "scene": scene(), "motion": motion([(540, 60, 600, 300)])})
        walker.evaluate(p, BIN, W, H)
    assert walker._refs == {}


def test_a_person_at_the_bin_keeps_the_last_answer() -> None:
    rule = learnt(BinOpen(settings("bin_open")))
    at_bin = people([(530, 60, 610, 300)])
    assert not rule.evaluate(bin_percepts(True, people=at_bin), BIN, W, H).condition  # no answer yet
    assert rule.evaluate(bin_percepts(True), BIN, W, H).condition
    assert rule.evaluate(bin_percepts(False, people=at_bin), BIN, W, H).condition  # hidden: still open
    assert not rule.evaluate(bin_percepts(False), BIN, W, H).condition


def test_without_a_person_detector_a_person_sized_mover_hides_the_bin() -> None:
    rule = learnt(BinOpen(settings("bin_open")))
    lid = {"motion": motion([(530, 130, 600, 200)])}  # the lid swinging open: small, not a person
    assert rule.evaluate(bin_percepts(True, **lid), BIN, W, H).condition
    walker = {"motion": motion([(520, 40, 610, 330)])}
    assert rule.evaluate(bin_percepts(False, **walker), BIN, W, H).condition  # hidden: keeps "open"


def test_a_moved_camera_is_not_an_open_bin() -> None:
    rule = BinOpen(settings("bin_open"))
    moved = Percepts({"zone_state": zone_state(True), "scene": scene(matches=False), "motion": motion()})
    assert not rule.evaluate(moved, BIN, W, H).condition


# camera health -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sharpness", "baseline", "blocked", "brightness", "expected"),
    [
        (0.9, 1.0, False, 120, False),
        (0.4, 1.0, False, 120, True),
        (0.4, None, False, 120, False),  # no baseline yet
        (0.4, 1.0, True, 120, False),  # covered: camera_blocked says it
        (0.4, 1.0, False, 20, False),  # too dark to judge
    ],
)
def test_camera_blurred(
    sharpness: float, baseline: float | None, blocked: bool, brightness: float, expected: bool
) -> None:
    p = Percepts({"scene": scene(sharpness, baseline), "health": health(blocked, brightness)})
    assert CameraBlurred(settings("camera_blurred")).evaluate(p, None, W, H).condition is expected


@pytest.mark.parametrize(
    ("report", "expected"),
    [
        (scene(shift=0.004), False),
        (scene(shift=0.06), True),
        (scene(matches=False), True),
        (scene(matches=None), False),  # not measurable (dark)
        (scene(matches=False, sharpness=0.3), False),  # blurred: camera_blurred says it
        (scene(matches=False, identical=5), False),  # frozen: camera_frozen says it
    ],
)
def test_camera_displaced(report: object, expected: bool) -> None:
    p = Percepts({"scene": report, "health": health()})
    assert CameraDisplaced(settings("camera_displaced")).evaluate(p, None, W, H).condition is expected


def test_camera_displaced_sensitivity() -> None:
    p = Percepts({"scene": scene(shift=0.02), "health": health()})
    assert not CameraDisplaced(settings("camera_displaced", 0)).evaluate(p, None, W, H).condition
    assert CameraDisplaced(settings("camera_displaced", 100)).evaluate(p, None, W, H).condition


@pytest.mark.parametrize(
    ("identical", "blocked", "expected"), [(0, False, False), (1, False, True), (3, False, True), (3, True, False)]
)  # identical counts frames judged a second apart: one repeat is a source repeating itself
def test_camera_frozen(identical: int, blocked: bool, expected: bool) -> None:
    p = Percepts({"scene": scene(identical=identical), "health": health(blocked)})
    assert CameraFrozen(settings("camera_frozen")).evaluate(p, None, W, H).condition is expected


def test_views_that_disagree_are_no_closed_reference() -> None:
    """A cook the person detector does not find stands with an arm over the bin for the first
    views, then walks off (fresh compliant clip 18003): the median of those views is the arm, and
    the closed lid differed from it ever after. Learning goes on until the views agree."""
    rule = BinOpen(settings("bin_open"))
    arm = zone_state(True)  # something over the lid that is not the closed lid
    for i in range(2 * REF_SAMPLES):
        state = arm if i < REF_SAMPLES // 2 + 1 else zone_state(False)
        p = Percepts({"zone_state": state, "scene": scene(), "motion": motion()})
        assert not rule.evaluate(p, BIN, W, H).condition
    assert "bin" in rule._refs
    assert not rule.evaluate(bin_percepts(False), BIN, W, H).condition  # the closed lid is closed
    assert rule.evaluate(bin_percepts(True), BIN, W, H).condition


def test_a_cook_missed_over_the_bin_does_not_push_out_the_closed_views() -> None:
    """Fresh bin_open 20609: eight closed views, then a near cook YOLOX missed stood over the zone
    for four; they pushed the closed views out one by one, and the lid was open by the time nine
    views agreed. Views that disagree with the rest go instead, and learning ends soon after."""
    rule = BinOpen(settings("bin_open"))
    arm = zone_state(True)
    for state in [zone_state(False)] * (REF_SAMPLES - 1) + [arm] * 4 + [zone_state(False)] * 2:
        p = Percepts({"zone_state": state, "scene": scene(), "motion": motion()})
        assert not rule.evaluate(p, BIN, W, H).condition
    assert "bin" in rule._refs
    assert rule.evaluate(bin_percepts(True), BIN, W, H).condition
