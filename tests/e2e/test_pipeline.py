"""The whole pipeline as separate OS processes: broker, ingest, two detectors, api.

A synthetic camera is scripted to be covered; the alert must arrive over the WebSocket and in the
database exactly once, with two detector processes sharing the consumer group. A frame from a
third-party Kafka client is processed like any other; garbage lands in the dead-letter topic.
"""

import asyncio
import json
import time
from pathlib import Path

import cv2
import httpx
import numpy as np
import pytest
import websockets
from aiokafka import TopicPartition

from core.broker import EmbeddedBroker, free_port
from core.bus import KafkaPublisher, make_consumer
from core.site import Site
from core.site_feed import publish_site
from core.topics import DLQ, FRAMES
from tests.e2e.procs import Role, login, prepare_database, role_env, wait_http

pytestmark = [pytest.mark.kafka, pytest.mark.e2e]

COVERED = ["cam-a", "cam-b", "cam-c"]


def _site() -> Site:
    cams = [
        {"id": c, "name": c, "kitchen": "k", "url": f"synthetic://kitchen?seed={i}&people=1&script=cover@6+10"}
        for i, c in enumerate(COVERED)
    ]
    cams.append({"id": "cam-quiet", "name": "quiet", "kitchen": "k", "url": "synthetic://kitchen?seed=9&people=2"})
    return Site.model_validate({"schools": [{
        "id": "school-a", "name": "A", "kitchens": [{"id": "k", "name": "K"}], "cameras": cams,
        "schedule": {"working_hours": {d: ["00:00-23:59"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}},
    }]})


def _third_party_frames(bootstrap: str, seconds: float) -> None:
    """Publish covered frames for camera nvr-1 with kafka-python, headers written by hand."""
    from kafka import KafkaProducer

    producer = KafkaProducer(bootstrap_servers=bootstrap)
    rng = np.random.default_rng(1)
    end = time.time() + seconds
    seq = 0
    while time.time() < end:
        img = np.clip(rng.normal(22, 2, (360, 640, 3)), 0, 255).astype(np.uint8)
        jpeg = cv2.imencode(".jpg", img)[1].tobytes()
        now = str(int(time.time() * 1000)).encode()
        producer.send(FRAMES, key=b"nvr-1", value=jpeg, headers=[
            ("bk-schema", b"1"), ("bk-camera", b"nvr-1"), ("bk-school", b"school-x"),
            ("bk-captured-ms", now), ("bk-seq", str(seq).encode()), ("bk-width", b"640"), ("bk-height", b"360"),
        ])
        seq += 1
        time.sleep(0.2)
    producer.send(FRAMES, key=b"nvr-1", value=b"this is not a jpeg", headers=[("bk-schema", b"1")])
    producer.flush()
    producer.close()


async def test_covered_cameras_alert_once_through_separate_processes(
    fresh_broker: EmbeddedBroker, tmp_path: Path
) -> None:
    port = free_port()
    env = role_env(fresh_broker.bootstrap, tmp_path, port)
    await prepare_database(tmp_path, _site())
    roles = [Role("api", env, tmp_path), Role("detect", env, tmp_path, "detect-1"),
             Role("detect", env, tmp_path, "detect-2")]
    opened: dict[str, str] = {}
    closed: set[str] = set()
    try:
        await asyncio.to_thread(wait_http, f"http://127.0.0.1:{port}/readyz", 60)
        await asyncio.sleep(8)  # both detectors join the group before the incident starts
        roles.append(Role("ingest", env, tmp_path))
        token = await login(f"http://127.0.0.1:{port}")
        auth = {"Authorization": f"Bearer {token}"}
        async with websockets.connect(f"ws://127.0.0.1:{port}/ws?frames=0&token={token}") as ws:
            async with KafkaPublisher(fresh_broker.bootstrap) as pub:
                await publish_site(pub, _site())
            third = asyncio.create_task(asyncio.to_thread(_third_party_frames, fresh_broker.bootstrap, 8))
            deadline = time.monotonic() + 90
            want = {*COVERED, "nvr-1"}
            while time.monotonic() < deadline and not (want <= opened.keys() and set(COVERED) <= closed):
                try:
                    msg = json.loads(await asyncio.wait_for(ws.recv(), 5))
                except TimeoutError:
                    continue
                if msg["type"] != "event" or msg["event"]["rule"] != "camera_blocked":
                    continue
                ev = msg["event"]
                if ev["state"] == "open":
                    assert ev["camera_id"] not in opened, f"second open alert for {ev['camera_id']}"
                    opened[ev["camera_id"]] = ev["id"]
                elif ev["state"] == "closed":
                    closed.add(ev["camera_id"])
            await third
        assert want <= opened.keys(), f"alerts opened for {sorted(opened)}, expected {sorted(want)}"
        assert set(COVERED) <= closed
        assert "cam-quiet" not in opened

        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers=auth) as client:
            for _ in range(50):
                items = (await client.get("/api/events", params={"rule": "camera_blocked"})).json()["items"]
                if len(items) >= len(want) and all(i["state"] == "closed" for i in items if i["camera_id"] in COVERED):
                    break
                await asyncio.sleep(0.2)
        per_camera: dict[str, list[str]] = {}
        for item in items:
            per_camera.setdefault(item["camera_id"], []).append(item["id"])
        assert {c: ids for c, ids in per_camera.items() if len(ids) != 1} == {}, "events stored more than once"
        assert {c: ids[0] for c, ids in per_camera.items()} == opened
        assert all(r.proc.poll() is None for r in roles), "a role died"

        letters = await _dead_letters(fresh_broker.bootstrap)
        assert any(v == b"this is not a jpeg" and "bk-dlq-reason" in h for v, h in letters)
    except BaseException:
        for r in roles:
            print(f"----- {r.name} -----\n{r.log()[-4000:]}")
        raise
    finally:
        for r in reversed(roles):
            r.stop()


async def _dead_letters(bootstrap: str) -> list[tuple[bytes, dict[str, bytes]]]:
    consumer = make_consumer(bootstrap, offset_reset="earliest")
    await consumer.start()
    try:
        consumer.assign([TopicPartition(DLQ, 0)])
        await consumer.seek_to_beginning()
        batch = await consumer.getmany(timeout_ms=3000)
        return [(m.value, dict(m.headers)) for msgs in batch.values() for m in msgs]
    finally:
        await consumer.stop()
