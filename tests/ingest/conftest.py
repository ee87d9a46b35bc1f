"""Real streams for the ingest tests: video files and HTTP MJPEG servers made with ffmpeg."""

import functools
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from core.broker import free_port

FFMPEG = shutil.which("ffmpeg") or "/usr/bin/ffmpeg"


@pytest.fixture(scope="session")
def video_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-second 320x240 10 fps MJPEG-in-AVI test pattern."""
    if not Path(FFMPEG).exists():
        pytest.skip("ffmpeg is not installed")
    path = tmp_path_factory.mktemp("video") / "pattern.avi"
    subprocess.run(
        [
            FFMPEG,
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=320x240:rate=10",
            "-t",
            "2",
            "-c:v",
            "mjpeg",
            "-y",
            str(path),
        ],
        check=True,
        timeout=30,
    )
    return path


MjpegServer = Callable[..., subprocess.Popen[bytes]]


@pytest.fixture
def mjpeg_server() -> Iterator[MjpegServer]:
    """Start ``ffmpeg -listen 1`` serving a live MJPEG test pattern on a port; it serves one
    client and then exits, which tests use as "the stream ended". With ``again=True`` ffmpeg is
    started anew after each client, as a camera serves client after client: the reader's probe
    after a failed open (connecting while the server came up) must not take the only serving."""
    procs: list[subprocess.Popen[bytes]] = []

    def start(port: int, wait: bool = True, again: bool = False) -> subprocess.Popen[bytes]:
        command = [
            FFMPEG,
            "-loglevel",
            "error",
            "-re",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=320x240:rate=10",
            "-c:v",
            "mjpeg",
            "-f",
            "mpjpeg",
            "-listen",
            "1",
            f"http://127.0.0.1:{port}/x.mjpg",
        ]
        if again:
            command = ["bash", "-c", 'while :; do "$@"; sleep 0.05; done', "serve", *command]
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: stopping it stops a looping ffmpeg too
        )
        procs.append(proc)
        if wait:  # a client already retrying may be served before we look
            _wait_listening(port)
        return proc

    yield start
    for proc in procs:
        _stop_group(proc)


def _stop_group(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _wait_listening(port: int, timeout_s: float = 10.0) -> None:
    """Wait until ffmpeg listens, without connecting (it would count as its one client)."""
    deadline = time.monotonic() + timeout_s
    needle = f":{port:04X}".encode()
    while time.monotonic() < deadline:
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                lines = Path(table).read_bytes().splitlines()[1:]
            except OSError:
                continue
            # state 0A = LISTEN
            if any(needle in line.split()[1] and line.split()[3] == b"0A" for line in lines):
                return
        time.sleep(0.05)
    raise TimeoutError(f"ffmpeg did not listen on port {port}")


@pytest.fixture
def dead_port() -> int:
    """A loopback port nothing listens on (connection refused)."""
    port = free_port()
    with socket.socket() as s:  # make sure it is closed now
        s.settimeout(0.2)
        assert s.connect_ex(("127.0.0.1", port)) != 0
    return port


def wait_for(predicate: Callable[[], object], timeout_s: float = 10.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")


SYSTEM_PYTHON = "/usr/bin/python3"
RTSP_SERVER = Path(__file__).with_name("rtsp_server.py")
RtspServer = Callable[..., subprocess.Popen[str]]


@functools.cache
def gst_rtsp_available(encoder: str = "x264enc") -> bool:
    """True when the system python has GStreamer's RTSP server and ``encoder``."""
    probe = (
        "import gi; gi.require_version('Gst','1.0'); gi.require_version('GstRtspServer','1.0');"
        "from gi.repository import Gst; Gst.init(None);"
        f"assert Gst.ElementFactory.find({encoder!r})"
    )
    try:
        return subprocess.run([SYSTEM_PYTHON, "-c", probe], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.fixture
def rtsp_server() -> Iterator[RtspServer]:
    """Start ``rtsp_server.py PORT *ARGS`` (GStreamer under the system python); returns once it
    listens. Tests kill and restart it on the same port; every one left is stopped at the end."""
    if not gst_rtsp_available():
        pytest.skip("GStreamer RTSP server (gir1.2-gst-rtsp-server-1.0, x264enc) is not installed")
    procs: list[subprocess.Popen[str]] = []

    def start(port: int, *args: str) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [SYSTEM_PYTHON, str(RTSP_SERVER), str(port), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        procs.append(proc)
        assert proc.stdout is not None
        if proc.stdout.readline().strip() != "ready":
            proc.wait(5)
            pytest.fail(f"the RTSP server did not start on port {port} (exit code {proc.returncode})")
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
