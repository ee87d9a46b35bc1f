"""An RTSP camera served by GStreamer (system python with gi), read by the reader thread."""

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.broker import free_port
from ingest.backoff import BackoffPolicy
from ingest.reader import CameraReader
from ingest.sources import make_source
from tests.ingest.conftest import wait_for

SYSTEM_PYTHON = "/usr/bin/python3"
SERVER = Path(__file__).with_name("rtsp_server.py")


def _gst_available() -> bool:
    probe = (
        "import gi; gi.require_version('Gst','1.0'); gi.require_version('GstRtspServer','1.0');"
        "from gi.repository import Gst; Gst.init(None);"
        "assert Gst.ElementFactory.find('x264enc')"
    )
    try:
        return subprocess.run([SYSTEM_PYTHON, "-c", probe], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.fixture(scope="module")
def rtsp_url() -> Iterator[str]:
    if not _gst_available():
        pytest.skip("GStreamer RTSP server (gir1.2-gst-rtsp-server-1.0, x264enc) is not installed")
    port = free_port()
    proc = subprocess.Popen(
        [SYSTEM_PYTHON, str(SERVER), str(port)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert proc.stdout is not None
        if proc.stdout.readline().strip() != "ready":
            pytest.fail(f"the RTSP server did not start (exit code {proc.poll()})")
        yield f"rtsp://127.0.0.1:{port}/live"
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_rtsp_source_reads_frames(rtsp_url: str) -> None:
    with make_source(rtsp_url) as src:
        frames = [src.read() for _ in range(5)]
    assert frames[-1].shape == (240, 320, 3)


def test_rtsp_reader_and_wrong_path(rtsp_url: str) -> None:
    reader = CameraReader("rtsp-cam", rtsp_url, backoff=BackoffPolicy(initial_s=0.1, max_s=0.5))
    wrong = CameraReader(
        "rtsp-wrong", rtsp_url.replace("/live", "/nothing"), backoff=BackoffPolicy(initial_s=0.1, max_s=0.5)
    )
    reader.start()
    wrong.start()
    try:
        wait_for(lambda: reader.stats().frames_read >= 10, timeout_s=20, what="RTSP frames")
        wait_for(
            lambda: any(t.state == "offline" for t in wrong.drain_transitions()),
            timeout_s=20,
            what="the wrong path offline",
        )
        assert reader.stats().connected
    finally:
        assert reader.stop(10) and wrong.stop(10)
