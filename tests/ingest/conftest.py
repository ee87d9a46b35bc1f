"""Real streams for the ingest tests: video files and HTTP MJPEG servers made with ffmpeg."""

import shutil
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
    client and then exits, which tests use as "the stream ended"."""
    procs: list[subprocess.Popen[bytes]] = []

    def start(port: int, wait: bool = True) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            [
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
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        procs.append(proc)
        if wait:  # a client already retrying may be served before we look
            _wait_listening(port)
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
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
