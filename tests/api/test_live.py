"""The live hub's fan-out rules, without a broker: scope, visible cameras only, slow clients dropped."""

import time

import pytest

from api.live import CLIENT_QUEUE, Client, LiveHub
from core.contracts import CameraStatus, Frame
from tests.api.conftest import jpeg


def _frame(camera: str, school: str) -> Frame:
    return Frame(camera, school, int(time.time() * 1000), 1, 160, 90, jpeg())


def test_pictures_go_only_to_clients_in_scope_that_show_the_camera() -> None:
    hub = LiveHub("unused:9092")
    everyone, school_b, two_tiles, paused = (
        Client(None), Client(frozenset({"school-b"})), Client(None, cameras=frozenset({"cam-a1"})),
        Client(None, want_frames=False),
    )
    for c in (everyone, school_b, two_tiles, paused):
        hub.add(c)
    hub.on_frame(_frame("cam-a1", "school-a"))
    hub.on_frame(_frame("cam-a2", "school-a"))
    hub.on_frame(_frame("cam-b1", "school-b"))
    assert set(everyone.frames) == {"cam-a1", "cam-a2", "cam-b1"}
    assert set(school_b.frames) == {"cam-b1"}
    assert set(two_tiles.frames) == {"cam-a1"}
    assert paused.frames == {}


def test_old_pictures_are_not_shown_live() -> None:
    hub = LiveHub("unused:9092")
    client = Client(None)
    hub.add(client)
    hub.on_frame(Frame("cam-a1", "school-a", int(time.time() * 1000) - 60_000, 1, 160, 90, jpeg()))
    assert client.frames == {} and "cam-a1" not in hub.latest_frames


@pytest.mark.parametrize("extra", [0, 5])
def test_a_slow_client_is_dropped_not_waited_for(extra: int) -> None:
    hub = LiveHub("unused:9092")
    slow, other = Client(None), Client(frozenset({"school-x"}))
    hub.add(slow)
    hub.add(other)
    now = int(time.time() * 1000)
    for i in range(CLIENT_QUEUE + extra):
        hub.on_status(CameraStatus(camera_id=f"c{i}", school_id="school-a", state="online", since_ms=now))
    assert slow.dropped == (extra > 0) and (slow in hub.clients) == (extra == 0)
    assert other in hub.clients and not other.dropped
