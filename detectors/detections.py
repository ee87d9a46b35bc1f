"""Detections as data (boxes, scores, labels) and zones that select them with boolean masks.

Filters compose: ``dets[dets.heights >= 80][zone.trigger(dets)]``.
"""

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from core.contracts import Box
from core.site import Zone
from detectors.errors import DetectorError
from detectors.models.yolo import nms

Anchor = Literal["bottom_center", "center"]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class Detections:
    """N boxes in pixels (x1, y1, x2, y2), one score in 0..1 and one label each. Read-only arrays."""

    boxes: FloatArray
    scores: FloatArray
    labels: NDArray[np.str_]

    def __post_init__(self) -> None:
        boxes = np.asarray(self.boxes, dtype=np.float64)
        if boxes.size == 0:
            boxes = boxes.reshape(0, 4)
        if boxes.ndim != 2 or boxes.shape[1] != 4:
            raise DetectorError(f"detections: boxes must have shape (N, 4), got {boxes.shape}")
        n = boxes.shape[0]
        scores = np.asarray(self.scores, dtype=np.float64).reshape(-1) if n else np.zeros(0)
        labels = np.asarray(self.labels, dtype=np.str_).reshape(-1) if n else np.zeros(0, dtype=np.str_)
        if scores.shape != (n,):
            raise DetectorError(f"detections: scores must have shape ({n},), got {scores.shape}")
        if labels.shape != (n,):
            raise DetectorError(f"detections: labels must have shape ({n},), got {labels.shape}")
        if n and (np.any(boxes[:, 2] < boxes[:, 0]) or np.any(boxes[:, 3] < boxes[:, 1])):
            raise DetectorError("detections: every box needs x2 >= x1 and y2 >= y1")
        if n and (np.any(scores < 0) or np.any(scores > 1)):
            raise DetectorError(f"detections: scores must be in 0..1, got {scores.min()}..{scores.max()}")
        for name, arr in (("boxes", boxes), ("scores", scores), ("labels", labels)):
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)

    @classmethod
    def empty(cls) -> "Detections":
        return _EMPTY

    @classmethod
    def _trusted(cls, boxes: FloatArray, scores: FloatArray, labels: NDArray[np.str_]) -> "Detections":
        """Rows taken from valid detections: no checks (this runs many times per frame)."""
        if not len(boxes):
            return _EMPTY
        out = object.__new__(cls)
        for name, arr in (("boxes", boxes), ("scores", scores), ("labels", labels)):
            arr.setflags(write=False)
            object.__setattr__(out, name, arr)
        return out

    @classmethod
    def of(cls, boxes: ArrayLike, scores: ArrayLike, label: str) -> "Detections":
        """Detections that share one label."""
        b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
        return cls(b, np.asarray(scores, dtype=np.float64), np.array([label] * len(b), dtype=np.str_))

    @classmethod
    def concat(cls, *parts: "Detections") -> "Detections":
        """All rows of ``parts``, in order."""
        kept = [d for d in parts if len(d)]
        if len(kept) <= 1:
            return kept[0] if kept else cls.empty()
        return cls(
            np.concatenate([d.boxes for d in kept]),
            np.concatenate([d.scores for d in kept]),
            np.concatenate([d.labels for d in kept]),
        )

    def __len__(self) -> int:
        return int(self.boxes.shape[0])

    def __getitem__(self, index: BoolArray | NDArray[np.intp] | slice) -> "Detections":
        if isinstance(index, np.ndarray) and index.dtype == np.bool_:
            if index.shape != (len(self),):
                raise DetectorError(f"detections: mask must have shape ({len(self)},), got {index.shape}")
            if index.all():
                return self  # read-only: sharing is safe
        return Detections._trusted(self.boxes[index], self.scores[index], self.labels[index])

    def suppressed(self, overlap: float) -> "Detections":
        """These detections with each box overlapping a better-scored one of its label by more
        than ``overlap`` (IoU) dropped (per-label non-maximum suppression), in their order."""
        _, codes = np.unique(self.labels, return_inverse=True)
        boxes, scores = self.boxes.astype(np.float32), self.scores.astype(np.float32)
        return self[np.sort(nms(boxes, scores, codes.astype(np.intp), overlap))]

    @property
    def widths(self) -> FloatArray:
        return self.boxes[:, 2] - self.boxes[:, 0]

    @property
    def heights(self) -> FloatArray:
        return self.boxes[:, 3] - self.boxes[:, 1]

    @property
    def areas(self) -> FloatArray:
        return self.widths * self.heights

    def anchors(self, anchor: Anchor = "bottom_center") -> FloatArray:
        """One (x, y) point per box: where a person stands (bottom centre) or the centre."""
        x = (self.boxes[:, 0] + self.boxes[:, 2]) / 2
        y = self.boxes[:, 3] if anchor == "bottom_center" else (self.boxes[:, 1] + self.boxes[:, 3]) / 2
        return np.stack([x, y], axis=1) if len(self) else np.zeros((0, 2))

    def to_boxes(self, limit: int = 64) -> list[Box]:
        """The highest-scoring boxes as contract data (events carry boxes, never burned-in pixels)."""
        order = np.argsort(-self.scores, kind="stable")[:limit]
        return [
            Box(x1=float(b[0]), y1=float(b[1]), x2=float(b[2]), y2=float(b[3]), label=str(lab), score=float(s))
            for b, s, lab in zip(self.boxes[order], self.scores[order], self.labels[order], strict=True)
        ]


_EMPTY = Detections(np.zeros((0, 4)), np.zeros(0), np.zeros(0, dtype=np.str_))


@dataclass(frozen=True, eq=False)
class PixelZone:
    """A site zone mapped onto one picture size (zones are stored normalised 0..1)."""

    id: str
    kind: str
    polygon: FloatArray  # (K, 2) pixels
    # Each edge's start (x1, y1), its end's y2, its dx and its dy (1 where it is flat: no point
    # crosses it), worked out once: zones are tested on every frame.
    _edges: tuple[FloatArray, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        x1, y1 = self.polygon[:, 0], self.polygon[:, 1]
        y2 = np.roll(y1, -1)
        object.__setattr__(self, "_edges", (x1, y1, y2, np.roll(x1, -1) - x1, np.where(y2 == y1, 1.0, y2 - y1)))

    @classmethod
    def from_zone(cls, zone: Zone, width: int, height: int) -> "PixelZone":
        pts = np.asarray(zone.polygon, dtype=np.float64) * np.array([width, height], dtype=np.float64)
        pts.setflags(write=False)
        return cls(zone.id, zone.kind, pts)

    def contains(self, points: FloatArray) -> BoolArray:
        """Which (x, y) points lie inside the polygon (even-odd rule, vectorised)."""
        pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        x, y = pts[:, 0][:, None], pts[:, 1][:, None]
        x1, y1, y2, dx, dy = self._edges
        crosses = (y1 > y) != (y2 > y)
        x_at = x1 + (y - y1) * dx / dy
        inside: BoolArray = (np.count_nonzero(crosses & (x < x_at), axis=1) % 2) == 1
        return inside

    def trigger(self, detections: Detections, anchor: Anchor = "bottom_center") -> BoolArray:
        """A mask over ``detections``: True where the box's anchor point is inside this zone."""
        return self.contains(detections.anchors(anchor))
