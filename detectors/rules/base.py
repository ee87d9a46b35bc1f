"""The rule interface, its per-frame finding, the schedule gate and the sensitivity mapping."""

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from core.catalog import Active
from core.schedule import Schedule
from core.site import CustomModelConfig, EffectiveRule
from detectors.detections import Detections, PixelZone
from detectors.perception.base import Percepts


@dataclass(frozen=True, eq=False)
class Finding:
    """What a rule saw in one frame: is its condition true, how sure, where, in a few words."""

    condition: bool
    score: float = 0.0
    detections: Detections = field(default_factory=Detections.empty)
    message: str = ""
    # The rule could not judge this frame (nobody it could measure was in view): a dwell under way
    # waits for the next judgement instead of restarting, for a while (see rules.incident).
    unseen: bool = False


NOTHING = Finding(False)
UNSEEN = Finding(False, unseen=True)


class Rule(ABC):
    """One violation type for one camera, configured by its merged site settings."""

    key: ClassVar[str]
    version: ClassVar[str] = "1"
    needs: ClassVar[tuple[str, ...]] = ()
    zoned: ClassVar[bool] = True  # camera-level rules (health) ignore zones and report zone None
    # Judge one frame in ``cadence`` (at ``phase``); the pipeline steps the incident machines with
    # the last finding in between. For rules whose dwell is tens of seconds (a bin left open, a
    # stove left burning), where a judgement a second moves nothing a regulator sees.
    cadence: ClassVar[int] = 1
    phase: ClassVar[int] = 0

    def __init__(self, settings: EffectiveRule) -> None:
        self.settings = settings

    @abstractmethod
    def evaluate(self, percepts: Percepts, zone: PixelZone | None, width: int, height: int) -> Finding:
        """Judge one frame, limited to ``zone`` when given."""

    def due(self, frame_number: int) -> bool:
        """Whether this rule judges the pipeline's ``frame_number``-th frame (counting from 0)."""
        return self.cadence <= 1 or frame_number % self.cadence == self.phase % self.cadence

    def has_signal(self, models: Sequence[CustomModelConfig]) -> bool:
        """Whether anything can raise this rule on a camera running ``models`` (the site's own
        detectors): a rule with nothing to judge is not run at all."""
        return True


def by_sensitivity(sensitivity: int, at_0: float, at_100: float) -> float:
    """Map sensitivity 0..100 linearly onto a threshold (50 is the vendor default midpoint)."""
    s = min(max(sensitivity, 0), 100) / 100.0
    return at_0 + (at_100 - at_0) * s


def is_active(active: Active, schedule: Schedule, captured_ms: int) -> bool:
    """Whether a rule armed ``active`` runs at the frame's capture time, in the school's time zone."""
    if active == "always":
        return True
    if active == "working_hours":
        return schedule.is_working(captured_ms)
    if active == "after_hours":
        return not schedule.is_working(captured_ms)
    return schedule.is_meal_prep(captured_ms)
