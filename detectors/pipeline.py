"""One camera's detection path: perception plugins, then rules through incident machines.

Built from the site's (school, camera), or from catalog defaults when the camera is not in the
site (a third-party producer's frames are still judged). Site changes re-configure the rules and
keep perception memory (background models) and incident state where the incident still exists.
"""

import logging
import time
from collections.abc import Sequence
from functools import cache

from prometheus_client import Histogram

from core.contracts import Event, Frame
from core.schedule import Schedule
from core.site import Camera, CustomModelConfig, EffectiveRule, PerceptionSettings, School, effective_rule
from detectors import metrics
from detectors.detections import PixelZone
from detectors.perception import registry as perception
from detectors.perception.base import Perceiver, Percepts, Pixels, shared_thumbnails
from detectors.perception.custom_models import CustomModels, configured_models
from detectors.rules import registry as rules
from detectors.rules.base import NOTHING, Finding, Rule, is_active
from detectors.rules.incident import IncidentKey, IncidentMachine, IncidentPolicy

log = logging.getLogger(__name__)
MachineKey = tuple[str, str | None]
# Plugin and rule times are observed on one frame in this many: a histogram observation costs
# about as much as a cheap rule, and a sample describes the distribution as well.
TIMED_EVERY = 8


@cache
def _timer(key: str) -> Histogram:
    """The plugin-time histogram of one plugin or rule (``labels()`` costs more than observing)."""
    return metrics.PLUGIN_SECONDS.labels(key)


def rule_settings(school: School | None, camera: Camera | None, key: str) -> EffectiveRule:
    """The merged settings of rule ``key``: site layers when the camera is known, else the catalog's."""
    if school is not None and camera is not None:
        return effective_rule(school, camera, key)
    return effective_rule(None, None, key)


class CameraPipeline:
    """Judge one camera's frames in capture order; returns the events they cause."""

    def __init__(
        self,
        camera_id: str,
        school: School | None = None,
        camera: Camera | None = None,
        *,
        school_id: str = "",
        models: Sequence[CustomModelConfig] = (),
    ) -> None:
        self.camera_id = camera_id
        self._frame_school = school_id  # used while the site does not know the camera
        self._perceivers: dict[str, Perceiver] = {}
        self._machines: dict[MachineKey, IncidentMachine] = {}
        self._pending: list[Event] = []  # closes caused by a site change, sent with the next frame
        self._last_ms = 0
        self._frames = 0  # frames judged, for the plugins' cadence
        self._results: dict[str, tuple[tuple[int, int], object]] = {}  # each plugin's last, by picture size
        self._zone_cache: tuple[int, int, dict[str, PixelZone]] | None = None
        self._models: tuple[CustomModelConfig, ...] = ()
        self._perception: PerceptionSettings | None = None  # the camera's, as the plugins were built with
        # (school id, a machine kept an old school's key, each rule's machines): see _rule_plan
        self._plan: tuple[str, bool, list[tuple[Rule, list[tuple[str | None, IncidentMachine]]]]] | None = None
        self.configure(school, camera, models)

    def configure(
        self, school: School | None, camera: Camera | None, models: Sequence[CustomModelConfig] = ()
    ) -> None:
        """Apply new site settings. Incidents whose rule or zone disappeared are closed.
        ``models`` are the site's own ONNX detectors this camera runs (bring your own model).
        Perception plugins keep their memory, but for those built anew because their settings
        changed (other models; other ``camera.perception`` for the people detector)."""
        if camera is not None and camera.id != self.camera_id:
            raise ValueError(f"pipeline of camera {self.camera_id!r} given settings of {camera.id!r}")
        self.school, self.camera = school, camera
        self.schedule = school.schedule if school is not None else Schedule.model_validate({})
        self.enabled = camera.enabled if camera is not None else True
        self._zone_cache = None
        self._armed_in: dict[str, tuple[int, bool]] = {}  # rule key -> (minute, armed)
        # (rule, zone) -> (picture size, finding): the last judgement of a rule with a cadence
        self._held: dict[MachineKey, tuple[tuple[int, int], Finding]] = {}
        self._keys: dict[tuple[MachineKey, str], IncidentKey] = {}
        self.rules: list[Rule] = []
        self._plan = None
        available = list(models) or configured_models()  # the site's, else the process's models file
        for key in rules.RULES:
            settings = rule_settings(school, camera, key)
            if settings.enabled:
                rule = rules.create(key, settings)
                if rule.has_signal(available):
                    self.rules.append(rule)
        needed = {n for r in self.rules for n in r.needs}
        if tuple(models) != self._models:  # other models: build the plugin anew
            self._models = tuple(models)
            self._perceivers.pop(CustomModels.key, None)
        shaping = camera.perception if camera is not None else PerceptionSettings()
        if shaping != self._perception:  # other perception settings: build the plugins they shape anew
            self._perception = shaping
            for key in perception.CONFIGURED:
                self._perceivers.pop(key, None)
                self._results.pop(key, None)
        for key in sorted(needed - set(self._perceivers)):  # one order in every process: the same costs
            if key == CustomModels.key:  # the models read above: the file is not read again
                self._perceivers[key] = CustomModels(models=available)
            else:
                self._perceivers[key] = perception.create(key, shaping)
        for key in set(self._perceivers) - needed:
            del self._perceivers[key]
        for key in set(self._results) - set(self._perceivers):
            del self._results[key]
        wanted = {(r.key, z) for r in self.rules for z in self._zone_ids(r)}
        for mkey in list(self._machines):
            if mkey not in wanted:
                closed = self._machines.pop(mkey).close(self._last_ms, "rule or zone removed from the site")
                if closed is not None:
                    self._pending.append(closed)
        for r in self.rules:
            for z in self._zone_ids(r):
                self._machine(r, z).policy = IncidentPolicy.from_rule(r.settings)

    def colour_thumbnails_due(self) -> bool:
        """Whether a plugin judging the reduced colour picture runs on the next frame (so that
        frame is decoded so, once: :func:`detectors.handler.picture_of`)."""
        number = self._frames
        return self.enabled and any(
            p.colour_thumbnails and (k not in self._results or p.due(number)) for k, p in self._perceivers.items()
        )

    def process(self, frame: Frame, image: Pixels) -> list[Event]:
        """Run perception and rules on one frame: ``image`` is ``frame.jpeg``, as a
        :class:`Picture` (decoded as far as the plugins ask) or decoded."""
        events, self._pending = self._pending, []
        if not self.enabled:
            return events
        self._last_ms = max(self._last_ms, frame.captured_ms)
        self._frame_school = frame.school_id or self._frame_school
        height, width = image.shape[:2]
        results = self._results
        timed = self._frames % TIMED_EVERY == 0
        number, size = self._frames, (width, height)
        with shared_thumbnails(image):
            for key, plugin in self._perceivers.items():
                if key in results and results[key][0] == size and not plugin.due(number):
                    continue  # a slow signal: the last result stands
                t0 = time.perf_counter() if timed else 0.0
                results[key] = ((width, height), plugin.observe(image))
                if timed:
                    _timer(key).observe(time.perf_counter() - t0)
        self._frames += 1
        percepts = Percepts({key: result for key, (_, result) in results.items()})  # configure() drops stale ones
        zones = self._zones(width, height)
        for r, machines in self._rule_plan():
            t0 = time.perf_counter() if timed else 0.0
            armed = self._armed(r, frame.captured_ms)
            due = r.due(number)
            for zone_id, machine in machines:
                if not armed:
                    finding = NOTHING
                    self._held.pop((r.key, zone_id), None)
                else:
                    held = self._held.get((r.key, zone_id)) if r.cadence > 1 and not due else None
                    if held is not None and held[0] == size:
                        finding = held[1]  # between a slow rule's judgements its last one stands
                    else:
                        zone = zones.get(zone_id) if zone_id is not None else None
                        finding = r.evaluate(percepts, zone, width, height)
                        if r.cadence > 1:
                            self._held[(r.key, zone_id)] = (size, finding)
                event = machine.step(frame, width, height, finding)
                if event is not None:
                    events.append(event)
            if timed:
                _timer(f"rule:{r.key}").observe(time.perf_counter() - t0)
        return events

    def close_all(self, reason: str) -> list[Event]:
        """Close every open incident (the camera is being handed over or removed)."""
        events, self._pending = self._pending, []
        for machine in self._machines.values():
            closed = machine.close(self._last_ms, reason)
            if closed is not None:
                events.append(closed)
        return events

    def _rule_plan(self) -> list[tuple[Rule, list[tuple[str | None, IncidentMachine]]]]:
        """Each rule with its (zone, incident machine) pairs, worked out once per configuration
        and school (again on every frame while a machine still holds an open incident under an
        old school's key, until it closes and takes the new one)."""
        school_id = self.school.id if self.school is not None else self._frame_school
        plan = self._plan
        if plan is None or plan[0] != school_id or plan[1]:
            steps = [(r, [(z, self._machine(r, z)) for z in self._zone_ids(r)]) for r in self.rules]
            stale = any(m.key.school_id != school_id for _, ms in steps for _, m in ms)
            plan = self._plan = (school_id, stale, steps)
        return plan[2]

    def _zone_ids(self, rule: Rule) -> list[str | None]:
        if not rule.zoned or not rule.settings.zones:
            return [None]
        return list(rule.settings.zones)

    def _zones(self, width: int, height: int) -> dict[str, PixelZone]:
        cache = self._zone_cache
        if cache is None or cache[:2] != (width, height):
            zones = self.camera.zones if self.camera is not None else []
            cache = (width, height, {z.id: PixelZone.from_zone(z, width, height) for z in zones})
            self._zone_cache = cache
        return cache[2]

    def _armed(self, rule: Rule, captured_ms: int) -> bool:
        """``is_active`` once a minute per rule: schedules are in whole minutes (and time zones
        are whole minutes off UTC), and the time-zone conversion costs more than a rule."""
        minute = captured_ms // 60_000
        found = self._armed_in.get(rule.key)
        if found is None or found[0] != minute:
            found = self._armed_in[rule.key] = (minute, is_active(rule.settings.active, self.schedule, captured_ms))
        return found[1]

    def _machine(self, rule: Rule, zone: str | None) -> IncidentMachine:
        school_id = self.school.id if self.school is not None else self._frame_school
        key = self._keys.get(((rule.key, zone), school_id))
        if key is None:
            key = self._keys[((rule.key, zone), school_id)] = IncidentKey(
                camera_id=self.camera_id,
                school_id=school_id,
                kitchen_id=self.camera.kitchen if self.camera is not None else "",
                rule=rule.key,
                zone=zone,
                rule_version=rule.version,
            )
        machine = self._machines.get((rule.key, zone))
        if machine is None:
            machine = self._machines[(rule.key, zone)] = IncidentMachine(key, IncidentPolicy.from_rule(rule.settings))
        elif machine.key != key and not machine.is_open:
            machine.key = key
        return machine
