"""People and what they wear, plus other kitchen objects: the ``people`` perception plugin.

Per frame: a cheap change gate; when it opens, YOLOX-Nano finds objects and people, BlazeFace
looks for a face in each person's head crop, and classical measurements score hat, mask and
light work clothes (:mod:`detectors.perception.attributes`). When nothing changed since the last
run the previous result is returned (``fresh`` False), so a static kitchen costs a thumbnail.
"""

from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from detectors.detections import Detections, FloatArray
from detectors.perception.attributes import UNKNOWN, Lighting, PersonAttributes, judge
from detectors.perception.base import Image, Perceiver
from detectors.perception.face import FaceConfig, FaceDetector
from detectors.perception.gate import ChangeGate, GateConfig
from detectors.perception.objects import ObjectDetector, ObjectsConfig

HEAD_CROP = 0.4  # top share of a person box searched for a face


class PeopleConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    objects: ObjectsConfig = Field(default_factory=ObjectsConfig, description="The YOLOX detector.")
    face: FaceConfig = Field(default_factory=FaceConfig, description="The BlazeFace detector.")
    gate: GateConfig = Field(default_factory=GateConfig, description="When the detectors run.")
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
        self.gate = ChangeGate(cfg.gate)
        self._last: PeopleReport | None = None
        self._pending = False  # the gate opened and the detectors have not run since
        self._since = 0  # frames since the detectors last ran
        self.runs = 0  # how often the detectors actually ran (for benchmarks)

    def reset(self) -> None:
        self.gate.reset()
        self._last = None
        self._pending = False

    def observe(self, image: Image) -> PeopleReport:
        self._since += 1
        self._pending = self.gate.should_run(image) or self._pending
        last = self._last
        if last is not None and len(last.persons) and self._since >= self.config.people_refresh_frames:
            self._pending = True
        if self._last is None or (self._pending and self._since >= self.config.min_gap_frames):
            self._last = self.detect(image)
            self._pending, self._since = False, 0
            self.runs += 1
            return self._last
        last = self._last
        return PeopleReport(last.objects, last.persons, last.attributes, last.faces, False, last.brightness)

    def detect(self, image: Image) -> PeopleReport:
        """Run every detector on ``image`` (no gate, no memory)."""
        objects = self.objects.detect(image)
        persons = objects[objects.labels == "person"]
        lit = Lighting.of(image)
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
        brightness = float(image.mean())
        return PeopleReport(objects, persons, tuple(attributes), face_dets, True, brightness)

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
