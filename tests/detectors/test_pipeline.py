"""A camera's whole detection path on drawn scenes: perception → rules → incident events."""

from datetime import datetime
from zoneinfo import ZoneInfo

from core.contracts import Event, Frame, event_id
from core.site import Site
from detectors.pipeline import CameraPipeline
from tests.detectors import scenes

FPS = 5
MONDAY_NIGHT = int(datetime(2025, 3, 3, 22, 0, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp() * 1000)
MONDAY_MORNING = int(datetime(2025, 3, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp() * 1000)


def site(**rules: dict[str, object]) -> Site:
    return Site.model_validate(
        {
            "schools": [
                {
                    "id": "s1",
                    "name": "School 1",
                    "kitchens": [{"id": "k1", "name": "Main kitchen"}],
                    "cameras": [
                        {
                            "id": "cam1",
                            "name": "Cooking",
                            "kitchen": "k1",
                            "url": "synthetic://x",
                            "zones": [
                                {"id": "left", "kind": "floor", "polygon": [[0, 0], [0.5, 0], [0.5, 1], [0, 1]]},
                                {"id": "right", "kind": "stove", "polygon": [[0.5, 0], [1, 0], [1, 1], [0.5, 1]]},
                            ],
                            "rules": rules,
                        }
                    ],
                }
            ]
        }
    )


def pipeline_for(s: Site) -> CameraPipeline:
    found = s.camera("cam1")
    assert found is not None
    return CameraPipeline("cam1", *found)


def feed(p: CameraPipeline, images: list[scenes.Image], t0_ms: int, school: str = "s1") -> list[Event]:
    events = []
    for i, img in enumerate(images):
        data = scenes.jpeg(img)
        frame = Frame("cam1", school, t0_ms + i * 1000 // FPS, i, img.shape[1], img.shape[0], data)
        events.extend(p.process(frame, scenes.decode(data)))
    return events


def walking(n: int, x0: int = 40, dx: int = 12) -> list[scenes.Image]:
    return [scenes.with_walker(scenes.kitchen(seed=500 + i), x=x0 + dx * i) for i in range(n)]


def still(n: int, seed: int = 0) -> list[scenes.Image]:
    return [scenes.kitchen(seed=seed + i) for i in range(n)]


def test_unknown_camera_runs_catalog_defaults_and_blocked_opens_then_closes() -> None:
    p = CameraPipeline("cam1")
    images = still(5) + [scenes.covered(seed=i) for i in range(25)] + still(25, seed=100)
    events = feed(p, images, MONDAY_MORNING, school="from-frame")
    assert [(e.rule, e.state) for e in events] == [("camera_blocked", "open"), ("camera_blocked", "closed")]
    opened, closed = events
    started = MONDAY_MORNING + 5 * 200  # the first covered frame
    assert opened.id == event_id("cam1", "camera_blocked", None, started) == closed.id
    assert opened.last_seen_ms == started + 3000  # catalog dwell 3 s
    assert opened.school_id == "from-frame" and opened.zone is None and opened.tier == 1
    assert opened.snapshot_jpeg is not None and opened.snapshot_jpeg.startswith(b"\xff\xd8\xff")
    assert (opened.frame_width, opened.frame_height) == (640, 360)
    assert closed.ended_ms == MONDAY_MORNING + 30 * 200  # the first clear frame



def test_an_unknown_cameras_school_follows_its_frames_once_the_open_incident_closes() -> None:
    """The incident open when the frames' school changes keeps its school to the end (its events
    stay one incident); the next one is the new school's."""
    p = CameraPipeline("cam1")
    covered = [scenes.covered(seed=i) for i in range(25)]
    events = feed(p, still(5) + covered, MONDAY_MORNING, school="s-old")
    # camera_blocked re-alarms after 60 s at the earliest: the lens is covered again after 64 s
    events += feed(p, covered + still(320, seed=100) + covered, MONDAY_MORNING + 30 * 200, school="s-new")
    assert [(e.state, e.school_id) for e in events if e.rule == "camera_blocked"] == [
        ("open", "s-old"),
        ("closed", "s-old"),
        ("open", "s-new"),
    ], [(e.rule, e.state) for e in events]

def test_snapshot_is_the_untouched_jpeg_of_the_opening_frame() -> None:
    p = CameraPipeline("cam1")
    images = [scenes.covered(seed=i) for i in range(20)]
    events = feed(p, images, MONDAY_MORNING)
    opening_index = 15  # 3 s at 5 fps after the first frame
    assert events[0].snapshot_jpeg == scenes.jpeg(images[opening_index])


def test_intrusion_after_hours_but_not_during_working_hours() -> None:
    frames = still(10) + walking(20)
    night = feed(pipeline_for(site()), frames, MONDAY_NIGHT)
    day = feed(pipeline_for(site()), frames, MONDAY_MORNING)
    assert [(e.rule, e.state) for e in night] == [("intrusion", "open")]
    ev = night[0]
    assert ev.zone is None and ev.kitchen_id == "k1" and ev.school_id == "s1"
    assert ev.started_ms == MONDAY_NIGHT + 10 * 200  # the first frame with the walking person
    assert ev.boxes and all(b.label == "person" for b in ev.boxes)
    # By day the same bare-headed, unmasked person in dark clothes is a hygiene case, not an intruder.
    assert sorted(e.rule for e in day) == ["no_chef_hat", "no_mask", "no_uniform"]


def test_brief_motion_under_the_dwell_does_not_alarm() -> None:
    frames = still(10) + walking(8) + still(20, seed=900)  # 1.6 s of walking, then gone
    assert feed(pipeline_for(site()), frames, MONDAY_NIGHT) == []


def test_zoned_intrusion_counts_only_feet_inside_its_zones() -> None:
    walking_left = still(10) + walking(20, x0=40, dx=5)  # stays in the left half
    in_left = feed(pipeline_for(site(intrusion={"zones": ["left"]})), walking_left, MONDAY_NIGHT)
    in_right = feed(pipeline_for(site(intrusion={"zones": ["right"]})), walking_left, MONDAY_NIGHT)
    assert [(e.rule, e.zone) for e in in_left] == [("intrusion", "left")]
    assert in_right == []


def test_site_change_keeps_incident_state_and_closes_removed_rules() -> None:
    p = pipeline_for(site())
    covered = [scenes.covered(seed=i) for i in range(30)]
    assert feed(p, covered[:10], MONDAY_MORNING) == []  # 2 s into the 3 s dwell
    p.configure(*site(camera_blocked={"sensitivity": 60}).cameras()[0])
    opened = feed(p, covered[10:], MONDAY_MORNING + 2000)
    assert [e.state for e in opened] == ["open"]
    assert opened[0].started_ms == MONDAY_MORNING  # the dwell survived the re-configuration
    p.configure(*site(camera_blocked={"enabled": False}).cameras()[0])
    after = feed(p, covered[:2], MONDAY_MORNING + 10_000)
    assert [(e.state, e.id) for e in after] == [("closed", opened[0].id)]


def test_disabled_camera_produces_nothing() -> None:
    s = site()
    school, camera = s.cameras()[0]
    p = CameraPipeline("cam1", school, camera.model_copy(update={"enabled": False}))
    assert feed(p, [scenes.covered(seed=i) for i in range(25)], MONDAY_MORNING) == []


def test_slow_plugins_judge_one_frame_in_their_cadence_and_their_report_stands_between() -> None:
    p = pipeline_for(site())
    scene, health = p._perceivers["scene"], p._perceivers["health"]
    assert scene.cadence == 5 and health.cadence == 1
    calls = {"scene": 0, "health": 0}
    reports: list[object] = []
    for key, plugin in (("scene", scene), ("health", health)):
        observe = plugin.observe

        def counted(image: scenes.Image, key: str = key, observe: object = observe) -> object:
            calls[key] += 1
            result = observe(image)  # type: ignore[operator]
            if key == "scene":
                reports.append(result)
            return result

        plugin.observe = counted  # type: ignore[method-assign]
    feed(p, [scenes.kitchen(seed=600 + i) for i in range(12)], MONDAY_MORNING)
    assert calls == {"scene": 3, "health": 12}  # frames 0, 5 and 10
    assert p._results["scene"][1] is reports[-1]
    # A new picture size is judged at once, whatever the cadence says.
    feed(p, [scenes.kitchen(seed=700)[:200, :300]], MONDAY_MORNING + 12 * 200)
    assert calls["scene"] == 4


def test_slow_rules_judge_one_frame_in_their_cadence_and_their_finding_stands_between() -> None:
    p = pipeline_for(site())
    stove = next(r for r in p.rules if r.key == "stove_unattended")
    assert stove.cadence == p._perceivers["flame"].cadence == 5 and stove.phase == p._perceivers["flame"].phase
    judged: list[object] = []
    evaluate = stove.evaluate

    def counted(*args: object) -> object:
        judged.append(evaluate(*args))  # type: ignore[arg-type]
        return judged[-1]

    stove.evaluate = counted  # type: ignore[method-assign]
    machine = p._machines[("stove_unattended", None)]
    stepped: list[object] = []
    step = machine.step

    def recorded(frame: Frame, width: int, height: int, finding: object) -> object:
        stepped.append(finding)
        return step(frame, width, height, finding)  # type: ignore[arg-type]

    machine.step = recorded  # type: ignore[method-assign,assignment]
    feed(p, [scenes.kitchen(seed=800 + i) for i in range(12)], MONDAY_MORNING)
    # Frame 0 (nothing held yet), then the flame plugin's frames 2 and 7.
    assert len(judged) == 3 and len(stepped) == 12
    assert stepped[0] is judged[0] and stepped[1] is judged[0]
    assert all(f is judged[1] for f in stepped[2:7]) and all(f is judged[2] for f in stepped[7:])
    # A new picture size is judged at once, whatever the cadence says.
    feed(p, [scenes.kitchen(seed=900)[:200, :300]], MONDAY_MORNING + 12 * 200)
    assert len(judged) == 4
