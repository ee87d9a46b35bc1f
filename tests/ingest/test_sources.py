"""Sources: the scheme registry and real streams (a file, HTTP MJPEG, a dead host)."""

import os
import subprocess
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from ingest.errors import IngestError
from ingest.sources import Source, SourceError, capture, make_source, redact
from ingest.sources.capture import DeviceSource, FileSource, NetworkSource
from ingest.sources.synthetic import SyntheticSource
from tests.ingest.conftest import FFMPEG, MjpegServer


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("rtsp://cam.local:8554/live", NetworkSource),
        ("http://10.0.0.5/video.mjpg", NetworkSource),
        ("https://10.0.0.5/video.mjpg", NetworkSource),
        ("file:///videos/a.mp4?loop=1", FileSource),
        ("/videos/a.mp4", FileSource),
        ("videos/a.mp4", FileSource),
        ("/dev/video0", DeviceSource),
        ("synthetic://kitchen?seed=1", SyntheticSource),
    ],
)
def test_registry_picks_by_scheme(url: str, kind: type[Source]) -> None:
    assert type(make_source(url)) is kind


@pytest.mark.parametrize(
    ("url", "message"),
    [("ftp://host/a.mp4", "scheme 'ftp' is not one of"), ("", "empty"), ("synthetic://k?fps=x", "fps='x'")],
)
def test_bad_urls_fail_permanently_with_a_reason(url: str, message: str) -> None:
    with pytest.raises(SourceError) as info:
        make_source(url)
    assert info.value.permanent
    assert message in str(info.value)
    assert isinstance(info.value, IngestError)


def test_file_loop_option() -> None:
    src = make_source("file:///x.mp4?loop=1")
    assert isinstance(src, FileSource) and src.loop and src.path == Path("/x.mp4")
    assert not FileSource("/x.mp4").loop


def test_missing_file() -> None:
    with pytest.raises(SourceError) as info:
        make_source("/no/such/file.mp4").open()
    assert info.value.reason == "file not found"
    assert not info.value.permanent


def test_not_a_video(tmp_path: Path) -> None:
    path = tmp_path / "notes.mp4"
    path.write_bytes(b"this is not a video" * 100)
    with pytest.raises(SourceError) as info:
        make_source(str(path)).open()
    assert info.value.reason == "not a video stream"


def test_file_reads_at_native_rate_then_ends(video_file: Path) -> None:
    src = make_source(str(video_file))
    with src:
        assert src.nominal_fps == pytest.approx(10.0)
        frames = [src.read() for _ in range(20)]
        with pytest.raises(SourceError, match="stream ended"):
            src.read()
    assert frames[0].shape == (240, 320, 3)


def test_file_loop_replays(video_file: Path) -> None:
    src = make_source(f"file://{video_file}?loop=1")
    src.open()
    try:
        started = time.monotonic()
        for _ in range(25):
            assert src.read().shape == (240, 320, 3)
        assert time.monotonic() - started > 1.5  # paced, not as fast as decoding
    finally:
        src.close()


def test_http_mjpeg_stream_then_end(mjpeg_server: MjpegServer, dead_port: int) -> None:
    port = dead_port
    server = mjpeg_server(port)
    src = make_source(f"http://127.0.0.1:{port}/x.mjpg")
    src.open()
    try:
        assert src.read().shape == (240, 320, 3)
        server.terminate()
        with pytest.raises(SourceError, match="stream ended"):
            for _ in range(200):
                src.read()
    finally:
        src.close()


def test_connection_refused(dead_port: int) -> None:
    for url in (f"http://127.0.0.1:{dead_port}/x.mjpg", f"rtsp://127.0.0.1:{dead_port}/live"):
        with pytest.raises(SourceError) as info:
            make_source(url).open()
        assert info.value.reason == "cannot connect"
        assert not info.value.permanent
        assert "refused" in str(info.value).lower()


def test_low_latency_options_only_around_rtsp_opens(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str | None] = []

    def fake_capture(target: str, *args: object) -> str:
        seen.append(os.environ.get("OPENCV_FFMPEG_CAPTURE_OPTIONS"))
        return target

    monkeypatch.delenv("OPENCV_FFMPEG_CAPTURE_OPTIONS", raising=False)
    monkeypatch.setattr(cv2, "VideoCapture", fake_capture)
    capture.open_ffmpeg("rtsp://h/live", low_latency=True)
    capture.open_ffmpeg("/a.mp4", low_latency=False)
    assert seen == [capture.FFMPEG_OPTIONS, None]
    assert "OPENCV_FFMPEG_CAPTURE_OPTIONS" not in os.environ


def test_h264_file_with_b_frames(tmp_path: Path) -> None:
    """The RTSP low-latency options would make this file give no picture at all."""
    path = tmp_path / "b.mp4"
    subprocess.run(
        [
            FFMPEG,
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=160x120:rate=25",
            "-t",
            "1",
            "-c:v",
            "libx264",
            "-bf",
            "2",
            "-y",
            str(path),
        ],
        check=True,
        timeout=30,
    )
    with make_source(str(path)) as src:
        frames = [src.read() for _ in range(25)]
    assert frames[-1].shape == (120, 160, 3)


def test_synthetic_source_is_paced() -> None:
    src = make_source("synthetic://k?fps=20&width=160&height=90")
    with src:
        started = time.monotonic()
        frames = [src.read() for _ in range(10)]
        assert time.monotonic() - started > 0.3
    assert all(f.shape == (90, 160, 3) and f.dtype == np.uint8 for f in frames)
    with pytest.raises(SourceError, match="not open"):
        src.read()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("rtsp://admin:s3cret@10.0.0.5:554/Streaming/101", "rtsp://admin:***@10.0.0.5:554/Streaming/101"),
        ("rtsp://admin@10.0.0.5/x", "rtsp://admin:***@10.0.0.5/x"),
        ("http://10.0.0.5/video.mjpg", "http://10.0.0.5/video.mjpg"),
        ("/videos/a@b.mp4", "/videos/a@b.mp4"),
        ("rtsp://u:p@ss@host/x", "rtsp://u:***@host/x"),
        ("synthetic://kitchen?script=cover@6+10", "synthetic://kitchen?script=cover@6+10"),
        ("http://cam/x.mjpg?next=a@b", "http://cam/x.mjpg?next=a@b"),
    ],
)
def test_redact_hides_passwords(url: str, expected: str) -> None:
    assert redact(url) == expected


def test_errors_never_carry_the_password(dead_port: int) -> None:
    with pytest.raises(SourceError) as info:
        make_source(f"http://admin:s3cret@127.0.0.1:{dead_port}/x.mjpg").open()
    assert "s3cret" not in str(info.value)
    with pytest.raises(SourceError) as info:
        make_source("gopher://admin:s3cret@host/x")
    assert "s3cret" not in str(info.value)
