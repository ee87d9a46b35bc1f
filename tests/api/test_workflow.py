"""The alert workflow: the transition table, the full loop over REST with the timeline, the
audit log, the photo evidence and the workflow messages pushed to the users in scope."""

import asyncio
import hashlib
import json

import pytest
import websockets

from api.workflow import Conflict, next_status
from tests.api.conftest import RunningApi, jpeg, png


@pytest.mark.parametrize("action, status, acknowledged, after", [
    ("acknowledge", "open", False, "acknowledged"),
    ("acknowledge", "escalated", False, "acknowledged"),
    ("rectify", "acknowledged", True, "rectified"),
    ("rectify", "escalated", True, "rectified"),
    ("approve", "rectified", True, "closed"),
    ("reject", "rectified", True, "acknowledged"),
    ("dismiss", "open", False, "dismissed"),
    ("dismiss", "escalated", True, "dismissed"),
    ("confirm", "closed", True, "closed"),
    ("escalate", "open", False, "escalated"),
    ("escalate", "acknowledged", True, "escalated"),
])
def test_legal_transitions(action: str, status: str, acknowledged: bool, after: str) -> None:
    assert next_status(action, status, acknowledged) == after


@pytest.mark.parametrize("action, status, acknowledged, reason", [
    ("approve", "acknowledged", True, "cannot approve: event is acknowledged, expected rectified"),
    ("rectify", "open", False, "cannot rectify: event is open, expected acknowledged or escalated"),
    ("rectify", "escalated", False, "cannot rectify: event is escalated, acknowledge it first"),
    ("acknowledge", "escalated", True, "cannot acknowledge: event is already acknowledged"),
    ("dismiss", "closed", True, "cannot dismiss: event is closed"),
    ("confirm", "dismissed", False, "cannot confirm: event is dismissed"),
    ("escalate", "rectified", True, "cannot escalate: event is rectified"),
])
def test_illegal_transitions_say_why(action: str, status: str, acknowledged: bool, reason: str) -> None:
    with pytest.raises(Conflict, match=reason):
        next_status(action, status, acknowledged)


async def _workflow_messages(ws: websockets.ClientConnection, seconds: float) -> list[dict[str, object]]:
    out = []
    try:
        while True:
            msg = json.loads(await asyncio.wait_for(ws.recv(), seconds))
            if msg["type"] == "workflow":
                out.append(msg)
    except TimeoutError:
        return out


async def test_the_full_loop_with_timeline_audit_and_push(api: RunningApi) -> None:
    ev = api.events["a"].id
    photo = jpeg(200)
    async with websockets.connect(f"{api.ws_url}?token={api.tokens['manager_a']}&frames=0") as ws_a, \
            websockets.connect(f"{api.ws_url}?token={api.tokens['manager_b']}&frames=0") as ws_b, \
            websockets.connect(f"{api.ws_url}?token={api.tokens['regulator']}&frames=0") as ws_r:
        for ws in (ws_a, ws_b, ws_r):
            assert json.loads(await ws.recv())["type"] == "hello"
        async with api.client("manager_a") as manager, api.client("regulator") as regulator:
            early = await regulator.post(f"/api/events/{ev}/approve")
            assert early.status_code == 409
            assert early.json()["detail"] == "cannot approve: event is open, expected rectified"
            assert (await manager.post(f"/api/events/{ev}/acknowledge")).json()["status"] == "acknowledged"
            first = await manager.post(f"/api/events/{ev}/rectify", data={"note": "mopped"},
                                       files={"photo": ("fix.jpg", photo, "image/jpeg")})
            assert first.status_code == 200 and first.json()["status"] == "rectified"
            assert (await regulator.post(f"/api/events/{ev}/reject", json={})).status_code == 422  # needs a note
            rejected = await regulator.post(f"/api/events/{ev}/reject", json={"note": "still wet"})
            assert rejected.json()["status"] == "acknowledged"
            second = await manager.post(f"/api/events/{ev}/rectify", data={"note": "dried"},
                                        files={"photo": ("fix.png", png(), "image/png")})
            assert second.json()["status"] == "rectified"
            closed = await regulator.post(f"/api/events/{ev}/approve")
            assert closed.json()["status"] == "closed" and closed.json()["closed_ms"]

            detail = (await manager.get(f"/api/events/{ev}")).json()
            steps = [(s["action"], s["from_status"], s["to_status"], s["actor"]) for s in detail["timeline"]]
            assert steps == [
                ("acknowledge", "open", "acknowledged", "manager_a"),
                ("rectify", "acknowledged", "rectified", "manager_a"),
                ("reject", "rectified", "acknowledged", "regulator"),
                ("rectify", "acknowledged", "rectified", "manager_a"),
                ("approve", "rectified", "closed", "regulator"),
            ]
            evidence = detail["timeline"][1]
            assert evidence["photo_sha256"] == hashlib.sha256(photo).hexdigest()
            got = await manager.get(evidence["photo_url"])
            assert got.status_code == 200 and got.content == photo and got.headers["content-type"] == "image/jpeg"
            async with api.client("manager_b") as other:
                assert (await other.get(evidence["photo_url"])).status_code == 404
        async with api.client("admin") as admin:
            log = (await admin.get("/api/audit")).json()
        actions = [e["action"] for e in log if e["target_id"] == ev]
        assert actions[::-1] == ["event_acknowledge", "event_rectify", "event_reject", "event_rectify",
                                 "event_approve"]
        assert all(e["client_ip"] == "127.0.0.1" for e in log if e["target_id"] == ev)
        pushed_a = await _workflow_messages(ws_a, 0.5)
        pushed_r = await _workflow_messages(ws_r, 0.2)
        pushed_b = await _workflow_messages(ws_b, 0.2)
    assert [m["status"] for m in pushed_a] == ["acknowledged", "rectified", "acknowledged", "rectified", "closed"]
    assert len(pushed_r) == 5 and pushed_b == []


@pytest.mark.parametrize("filename, content, ctype, status", [
    ("a.gif", b"GIF89a" + b"\0" * 100, "image/gif", 415),
    ("a.jpg", b"<html>not a picture</html>", "image/jpeg", 415),
    ("big.jpg", b"\xff\xd8\xff" + b"\0" * 5000, "image/jpeg", 413),
])
async def test_rectification_photos_are_checked(api: RunningApi, filename: str, content: bytes, ctype: str,
                                                status: int) -> None:
    api.settings.upload_max_bytes = 4096  # the running app shares this settings object
    ev = api.events["a"].id
    async with api.client("manager_a") as manager:
        await manager.post(f"/api/events/{ev}/acknowledge")
        answer = await manager.post(f"/api/events/{ev}/rectify", data={"note": "x"},
                                    files={"photo": (filename, content, ctype)})
        assert answer.status_code == status, answer.text
        assert (await manager.get(f"/api/events/{ev}")).json()["status"] == "acknowledged"


async def test_inspector_verdicts_are_kept(api: RunningApi) -> None:
    a, b = api.events["a"].id, api.events["b"].id
    async with api.client("inspector") as inspector:
        assert (await inspector.post(f"/api/events/{a}/confirm")).json()["verdict"] == "true_positive"
        dismissed = (await inspector.post(f"/api/events/{b}/dismiss", json={"note": "a shadow"})).json()
        assert (dismissed["status"], dismissed["verdict"]) == ("dismissed", "false_positive")
        rules = (await inspector.get("/api/stats/by-rule", params={"since_ms": 0})).json()
        assert rules["camera_blocked"] == {"events": 2, "dismissed": 1, "confirmed": 1}
        summary = (await inspector.get("/api/stats/summary", params={"since_ms": 0})).json()
        assert summary["precision"] == 0.5 and summary["by_status"] == {"open": 1, "dismissed": 1}
