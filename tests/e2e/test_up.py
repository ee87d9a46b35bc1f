"""`brightkitchen up`: the demo shows a scripted alert within a minute, and Ctrl-C leaves nothing."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from core.broker import free_port
from tests.e2e.procs import wait_http

pytestmark = [pytest.mark.kafka, pytest.mark.e2e]


def test_up_shows_demo_alert_and_stops_cleanly(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BK_")}
    env.update({"BK_API_PORT": str(port), "BK_DATA_DIR": str(tmp_path / "data")})
    log = open(tmp_path / "up.log", "wb")  # noqa: SIM115
    up = subprocess.Popen([sys.executable, "-m", "brightkitchen.cli", "up"], env=env, stdout=log,
                          stderr=subprocess.STDOUT)
    started = time.monotonic()
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz", 60)
        family = [up.pid] + [p.pid for p in psutil.Process(up.pid).children(recursive=True)]
        assert len(family) >= 5, "expected the broker and three roles under `up`"
        answer = httpx.post(f"http://127.0.0.1:{port}/api/auth/login",
                            json={"username": "regulator", "password": "demo-regulator"})
        assert answer.status_code == 200, answer.text
        auth = {"Authorization": f"Bearer {answer.json()['token']}"}
        events: list[dict[str, object]] = []
        while time.monotonic() - started < 75 and not events:
            events = httpx.get(f"http://127.0.0.1:{port}/api/events", headers=auth).json()["items"]
            time.sleep(1)
        assert events, "no alert from the demo's scripted incidents within a minute"
        assert {e["camera_id"] for e in events} <= {
            "sunny-cook-1", "sunny-prep-1", "yucai-store-1", "yucai-serve-1"}, "an alert from a camera with no incident"
        for url, name in ((f"http://127.0.0.1:{port}/metrics", "bk_api_ws_clients"),
                          (f"http://127.0.0.1:{port + 1}/metrics", "bk_ingest_frames_published_total"),
                          (f"http://127.0.0.1:{port + 2}/metrics", "bk_detect_frames_total")):
            answer = httpx.get(url, timeout=5)  # every role's metrics, on the ports `up` printed
            assert answer.status_code == 200 and name in answer.text, url
        assert f"ingest http://127.0.0.1:{port + 1}/metrics" in (tmp_path / "up.log").read_text()
        page = httpx.get(f"http://127.0.0.1:{port}/")
        assert page.status_code == 200 and "明厨亮灶" in page.text
    except BaseException:
        print((tmp_path / "up.log").read_text(errors="replace")[-3000:])
        for name in ("api", "detect", "ingest"):
            path = tmp_path / "data" / "logs" / f"{name}.log"
            if path.exists():
                print(f"----- {name} -----\n{path.read_text(errors='replace')[-3000:]}")
        raise
    finally:
        up.send_signal(signal.SIGINT)
        try:
            up.wait(30)
        finally:
            log.close()
    time.sleep(0.5)
    alive = [pid for pid in family if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]
    assert alive == [], f"processes left running after Ctrl-C: {alive}"
    assert up.returncode == 0
