"""RTSP cameras served by GStreamer (system python with gi): H.264, H.265, MJPEG, credentials, wrong paths."""

import pytest

from core.broker import free_port
from ingest.backoff import BackoffPolicy
from ingest.picture import CameraJpeg, as_bgr
from ingest.reader import CameraReader
from ingest.sources import SourceError, make_source
from ingest.sources.capture import CaptureSource
from tests.ingest.conftest import RtspServer, gst_rtsp_available, wait_for


@pytest.fixture
def rtsp_url(rtsp_server: RtspServer) -> str:
    port = free_port()
    rtsp_server(port)
    return f"rtsp://127.0.0.1:{port}/live"


def test_rtsp_source_reads_frames(rtsp_url: str) -> None:
    with make_source(rtsp_url) as src:
        frames = [src.read() for _ in range(5)]
    assert frames[-1].shape == (240, 320, 3)


def test_rtsp_h265(rtsp_server: RtspServer) -> None:
    if not gst_rtsp_available("x265enc"):
        pytest.skip("GStreamer's x265enc is not installed")
    port = free_port()
    rtsp_server(port, "--codec", "h265", "--size", "352x288")
    with make_source(f"rtsp://127.0.0.1:{port}/live") as src:
        frames = [src.read() for _ in range(5)]
    assert frames[-1].shape == (288, 352, 3)


def test_rtsp_mjpeg_passes_through(rtsp_server: RtspServer) -> None:
    if not gst_rtsp_available("jpegenc"):
        pytest.skip("GStreamer's jpegenc is not installed")
    port = free_port()
    rtsp_server(port, "--codec", "mjpeg")
    src = make_source(f"rtsp://127.0.0.1:{port}/live")
    assert isinstance(src, CaptureSource)
    with src:
        pictures = []
        for _ in range(5):
            src.grab()
            pictures.append(src.retrieve())
        assert src.passthrough
    assert all(isinstance(p, CameraJpeg) and (p.width, p.height) == (320, 240) for p in pictures)
    assert as_bgr(pictures[-1]).shape == (240, 320, 3)  # RTP/JPEG made whole again: a JPEG any decoder reads


def test_rtsp_credentials(rtsp_server: RtspServer) -> None:
    port = free_port()
    rtsp_server(port, "--auth", "admin:s3cret")
    with make_source(f"rtsp://admin:s3cret@127.0.0.1:{port}/live") as src:
        assert src.read().shape == (240, 320, 3)
    for url, why in [
        (f"rtsp://admin:wrong@127.0.0.1:{port}/live", "the credentials in the URL were refused"),
        (f"rtsp://127.0.0.1:{port}/live", "the URL has no credentials"),
    ]:
        with pytest.raises(SourceError) as info:
            make_source(url).open()
        assert info.value.reason == "authentication refused"
        assert why in str(info.value) and "wrong" not in str(info.value)
        assert not info.value.permanent  # the camera's password may be fixed on the camera side


def test_rtsp_reader_and_wrong_path(rtsp_url: str) -> None:
    reader = CameraReader("rtsp-cam", rtsp_url, backoff=BackoffPolicy(initial_s=0.1, max_s=0.5))
    wrong = CameraReader(
        "rtsp-wrong", rtsp_url.replace("/live", "/nothing"), backoff=BackoffPolicy(initial_s=0.1, max_s=0.5)
    )
    reader.start()
    wrong.start()
    try:
        wait_for(lambda: reader.stats().frames_read >= 10, timeout_s=20, what="RTSP frames")
        seen = []
        wait_for(lambda: seen.extend(wrong.drain_transitions()) or seen, timeout_s=20, what="the wrong path offline")
        assert seen[0].state == "offline"
        assert seen[0].reason.startswith("not a video stream") and "404" in seen[0].reason
        assert reader.stats().connected
    finally:
        assert reader.stop(10) and wrong.stop(10)
