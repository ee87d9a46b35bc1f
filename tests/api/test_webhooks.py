"""Webhooks: the outbox written with the recorded event, signed deliveries, retries with backoff,
and the WeCom and DingTalk robot formats, against real HTTP receivers on 127.0.0.1."""

import asyncio
import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from api.media import MediaStore
from api.recorder import Recorder
from core.bus import Record
from core.memory_bus import MemoryPublisher
from core.topics import EVENTS
from tests.api.conftest import RunningApi, make_event


@dataclass
class Receiver:
    url: str
    fail_first: int = 0
    answer: bytes = b"{}"
    requests: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    box = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            box.requests.append((self.path, dict(self.headers), body))
            failing = len(box.requests) <= box.fail_first
            self.send_response(500 if failing else 200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"error": true}' if failing else box.answer)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield box
    server.shutdown()
    server.server_close()


async def _record(api: RunningApi, *events: object) -> None:
    """What the recorder does with events from bk.events (the broker is not needed for this)."""
    recorder = Recorder(api.db, MediaStore(api.settings.resolved_media_dir), MemoryPublisher())
    records = [Record(EVENTS, 0, i, b"k", e.encode()) for i, e in enumerate(events)]  # type: ignore[attr-defined]
    await recorder.store(records)
    await recorder.store(records)  # a replay must not send again


async def _wait_for(check: object, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_retries_until_delivered_with_a_signature(api: RunningApi, receiver: Receiver) -> None:
    receiver.fail_first = 2
    async with api.client("admin") as admin:
        made = await admin.post("/api/webhooks", json={"name": "ops", "url": receiver.url, "secret": "s3cret"})
        assert made.status_code == 201 and made.json()["has_secret"] and "secret" not in made.json()
        hook = made.json()["id"]
        event = make_event("school-a", rule="rodent")
        await _record(api, event)
        await _wait_for(lambda: len(receiver.requests) >= 3)
        await asyncio.sleep(0.3)  # no fourth attempt after the success
        deliveries = (await admin.get(f"/api/webhooks/{hook}/deliveries")).json()
    assert len(receiver.requests) == 3
    assert [(d["status"], d["attempts"]) for d in deliveries] == [("delivered", 3)]
    _, headers, body = receiver.requests[-1]
    expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers["X-BK-Signature"] == expected
    doc = json.loads(body)
    assert doc["type"] == "event.opened" and doc["event"]["id"] == event.id
    assert doc["event"]["school_name"] == "School A"


async def test_robot_formats_and_filters(api: RunningApi, receiver: Receiver) -> None:
    receiver.answer = b'{"errcode": 0, "errmsg": "ok"}'
    async with api.client("admin") as admin:
        for body in (
            {"name": "wecom", "url": receiver.url + "?key=abc", "format": "wecom", "school_ids": ["school-a"]},
            {"name": "ding", "url": receiver.url + "?access_token=t", "format": "dingtalk", "secret": "SECabc",
             "max_tier": 1},
        ):
            assert (await admin.post("/api/webhooks", json=body)).status_code == 201
    now = int(time.time() * 1000)  # recent, so no escalation adds deliveries
    tier3_a = make_event("school-a", rule="no_gloves", tier=3, started=now)
    tier1_b = make_event("school-b", rule="rodent", tier=1, started=now)
    await _record(api, tier3_a, tier1_b)
    await _wait_for(lambda: len(receiver.requests) >= 2)
    await asyncio.sleep(0.3)
    assert len(receiver.requests) == 2  # wecom: school A only; dingtalk: tier 1 only
    by_path = {urllib.parse.urlsplit(p).query.split("&")[0]: (p, json.loads(b)) for p, _, b in receiver.requests}
    _, wecom = by_path["key=abc"]
    assert wecom["msgtype"] == "markdown" and "未戴手套" in wecom["markdown"]["content"]
    path, ding = by_path["access_token=t"]
    assert ding["msgtype"] == "markdown" and "老鼠" in ding["markdown"]["title"]
    assert tier1_b.id in ding["markdown"]["text"]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    timestamp = query["timestamp"][0]
    digest = hmac.new(b"SECabc", f"{timestamp}\nSECabc".encode(), hashlib.sha256).digest()
    assert query["sign"][0] == base64.b64encode(digest).decode()
