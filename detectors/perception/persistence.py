"""Persons who cannot have left: a detector miss on a still picture is not a departure.

YOLOX-Nano's score for one person standing still swings from frame to frame with sensor noise,
JPEG blocks and flames behind them (0.0 to 0.8 on consecutive frames is common in a dim
kitchen). Taken as it comes, a cook at the stove would vanish and reappear every few seconds:
the stove would look unattended, and a hatless cook would escape the dwell time.

A person found on the last run and missed on this one is kept (with the box and attributes of
the run that saw them) when the picture under their box has not changed since, since nobody
leaves a place without the pixels there changing. A person is kept for at most ``max_misses``
runs in a row, so a one-off false detection on a static wall does not stay for good; one the
detector found on a single run only (not yet on two) for at most ``ONCE_SEEN_MISSES`` run: a
box around a cook's legs, seen once and kept for 3 s, was a "person in dark clothes" long enough
for no_uniform's dwell (compliant tuning clip 5516).

For the same reason a person found again keeps most of the score they had: their score is the
larger of the new one and the last one less ``SCORE_DECAY``, so a cook seen at 0.8 who scores
0.4 on the next run is still sure enough for the rules' person threshold. And a box the detector
is unsure of (under its usual floor) is a person only where it continues one found on the last
run, as ByteTrack's second association does: a cook seen walking at 0.8 who stops, front on, in
dark clothes scores 0.16 and then nothing for seconds (tuning no_uniform seed 0). Kept as the
person they were, they stay kept while they stand still (above), instead of being lost the moment
they stopped. Each run without a sure look costs ``SCORE_DECAY``, so such a chain ends in a few runs;
runs closer together than a second cost their share of it (the caller's ``decay``): a still cook
looked at on every frame (a change at their head, a disputed look) lost 0.1 a run, half a point a
second, and fell under the rules' person threshold while still there (tuning no_hat seed 19).
"""

import numpy as np
from numpy.typing import NDArray

from detectors.detections import Detections, FloatArray

MATCH_IOU = 0.3  # a new box overlapping an old one this much is the same person, found again
# At most this share of the box's thumbnail pixels changed: nobody left (one who leaves changes
# most of their box; flames beside a cook at the stove change a little of it).
STILL_SHARE = 0.25
SCORE_DECAY = 0.1  # per run a second or more apart, how much of a person's last score a re-found person may lose
ONCE_SEEN_MISSES = 1  # runs a person found on one run only is kept through
MIN_KEPT_HEIGHT = 0.75  # a box under this share of the matched person's height is a part of them
PART_COVER = 0.5  # and at least this share of it inside their box (parts_of)
PART_STEP = 0.25  # that box widened by this share of its width each side: they walked on since
HEADLESS_TOP = 0.25  # a part with its top this share of the person's height under theirs misses the head


def _intersections(a: FloatArray, b: FloatArray) -> FloatArray:
    """The intersection area of every box of ``a`` (n, 4) with every box of ``b`` (m, 4)."""
    x1 = np.maximum(a[:, None, 0], b[None, :, 0])
    y1 = np.maximum(a[:, None, 1], b[None, :, 1])
    x2 = np.minimum(a[:, None, 2], b[None, :, 2])
    y2 = np.minimum(a[:, None, 3], b[None, :, 3])
    out: FloatArray = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    return out


def _areas(boxes: FloatArray) -> FloatArray:
    out: FloatArray = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    return out


def iou(a: FloatArray, b: FloatArray) -> FloatArray:
    """Intersection over union of every box of ``a`` (n, 4) with every box of ``b`` (m, 4)."""
    inter = _intersections(a, b)
    out: FloatArray = inter / np.maximum(_areas(a)[:, None] + _areas(b)[None, :] - inter, 1e-9)
    return out


def inside(a: FloatArray, b: FloatArray) -> FloatArray:
    """The share of every box of ``a`` (n, 4) that lies inside every box of ``b`` (m, 4)."""
    out: FloatArray = _intersections(a, b) / np.maximum(_areas(a), 1e-9)[:, None]
    return out


def same_face(a: FloatArray, b: FloatArray) -> NDArray[np.bool_]:
    """For every face box of ``a`` (n, 4) and of ``b`` (m, 4), whether they are one face: the
    centre of one lies in the other (False for a row of NaN, a face not known)."""
    def centres_in(p: FloatArray, q: FloatArray) -> NDArray[np.bool_]:
        cx, cy = ((p[:, 0] + p[:, 2]) / 2)[:, None], ((p[:, 1] + p[:, 3]) / 2)[:, None]
        out: NDArray[np.bool_] = (q[:, 0] <= cx) & (cx <= q[:, 2]) & (q[:, 1] <= cy) & (cy <= q[:, 3])
        return out

    return centres_in(a, b) | centres_in(b, a).T


def changed_share(changed: NDArray[np.bool_], box: FloatArray, width: int) -> float:
    """Share of the changed pixels of a thumbnail ``changed`` under ``box`` (pixels of a picture
    ``width`` wide)."""
    s = changed.shape[1] / width
    x1, y1 = int(np.floor(box[0] * s)), int(np.floor(box[1] * s))
    x2, y2 = int(np.ceil(box[2] * s)), int(np.ceil(box[3] * s))
    region = changed[max(0, y1) : max(0, y2), max(0, x1) : max(0, x2)]
    return float(region.mean()) if region.size else 1.0


def still_missed(
    old: Detections,
    new: Detections,
    changed: NDArray[np.bool_] | None,
    width: int,
    misses: NDArray[np.int_],
    max_misses: int,
    hits: NDArray[np.int_] | None = None,
) -> NDArray[np.intp]:
    """Indices of the ``old`` persons that ``new`` misses and that cannot have left: found again
    by no new box, under fewer than ``STILL_SHARE`` changed pixels, missed fewer than
    ``max_misses`` runs in a row so far (fewer than ``ONCE_SEEN_MISSES`` when ``hits``, the runs
    that found each, says one). None when the picture's change is unknown."""
    if changed is None or not len(old):
        return np.zeros(0, np.intp)
    keep = [
        i
        for i in keepable(old, new, misses, max_misses, hits)
        if changed_share(changed, old.boxes[i], width) <= STILL_SHARE
    ]
    return np.array(keep, np.intp)


def keepable(
    old: Detections, new: Detections, misses: NDArray[np.int_], max_misses: int, hits: NDArray[np.int_] | None = None
) -> list[int]:
    """Indices of the ``old`` persons that ``new`` misses and that may still be kept: missed
    fewer than ``max_misses`` runs in a row so far (fewer than ``ONCE_SEEN_MISSES`` when ``hits``,
    the runs that found each, says one)."""
    if not len(old):
        return []
    found = iou(old.boxes, new.boxes).max(axis=1) >= MATCH_IOU if len(new) else np.zeros(len(old), bool)
    limits = np.full(len(old), max_misses)
    if hits is not None:
        limits = np.where(hits >= 2, max_misses, min(max_misses, ONCE_SEEN_MISSES))
    return [i for i in range(len(old)) if not found[i] and misses[i] < limits[i]]


def runs_found(old: Detections, old_hits: NDArray[np.int_], new: Detections) -> NDArray[np.int_]:
    """For each ``new`` person, the runs that have found them: one more than the ``old`` person
    they match (``old_hits``), else 1. A box that is a part of the person it overlaps (under
    ``MIN_KEPT_HEIGHT`` of their height) is found for the first time: a box round a walking cook's
    legs is no person seen before, and kept or carried as one it was a cook in dark clothes for
    3 s (compliant tuning clip 5708)."""
    if not len(new):
        return np.zeros(0, np.int_)
    if not len(old) or len(old_hits) != len(old):
        return np.ones(len(new), np.int_)
    best, matched = best_match(old, new)
    matched &= new.heights >= MIN_KEPT_HEIGHT * old.heights[best]
    out: NDArray[np.int_] = np.where(matched, old_hits[best] + 1, 1)
    return out


def parts_of(old: Detections, new: Detections) -> NDArray[np.bool_]:
    """For each ``new`` person, whether it is a part of an ``old`` person: at least ``PART_COVER``
    of it inside their box, and under ``MIN_KEPT_HEIGHT`` of their height (a box round their legs).
    By cover, not IoU: a walking cook's legs, a step on from the cook's last box, overlapped it
    0.28 (fresh compliant clip 24705), and taken for a person on their own they were kept as a
    cook in dark clothes for 3 s."""
    if not len(old) or not len(new):
        return np.zeros(len(new), np.bool_)
    return np.asarray(_part_pairs(old, new).any(axis=1), np.bool_)


def headless(old: Detections, old_tops: FloatArray, new: Detections) -> FloatArray:
    """For each ``new`` person, whether it is a box without a head, as the top (picture pixels) of
    the whole person it is a part of, NaN for a box with a head: a part of an ``old`` person
    (:func:`parts_of`) with its top ``HEADLESS_TOP`` of their height or more under theirs (a box
    round their legs: their top), or found again (much the same height) as an old box that was
    (``old_tops`` not NaN: that whole person's top), unless its own top is back within
    ``HEADLESS_TOP`` of the height from that top to its feet: it found the head again. The dark
    trousers of a cook whose white jacket blended into the white wall, boxed alone on one run after
    another, were a cook "without light work clothes" for 3 s (fresh compliant clip 24814); and a
    box of a walking cook cut at the chest, regaining the head a step at a time (92, 67, 30 px),
    stayed "without a head" for good while its height grew by under a third a run (no_uniform seed
    19907, a missed alert)."""
    out = np.full(len(new), np.nan)
    if not len(old) or not len(new):
        return out
    low = new.boxes[:, None, 1] - old.boxes[None, :, 1] >= HEADLESS_TOP * old.heights[None, :]
    pairs = _part_pairs(old, new) & low
    cut = pairs.any(axis=1)
    out[cut] = np.where(pairs, old.boxes[None, :, 1], np.inf)[cut].min(axis=1)
    if len(old_tops) == len(old):
        best, matched = best_match(old, new)
        top = old_tops[best]
        still = new.boxes[:, 1] - top >= HEADLESS_TOP * (new.boxes[:, 3] - top)  # NaN: False
        again = ~cut & matched & still & (MIN_KEPT_HEIGHT * new.heights < old.heights[best])
        out[again] = top[again]
    return out


def _part_pairs(old: Detections, new: Detections) -> NDArray[np.bool_]:
    """(new, old) pairs in which the new box is a part of the old person (:func:`parts_of`)."""
    step = PART_STEP * (old.boxes[:, 2] - old.boxes[:, 0])
    cover = inside(new.boxes, old.boxes + np.stack([-step, 0 * step, step, 0 * step], axis=1))
    shorter = new.heights[:, None] < MIN_KEPT_HEIGHT * old.heights[None, :]
    out: NDArray[np.bool_] = (cover >= PART_COVER) & shorter
    return out


def best_match(old: Detections, new: Detections) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
    """For each ``new`` person (both non-empty): the ``old`` person it overlaps most, and whether
    that is enough (``MATCH_IOU``) to be the same person found again."""
    overlap = iou(new.boxes, old.boxes)
    best: NDArray[np.intp] = overlap.argmax(axis=1)
    matched: NDArray[np.bool_] = overlap[np.arange(len(new)), best] >= MATCH_IOU
    return best, matched


def confirmed(old: Detections, new: Detections, decay: float = SCORE_DECAY) -> Detections:
    """``new`` with each score raised to its best-matching ``old`` person's less ``decay``,
    unless the new box is a part of the old one (under ``MIN_KEPT_HEIGHT`` of its height) that
    misses the head: a box round a cook's legs is no sure person, and judged as one it is a cook
    in dark clothes (fresh compliant clip 17050: a legs box scored as its cook's 0.7 made a false
    no_uniform alert). A box cut at the waist whose top stays at the head is the cook half hidden
    (fresh no_mask 20500: a counter hid the legs, the box scored 0.33 for 4.6 s, the alert came
    9 s late), unless it is much narrower too: one of two cooks a box held (no_hat 20421: the
    bare head took the pair's score and their hat, and the alert came 2.6 s later)."""
    if not len(old) or not len(new):
        return new
    best, matched = best_match(old, new)
    whole = new.heights >= MIN_KEPT_HEIGHT * old.heights[best]
    head = new.boxes[:, 1] - old.boxes[best, 1] < HEADLESS_TOP * old.heights[best]
    head &= new.widths >= MIN_KEPT_HEIGHT * old.widths[best]  # not one of two people in one box
    matched &= whole | head
    floor = np.where(matched, old.scores[best] - decay, 0.0)
    return Detections(new.boxes, np.maximum(new.scores, floor), new.labels)


def continued(objects: Detections, known: Detections, sure: float, decay: float = SCORE_DECAY) -> Detections:
    """``objects`` with every person's score raised as :func:`confirmed` does, without the
    persons scored under ``sure`` that this does not lift to it: an unsure box counts only where
    it continues a ``known`` person (the last run's), whole, and not at the end of a chain."""
    person = objects.labels == "person"
    scores = objects.scores.copy()
    scores[person] = confirmed(known, objects[person], decay).scores
    keep = ~person | (scores >= sure)
    return Detections(objects.boxes[keep], scores[keep], objects.labels[keep])
