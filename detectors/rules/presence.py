"""Who is where, for rules whose main signal is not people (stove, bin, rodent): persons from any
person plugin that ran on the frame, and person-sized moving blobs as a stand-in; and whether the
camera still shows the view the zones were drawn on, and clearly enough to judge people by.

Duck-typed on purpose: any perception result exposing ``persons`` (Detections) counts, as does a
Detections result with ``person`` labels, so these rules use the person detector when the camera
runs it and work without it.
"""

from typing import cast

from detectors.detections import Detections, PixelZone
from detectors.perception.base import Percepts
from detectors.perception.health import HealthReport
from detectors.perception.motion import MotionReport
from detectors.perception.scene_health import SceneReport

MOVED_SHIFT = 0.02  # share of the diagonal: the camera moved, its zones show something else now
# The scene plugin judges frames a second apart: a duplicated frame in transit cannot make two of
# those equal, so one repeat already means a source that repeats its picture.
FROZEN_REPEATS = 1


def persons_seen(percepts: Percepts) -> Detections | None:
    """Every person box the frame's perception found; None when no person plugin ran."""
    if "persons" in percepts.derived:
        return cast(Detections | None, percepts.derived["persons"])
    persons = percepts.derived["persons"] = _persons_seen(percepts)
    return persons


def _persons_seen(percepts: Percepts) -> Detections | None:
    found: list[Detections] = []
    for key in percepts.keys():  # noqa: SIM118 (Percepts is not a dict)
        value = percepts.get(key, object)
        persons = getattr(value, "persons", None)
        if isinstance(persons, Detections):
            found.append(persons)
        elif isinstance(value, Detections):
            found.append(value[value.labels == "person"])
    if not found:
        return None
    return found[0] if len(found) == 1 else Detections.concat(*found)


def person_sized_motion(percepts: Percepts, min_height: float, min_moving: float = 0.0) -> Detections:
    """Moving blobs at least ``min_height`` pixels tall, and with at least ``min_moving`` of their
    pixels changed since the previous frame where the motion plugin knows (a ghost left where a
    cook stood does not move); empty when the motion plugin did not run."""
    if "motion" not in percepts:
        return Detections.empty()
    report = percepts.get("motion", MotionReport)
    blobs = report.detections
    if not len(blobs):
        return blobs
    keep = blobs.heights >= min_height
    if min_moving > 0 and len(report.moving) == len(blobs):
        keep &= report.moving >= min_moving
    return blobs[keep]


def in_zone(dets: Detections, zone: PixelZone | None) -> Detections:
    """Those whose feet or centre lie in ``zone`` (all of them without a zone)."""
    if zone is None or not len(dets):
        return dets
    return dets[zone.trigger(dets, "bottom_center") | zone.trigger(dets, "center")]


def overlapping(
    dets: Detections, box: tuple[float, float, float, float], grow: float = 0.0, above: float = 0.0
) -> Detections:
    """Those whose box, grown by ``grow`` of its size on each side (and by ``above`` of its
    height more at the top), intersects ``box``."""
    if not len(dets):
        return dets
    b = dets.boxes
    gx, gy = dets.widths * grow, dets.heights * grow
    top = b[:, 1] - gy - dets.heights * above
    hit = (b[:, 0] - gx < box[2]) & (b[:, 2] + gx > box[0]) & (top < box[3]) & (b[:, 3] + gy > box[1])
    return dets[hit]


def view_moved(percepts: Percepts) -> bool:
    """The camera no longer shows the view its zones were drawn on (knocked, turned): what a zone
    covers now is something else, and a view that moves shows movement everywhere. False when
    the scene plugin did not run or cannot tell (too dark, reference not learnt yet)."""
    if "scene" not in percepts:
        return False
    scene = percepts.get("scene", SceneReport)
    return scene.view_matches is False or scene.view_shift > MOVED_SHIFT


def lens_covered(percepts: Percepts) -> bool:
    """The health plugin finds the picture covered (flat, edgeless): what moves is the cover."""
    return "health" in percepts and percepts.get("health", HealthReport).blocked


def picture_frozen(percepts: Percepts) -> bool:
    """The source repeats one picture (identical frames judged a second apart). False when the
    scene plugin did not run."""
    return "scene" in percepts and percepts.get("scene", SceneReport).identical_frames >= FROZEN_REPEATS


def picture_unclear(percepts: Percepts) -> bool:
    """The camera's picture is blurred (softer than its own baseline), covered or frozen, so hats,
    masks and clothes cannot be told apart, or not now: camera_blurred / camera_blocked /
    camera_frozen speak for such frames. A frozen picture judged again and again is one look
    counted as many: one misread would hold for the whole dwell. False for what did not run or is
    still learning."""
    if "scene" in percepts and percepts.get("scene", SceneReport).soft:
        return True
    return picture_frozen(percepts) or lens_covered(percepts)
