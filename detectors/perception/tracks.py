"""Who is who from one detector run to the next, and each person's attributes over their last looks.

One look at a person can be wrong: a face box placed on the hat, a jar on the shelf behind a
masked head taken for the face, a colleague's hat inside a box that holds two cooks. Alone, such
a look stands until the next run, and a few of them on different frames add up to an alert's
dwell (compliant tuning clip 5658). A person's *own* recent looks tell a misread from a change:
each person keeps a track (the box of one run matched to a box of the next, or to a person lost
on the last few runs: the detector misses people now and then) and the attributes reported for
them are the median of their last ``LOOKS`` measured looks within ``window`` frames.

- Three looks (a cook on the move is looked at on every frame, so 0.6 s): a hat taken off shows
  from the second look without it.
- Fewer: the latest stands. A cook standing still is looked at every 2 s, so within the window
  (1.2 s by default) they are judged on their latest look, as without tracks, and no later. In a
  3 s window a still cook's first look without the hat was often outvoted by two older ones.
- A look that measured nothing (face turned away, hidden) says nothing: the person is unmeasured
  on it, as before, and their earlier looks still count for the next one.
- A look that disagrees (by ``DISPUTE`` or more) with the verdict, or with the person's last
  verdict however old, is *disputed*, and the people plugin looks again soon instead of at its
  2 s refresh. The first look at a cook who just pulled the mask down is outvoted by two older
  ones: the second look comes 0.4 s later, not 2 s (tuning no_mask seed 34: the mask came off at
  39.8 s, was seen at 40.0 s, outvoted, and the next look came at 42.0 s). And a still cook is
  judged on one look every 2 s: a misread one no longer stands for 2 s alone.
- So is a look that measured nothing at a person whose last verdict is under ``SUSPECT`` (a
  hatless cook whose face went unfound): the rule's dwell waits for their next measured look.
  A hatless cook measured on every other look, unmeasured on the look at 3.0 s into the dwell
  and then not looked at for 2 s, alerted 3 s late (no_hat seed 19907).

A track also remembers its person's boxes of the last ``TALL_FRAMES`` frames, so a box that lost
the head a step at a time (each run's top a little lower than the last, the feet where they were)
is known for a box without a head (:meth:`AttributeTracks.cut_at_top`).
"""

from collections import deque
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from detectors.detections import Detections, FloatArray
from detectors.perception.attributes import PersonAttributes
from detectors.perception.persistence import HEADLESS_TOP, MATCH_IOU, MIN_KEPT_HEIGHT, iou, same_face

LOOKS = 3  # the median of this many measured looks
ATTRIBUTES = ("hat", "mask", "uniform")
DISPUTE = 0.3  # a look this far from its person's verdict is disputed
SUSPECT = 0.5  # and a look that measured nothing at a person whose last verdict is under this
TALL_FRAMES = 10  # how long a track remembers its boxes (2 s at 5 fps)
SAME_FEET = 0.05  # a box whose bottom is within this share of an earlier box's height stands where it stood
STILL_IOU = 0.5  # a box overlapping the person's box of a recent look this much: they stand where they stood


@dataclass
class _Track:
    box: FloatArray
    frame: int  # last frame the person was in a report
    looks: dict[str, deque[tuple[int, float]]] = field(
        default_factory=lambda: {a: deque(maxlen=LOOKS) for a in ATTRIBUTES}
    )
    verdicts: dict[str, float] = field(default_factory=dict)  # the last verdict of each attribute
    recent: deque[tuple[int, FloatArray]] = field(default_factory=lambda: deque(maxlen=TALL_FRAMES))
    found: tuple[int, FloatArray, FloatArray] | None = None  # the last face BlazeFace found: frame, face, box


def match(old: FloatArray, new: FloatArray) -> NDArray[np.intp]:
    """For each ``new`` box, the index of the ``old`` box it continues (-1: none). Pairs are
    taken best overlap first, so one old box continues into one new box at most."""
    out = np.full(len(new), -1, np.intp)
    if not len(old) or not len(new):
        return out
    overlap = iou(new, old)
    taken: set[int] = set()
    for flat in np.argsort(-overlap, axis=None):
        i, j = divmod(int(flat), len(old))
        if overlap[i, j] < MATCH_IOU:
            break
        if out[i] < 0 and j not in taken:
            out[i] = j
            taken.add(j)
    return out


class AttributeTracks:
    """The persons of the last reports as tracks, each with its recent looks."""

    def __init__(self, window: int) -> None:
        self.window = window
        self._ids = np.zeros(0, np.int_)  # per person of the last report
        self._tracks: dict[int, _Track] = {}  # in the last report, or lost within the window
        self._next = 0
        self.disputed = False  # the last looks included one its person's verdict outvoted

    @property
    def ids(self) -> NDArray[np.int_]:
        """The track id of each person of the last report."""
        return self._ids

    def reset(self) -> None:
        self._ids = np.zeros(0, np.int_)
        self._tracks.clear()
        self.disputed = False

    def ids_for(self, frame: int, old: Detections, new: Detections) -> NDArray[np.int_]:
        """Track ids for ``new`` persons on ``frame``: those of the ``old`` ones (the last report)
        they continue, else those of persons lost within the window whose last box they overlap,
        else new ones."""
        current = set(self._ids.tolist())  # in the last report: kept (a still cook is looked at every 2 s)
        self._tracks = {i: t for i, t in self._tracks.items() if i in current or frame - t.frame <= self.window}
        ids = np.full(len(new), -1, np.int_)
        if len(self._ids) == len(old):
            cont = match(old.boxes, new.boxes)
            ids[cont >= 0] = self._ids[cont[cont >= 0]]
        lost = [i for i in self._tracks if i not in current]
        free = np.flatnonzero(ids < 0)
        if lost and len(free):
            boxes = np.array([self._tracks[i].box for i in lost])
            found = match(boxes, new.boxes[free])
            for k, j in zip(free, found, strict=True):
                if j >= 0:
                    ids[k] = lost[j]
        for k in np.flatnonzero(ids < 0):
            ids[k], self._next = self._next, self._next + 1
        return ids

    def looked(
        self, frame: int, ids: NDArray[np.int_], boxes: FloatArray, attributes: tuple[PersonAttributes, ...]
    ) -> tuple[PersonAttributes, ...]:
        """Record this run's looks of the persons ``ids`` (the new report's order, with their
        ``boxes``) and return the attributes to report for them."""
        out = []
        disputed = False
        for i, box, attrs in zip(ids.tolist(), boxes, attributes, strict=True):
            track = self._tracks.get(i)
            if track is None:
                track = self._tracks[i] = _Track(box, frame)
            track.box, track.frame = box, frame
            track.recent.append((frame, box))
            attrs = _own_face(track, frame, box, attrs)
            verdicts: dict[str, float | None] = {}
            for a in ATTRIBUTES:
                look, before = getattr(attrs, a), track.verdicts.get(a)
                verdict = verdicts[a] = self._verdict(frame, track.looks[a], look)
                if look is None or verdict is None:
                    disputed |= before is not None and before < SUSPECT  # an offender unmeasured: look again soon
                    continue
                disputed |= abs(look - verdict) >= DISPUTE or (before is not None and abs(look - before) >= DISPUTE)
                track.verdicts[a] = verdict
            out.append(replace(attrs, hat=verdicts["hat"], mask=verdicts["mask"], uniform=verdicts["uniform"]))
        self._ids = ids.copy()
        self.disputed = disputed
        return tuple(out)

    def cut_at_top(self, frame: int, ids: NDArray[np.int_], boxes: FloatArray) -> FloatArray:
        """For each box (of the persons ``ids`` on ``frame``, before :meth:`looked` records them),
        whether it is one of its person's boxes of the last ``TALL_FRAMES`` frames with the top
        ``HEADLESS_TOP`` of it or more cut off and the feet where they were, as the highest such
        box's top (NaN: none; see :func:`persistence.headless`): YOLOX's box of a cook walking past
        a colleague shrank from the top over three runs (169, 139, 114 px), each step too small to
        be a box without a head by the last run's box alone, to the jacket's hem and the dark
        trousers (uniform 0.23, a false no_uniform for 3 s: fresh stove seed 19903).
        Only the boxes since the person's feet were last elsewhere count: a cook who walked up to
        the camera, then boxed from the cap to the chest, had the bottom of a box of 2 s before,
        when they stood further back, and "lost their head" for 5 s (fresh no_hat 20305)."""
        out = np.full(len(ids), np.nan)
        for k, (i, box) in enumerate(zip(ids.tolist(), boxes, strict=True)):
            track = self._tracks.get(i)
            for seen, old in reversed(track.recent) if track is not None else ():
                height = old[3] - old[1]
                if frame - seen > TALL_FRAMES or abs(box[3] - old[3]) > SAME_FEET * height:
                    break
                if box[1] - old[1] >= HEADLESS_TOP * height and box[3] - box[1] < MIN_KEPT_HEIGHT * height:
                    out[k] = np.fmin(out[k], old[1])
        return out

    def _verdict(self, frame: int, looks: deque[tuple[int, float]], value: float | None) -> float | None:
        """Record the look ``value`` (None: not measured) and return the verdict of the recent looks."""
        if value is None:
            return None
        looks.append((frame, float(value)))
        recent = [v for f, v in looks if frame - f <= self.window]
        return recent[-1] if len(recent) < LOOKS else float(np.median(recent))


def _own_face(track: _Track, frame: int, box: FloatArray, attrs: PersonAttributes) -> PersonAttributes:
    """``attrs``, with hat and mask unmeasured when their face was estimated from skin away from
    the face BlazeFace found on the person within ``TALL_FRAMES`` frames while they stood where
    they stand (not :func:`persistence.same_face`, each face placed in its box): it is a
    colleague's, in a box that holds both (fresh no_hat 20300: a bare head's box took in the
    masked colleague beside it, BlazeFace then missed the bare face, and the colleague's skin
    and hat said "hat" for 2.4 s)."""
    if attrs.face_found and attrs.face is not None:
        track.found = (frame, np.array(attrs.face, np.float64), box)
        return attrs
    found = track.found
    if attrs.face is None or found is None or frame - found[0] > TALL_FRAMES:
        return attrs
    if iou(box[None, :], found[2][None, :])[0, 0] < STILL_IOU:
        return attrs  # they moved: the face found then says nothing of where it is now
    if same_face(_within(np.array(attrs.face, np.float64), box), _within(found[1], found[2]))[0, 0]:
        return attrs
    return replace(attrs, hat=None, mask=None)


def _within(face: FloatArray, box: FloatArray) -> FloatArray:
    """``face`` in shares of ``box`` (a face moves with its person's box: a cook walking past)."""
    w, h = max(1e-9, box[2] - box[0]), max(1e-9, box[3] - box[1])
    out: FloatArray = ((face - box[[0, 1, 0, 1]]) / np.array([w, h, w, h]))[None, :]
    return out
