"""People and what they wear, plus other kitchen objects: the ``people`` perception plugin.

Per frame: a cheap change gate; when it opens, YOLOX-Nano finds objects and people, BlazeFace
looks for a face in each person's head crop, and classical measurements score hat, mask and
light work clothes (:mod:`detectors.perception.attributes`). When nothing changed since the last
run the previous result is returned (``fresh`` False), so a static kitchen costs a thumbnail.

YOLOX-Nano misses a person now and then (a grey jacket before grey cabinets, an unlucky pose).
A person missed where the picture did not change is kept, one missed a step from where they
were is found there by their looks (:mod:`.relocate`), and a box the detector is unsure of counts
where it continues a person of the last run (:mod:`.persistence`), and a change in which nobody
was found, or a run that missed somebody, is looked at again a few times (``relook_frames``): a
person who stands still makes no further change, so one miss would otherwise blind the plugin
until the gate's 30 s safety net. A kept person is judged again on the new picture. Each person
is a track across runs, and the attributes reported are the median of their last looks
(:mod:`.tracks`), so one misread look does not stand alone. A person in view is looked at again
every 2 s, sooner when their head changed (a mask pulled down by a still cook is too small for
the gate: :mod:`.head_change`), 0.4 s after an outvoted look; :mod:`.hog_people` finds more."""

from dataclasses import dataclass, replace

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from detectors.detections import Detections, FloatArray
from detectors.perception.attributes import UNKNOWN, PersonAttributes, judge, without_head
from detectors.perception.base import Image, Perceiver, Pixels, pixels, to_small_grey
from detectors.perception.colours import Lighting
from detectors.perception.face import FaceConfig, FaceDetector
from detectors.perception.gate import ChangeGate, GateConfig
from detectors.perception.head_change import HeadChange, HeadChangeConfig
from detectors.perception.hog_people import HogConfig, HogPeople, unseen
from detectors.perception.objects import ObjectDetector, ObjectsConfig
from detectors.perception.persistence import (
    MATCH_IOU,
    SCORE_DECAY,
    continued,
    headless,
    iou,
    keepable,
    parts_of,
    runs_found,
    still_missed,
)
from detectors.perception.relocate import WIDTH as RELOCATE_WIDTH
from detectors.perception.relocate import relocated
from detectors.perception.tracks import AttributeTracks

HEAD_CROP = 0.4  # top share of a person box searched for a face
MAX_PERSON_ASPECT = 1.5  # person boxes wider than this many times their height are dropped
MAX_CONFIRMS = 2  # looks in a row for a disputed look (PeopleConfig.confirm_frames)
ZOOM_SIDE = 0.9  # side of the second look's square crop, in shares of the picture's shorter side


class PeopleConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    objects: ObjectsConfig = Field(default_factory=ObjectsConfig, description="The YOLOX detector.")
    face: FaceConfig = Field(default_factory=FaceConfig, description="The BlazeFace detector.")
    hog: HogConfig = Field(default_factory=HogConfig, description="HOG, for people YOLOX misses.")
    gate: GateConfig = Field(default_factory=GateConfig, description="When the detectors run.")
    head_change: HeadChangeConfig = Field(
        default_factory=HeadChangeConfig, description="When a known person's head changed (see head_change_frames)."
    )
    head_change_frames: int = Field(
        default=3,
        ge=0,
        description="Run again when a person's head changed since the last run (a hat taken off, a mask pulled down "
        "by a cook standing still: too small a change for the gate), at most every this many frames (0.6 s at 5 "
        "fps). 0: never; the people_refresh_frames look still comes.",
    )
    confirm_frames: int = Field(
        default=2,
        ge=0,
        description="After a look at a person that their verdict (the median of their last looks) outvoted, look "
        "again this many frames later (0.4 s at 5 fps) instead of at the refresh: a hat taken off shows from the "
        "second look without it (perception.tracks). At most two such looks in a row (a look that confirms a "
        "change differs from the verdict before it, so it is disputed too). 0: never.",
    )
    min_gap_frames: int = Field(
        default=1,
        ge=1,
        description="Run the detectors at most every this many frames (2: 2.5 times a second at 5 fps), "
        "to carry more busy cameras; a change seen in between is detected on the next frame that may run. "
        "Default 1: at 2 the attribute rules missed 4 of 8 evaluation incidents they catch at 1.",
    )
    people_refresh_frames: int = Field(
        default=10,
        ge=1,
        description="While people are in view, run again at least every this many frames (2 s at 5 fps) even "
        "when nothing changed: attributes are judged anew on fresh pixels, so one unlucky look does not stand "
        "for the gate's 30 s. An empty kitchen waits for the gate.",
    )
    relook_frames: tuple[int, ...] = Field(
        default=(3, 5, 10, 20),
        description="After a change in which nobody was found, run again this many frames after the previous "
        "run, one entry after another (0.6, 1.6, 3.6 and 7.6 s at 5 fps), until somebody is found. Empty: never.",
    )
    keep_missed_runs: int = Field(
        default=5,
        ge=0,
        description="A person the detector misses on a run is kept while the picture under them has not changed, "
        "for at most this many runs in a row (0: never): nobody leaves without the pixels changing. At 15, "
        "kept boxes misread: 3 false alerts in 2 h of compliant clips (set 20200, for no_mask 20207 +3.4 s, not +5.2).",
    )
    attribute_window_frames: int = Field(
        default=6,
        ge=1,
        description="A person's attributes are the median of their last three measured looks within this many "
        "frames (1.2 s at 5 fps), so one misread look does not stand for seconds; see perception.tracks. "
        "At 15 (3 s) the people rules alerted up to 0.6 s later (medians, tuning seeds), with no fewer false alerts.",
    )
    relocate_missed: bool = Field(
        default=True,
        description="A missed person whose box changed is looked for a step away by their looks on the last run "
        "(perception.relocate) and kept where found: a cook who stops where YOLOX cannot see them (a white jacket "
        "before a white wall) is not lost on the frame they stop.",
    )
    score_decay_frames: int = Field(
        default=5,
        ge=1,
        description="A re-found person's score may fall by persistence.SCORE_DECAY per run at most; runs fewer "
        "frames apart than this (1 s at 5 fps) cost their share of it, so a person's score fades with time, not "
        "with how often they are looked at.",
    )
    track_min_score: float = Field(
        default=0.1,
        ge=0.01,
        le=1,
        description="A person the object detector scores under its min_score but at least this is kept only where "
        "it continues a person of the last run (ByteTrack's second association), with that person's score less "
        "the decay per run: a cook who stops walking, front on, can score 0.16 and then nothing for seconds. "
        "At or above the objects' min_score: never.",
    )
    attribute_min_score: float = Field(
        default=0.3, ge=0, le=1, description="People scored lower get no attributes (likely not a person)."
    )


@dataclass(frozen=True, eq=False)
class PeopleReport:
    """``objects``: every kitchen-relevant detection (COCO labels), people included.
    ``persons``: the ``person`` rows, with ``attributes[i]`` for ``persons[i]``.
    ``fresh``: the detectors ran on this very frame (False: nothing changed, last result kept)."""

    objects: Detections
    persons: Detections
    attributes: tuple[PersonAttributes, ...]
    faces: Detections
    fresh: bool
    brightness: float  # mean grey level 0..255 of the frame the detectors last ran on


class PeopleDetector(Perceiver):
    key = "people"

    def __init__(self, config: PeopleConfig | None = None) -> None:
        self.config = cfg = config or PeopleConfig()
        self.objects = ObjectDetector(cfg.objects)
        self.faces = FaceDetector(cfg.face)
        self.hog = HogPeople(cfg.hog) if cfg.hog.enabled else None
        self._hog_frame = -cfg.hog.every_frames  # the frame HOG last ran on
        self.gate = ChangeGate(cfg.gate)
        self.heads = HeadChange(cfg.head_change)
        self._last: PeopleReport | None = None
        self._pending = False  # the gate opened and the detectors have not run since
        self._since = 0  # frames since the detectors last ran
        self._relooks: tuple[int, ...] = ()  # the re-looks still due after a change with nobody found
        self._confirms = 0  # runs in a row made only to confirm a disputed look
        self._misses = np.zeros(0, np.int_)  # per person of the last report: runs in a row that missed them
        self._hits = np.zeros(0, np.int_)  # and runs that found them (by the detector or by their looks)
        self._parts = np.zeros(0, np.bool_)  # and whether each was first found as a part of a known one
        self._headless = np.zeros(0)  # and, for a box without a head, its whole person's top, else NaN (persistence)
        self.runs = 0  # how often the detectors actually ran (for benchmarks)
        self.tracks = AttributeTracks(cfg.attribute_window_frames)
        self._frame = 0  # frames observed
        self._seen: np.ndarray | None = None  # the grey thumbnail of the last run's frame (perception.relocate)

    def reset(self) -> None:
        self.gate.reset()
        self.heads.reset()
        self._last = None
        self._pending = False
        self._relooks = ()
        self._confirms = 0
        self._misses = np.zeros(0, np.int_)
        self._hits = np.zeros(0, np.int_)
        self._parts, self._headless = np.zeros(0, np.bool_), np.zeros(0)
        self.tracks.reset()
        self._seen = None

    def observe(self, image: Pixels) -> PeopleReport:
        self._since += 1
        self._frame += 1
        changed = self.gate.should_run(image)
        if changed and self.gate.reason == "change":
            self._relooks = self.config.relook_frames
        self._pending = changed or self._pending
        last, cfg = self._last, self.config
        confirming = False  # due only to confirm a disputed look
        if last is not None and len(last.persons) and not self._pending:
            if self._since >= cfg.people_refresh_frames or (
                0 < cfg.head_change_frames <= self._since and self.heads.changed(image, last.persons.boxes)
            ):
                self._pending = True
            elif self.tracks.disputed and self._confirms < MAX_CONFIRMS and 0 < cfg.confirm_frames <= self._since:
                self._pending = confirming = True
        if self._relooks and self._since >= self._relooks[0]:
            self._pending, confirming = True, False
        if self._last is None or (self._pending and self._since >= self.config.min_gap_frames):
            relook = bool(self._relooks) and self._since >= self._relooks[0]
            second_look = (changed and self.gate.reason == "change") or relook
            picture = pixels(image)
            self.heads.looked(image)
            previous = self._last
            known = previous.persons if previous is not None else None
            decay = SCORE_DECAY * min(1.0, self._since / cfg.score_decay_frames)
            hog = (known is not None and len(known) > 0) or self.gate.reason != "refresh"  # not on an empty refresh
            fresh = self.detect(picture, self.gate.change_box if second_look else None, known, decay, hog)
            thumb = to_small_grey(image, RELOCATE_WIDTH)[0] if cfg.relocate_missed else None
            self._last, missed = self._keep_still(fresh, picture, thumb, self._since)
            self._seen = thumb
            self._pending, self._since, self._confirms = False, 0, self._confirms + 1 if confirming else 0
            self.runs += 1
            fewer = previous is not None and len(fresh.persons) < len(previous.persons)
            if not missed and not fewer and len(fresh.persons):
                self._relooks = ()  # everybody seen: nothing to look again for
            elif relook:
                self._relooks = self._relooks[1:]
            elif (missed or fewer) and not self._relooks:
                self._relooks = self.config.relook_frames
            return self._last
        last = self._last
        return PeopleReport(last.objects, last.persons, last.attributes, last.faces, False, last.brightness)

    def _keep_still(
        self, fresh: PeopleReport, image: Image, thumb: np.ndarray | None, frames: int = 1
    ) -> tuple[PeopleReport, int]:
        """``fresh`` plus the persons of the last run it missed who cannot have left (see
        :mod:`detectors.perception.persistence`) or who are found a step away by their looks
        (:mod:`detectors.perception.relocate`, on ``thumb``, ``frames`` after the last run), and how
        many those are. A kept person is judged again on ``image``: the picture under them changed
        little, but a hat taken off or a mask pulled down is that little (their old attributes said
        "hat" for seconds after it was off)."""
        old, misses, hits, width = self._last, self._misses, self._hits, image.shape[1]
        kept = np.zeros(0, np.intp)
        moved: dict[int, np.ndarray] = {}
        found = np.ones(len(fresh.persons), np.int_)  # runs that found each fresh person
        parts, heads_off = np.zeros(len(fresh.persons), np.bool_), np.full(len(fresh.persons), np.nan)
        if old is not None and len(misses) == len(hits) == len(old.persons):
            kept = still_missed(
                old.persons, fresh.persons, self.gate.changed, width, misses, self.config.keep_missed_runs, hits
            )
            moved = self._relocated(old.persons, fresh.persons, set(kept.tolist()), thumb, width, frames)
            kept = np.concatenate([kept, np.array(list(moved), np.intp)])
            found = runs_found(old.persons, hits, fresh.persons)
            parts = parts_of(old.persons, fresh.persons)
            heads_off = headless(old.persons, self._headless, fresh.persons)
        # Found again by their looks is a run that found them (kept still as seen twice: seed 18005).
        self._hits = np.concatenate([found, hits[kept] + np.isin(kept, list(moved))])
        self._parts = np.concatenate([parts, self._parts[kept]])
        self._headless = np.concatenate([heads_off, self._headless[kept]])
        self._misses = np.concatenate([np.zeros(len(fresh.persons), np.int_), misses[kept] + 1])
        ids = self.tracks.ids_for(self._frame, old.persons if old is not None else Detections.empty(), fresh.persons)
        cut = self.tracks.cut_at_top(self._frame, ids, fresh.persons.boxes)
        self._headless[: len(ids)] = np.fmin(self._headless[: len(ids)], cut)  # the higher whole top
        ids = np.concatenate([ids, self.tracks.ids[kept]])
        if old is None:
            looks = self.tracks.looked(self._frame, ids, fresh.persons.boxes, fresh.attributes)
            return replace(fresh, attributes=looks), 0
        persons = fresh.persons  # scores already raised by those they continue (detect's ``known``)
        others = fresh.objects[fresh.objects.labels != "person"]
        carried = old.persons[kept]
        if moved:
            carried = Detections(
                np.array([moved.get(int(i), b) for i, b in zip(kept, carried.boxes, strict=True)]),
                carried.scores,
                carried.labels,
            )
        lit, everybody = Lighting.of(image), Detections.concat(persons, carried)
        attributes, faces = self._judge(image, carried, lit) if len(kept) else ((), Detections.empty())
        looks = without_head(image, everybody.boxes, fresh.attributes + attributes, self._headless, lit)
        report = PeopleReport(
            Detections.concat(others, persons, carried),
            everybody,
            self.tracks.looked(self._frame, ids, everybody.boxes, looks),
            Detections.concat(fresh.faces, faces),
            True,
            fresh.brightness,
        )
        return report, len(kept)

    def _relocated(
        self, old: Detections, fresh: Detections, still: set[int], thumb: np.ndarray | None, width: int, frames: int
    ) -> dict[int, np.ndarray]:
        """The ``old`` persons ``fresh`` misses, who may be kept but are not ``still``, found a
        step away on ``thumb`` (by index: their new boxes); none found where a fresh person is.
        Not a person seen once as a part of one seen before (a box round a walking cook's legs,
        carried along and then kept still, was a cook in dark clothes for 3 s: compliant tuning
        clip 5708). A person seen once on their own is: a cook in black walking before the grey
        counter was found on one run, lost as they stopped, and missed on every look for 7 s
        (no_uniform seed 18005)."""
        if thumb is None or self._seen is None:
            return {}
        out: dict[int, np.ndarray] = {}
        for i in keepable(old, fresh, self._misses, self.config.keep_missed_runs, self._hits):
            if i in still or self._parts[i]:
                continue
            box = relocated(self._seen, thumb, old.boxes[i], width, frames)
            if box is not None and not (len(fresh) and iou(box[None], fresh.boxes).max() >= MATCH_IOU):
                out[i] = box
        return out

    def detect(
        self,
        image: Image,
        zoom: tuple[float, float, float, float] | None = None,
        known: Detections | None = None,
        decay: float = SCORE_DECAY,
        hog: bool = True,
    ) -> PeopleReport:
        """Run every detector on ``image`` (no gate; memory only through ``known``). With ``zoom``
        (a box of the picture where something changed), a frame in which nobody is found gets a
        second look at a square crop round it, which YOLOX sees at twice the scale of a
        letterboxed 16:9 frame. With ``known`` (the persons of the last run), a person scored
        under the objects' ``min_score`` but at least ``track_min_score`` is kept where it
        continues one of them, and every person found again keeps their score less ``decay``
        (:func:`detectors.perception.persistence.confirmed`). ``hog``: HOG may look, when due."""
        floor = self.config.track_min_score if known is not None and len(known) else None
        objects = self.objects.detect(image, floor)
        sure = objects.scores >= self.config.objects.min_score
        if zoom is not None and not np.any(sure & (objects.labels == "person")):
            # One person scored unsure and found again by the zoom is one box (no_uniform seed 18005)
            zoomed = self._zoomed_persons(image, zoom, floor)
            objects = Detections.concat(objects, zoomed).suppressed(self.config.objects.nms_iou)
        # A "person" much wider than tall is a stove, a counter or a shelf (people stand, walk, bend)
        flat = (objects.labels == "person") & (objects.widths > MAX_PERSON_ASPECT * objects.heights)
        objects = objects[~flat]
        if known is not None and len(known):
            objects = continued(objects, known, self.config.objects.min_score, decay)
        persons = objects[objects.labels == "person"]
        lit = Lighting.of(image)
        attributes, faces = self._judge(image, persons, lit)
        if hog and self.hog is not None and self._frame - self._hog_frame >= self.config.hog.every_frames:
            self._hog_frame = self._frame
            extra = unseen(self.hog.detect(image), persons)
            more = self._judge(image, extra, lit)[0] if len(extra) else ()
            faced = np.array([i for i, look in enumerate(more) if look.face is not None], np.intp)  # not a shelf
            persons, objects = Detections.concat(persons, extra[faced]), Detections.concat(objects, extra[faced])
            attributes += tuple(more[i] for i in faced)
        return PeopleReport(objects, persons, attributes, faces, True, float(image.mean()))

    def _judge(
        self, image: Image, persons: Detections, lit: Lighting
    ) -> tuple[tuple[PersonAttributes, ...], Detections]:
        """Each person's attributes (in order) and the faces found on the way."""
        attributes: list[PersonAttributes] = []
        faces: list[tuple[float, float, float, float]] = []
        face_scores: list[float] = []
        for box, score in zip(persons.boxes, persons.scores, strict=True):
            if score < self.config.attribute_min_score:
                attributes.append(UNKNOWN)
                continue
            face, face_score = self._face(image, box)
            if face is not None:
                faces.append(face)
                face_scores.append(face_score)
            attributes.append(judge(image, (box[0], box[1], box[2], box[3]), face, lit))
        face_dets = Detections.of(np.array(faces), np.array(face_scores), "face") if faces else Detections.empty()
        return tuple(attributes), face_dets

    def _zoomed_persons(
        self, image: Image, around: tuple[float, float, float, float], floor: float | None
    ) -> Detections:
        h, w = image.shape[:2]
        side = int(ZOOM_SIDE * min(h, w))
        if side >= ZOOM_SIDE * max(h, w):
            return Detections.empty()  # a square picture: a crop would not be seen larger
        if around[2] - around[0] > side or around[3] - around[1] > side:
            return Detections.empty()  # a change wider than the crop (a hand over the lens, lights)
        cx, cy = (around[0] + around[2]) / 2, (around[1] + around[3]) / 2
        x0 = int(np.clip(cx - side / 2, 0, w - side))
        y0 = int(np.clip(cy - side / 2, 0, h - side))
        found = self.objects.detect(np.ascontiguousarray(image[y0 : y0 + side, x0 : x0 + side]), floor)
        found = found[found.labels == "person"]
        return Detections(found.boxes + np.array([x0, y0, x0, y0], np.float64), found.scores, found.labels)

    def _face(self, image: Image, box: FloatArray) -> tuple[tuple[float, float, float, float] | None, float]:
        """The best face in the person's head crop, in picture pixels, and its score."""
        h, w = image.shape[:2]
        x1, y1 = int(max(0, box[0])), int(max(0, box[1]))
        x2, y2 = int(min(w, box[2])), int(min(h, box[1] + HEAD_CROP * (box[3] - box[1])))
        if x2 - x1 < 8 or y2 - y1 < 8:
            return None, 0.0
        found = self.faces.detect(np.ascontiguousarray(image[y1:y2, x1:x2]))
        if not len(found):
            return None, 0.0
        best = int(np.argmax(found.scores))
        b = found.boxes[best]
        return (float(b[0] + x1), float(b[1] + y1), float(b[2] + x1), float(b[3] + y1)), float(found.scores[best])
