"""Sources read with OpenCV's FFmpeg backend: RTSP, HTTP(S) MJPEG, video files and devices.

RTSP opens get low-latency demuxer options (without them the first ~20 frames carry ~1.2 s of
backlog). OpenCV reads them from the environment at each open, and they break files (an H.264
file with B-frames gives no picture at all, MJPEG loses its last frame), so they are set only
while RTSP opens run. Opens that want the same options run concurrently (one camera timing out
must not hold back the others); only opens that want different options wait for each other.
"""

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import cv2
import numpy as np

from ingest.errors import CorruptPicture
from ingest.picture import Picture, as_bgr
from ingest.sources.base import Pacer, Source, SourceError, redact
from ingest.sources.jpeg_packets import JPEG_FOURCCS, fourcc, packet_jpeg, start_packets
from ingest.sources.probe import check_reachable, explain_http, explain_rtsp

FFMPEG_OPTIONS = "rtsp_transport;tcp|fflags;nobuffer|flags;low_delay|max_delay;0"
OPEN_TIMEOUT_MS = 5000
READ_TIMEOUT_MS = 5000


_ENV = "OPENCV_FFMPEG_CAPTURE_OPTIONS"


class _OptionsGate:
    """Admits FFmpeg opens by the capture options they need: any number with the same options at
    once, none with other options meanwhile. The operator's own setting always wins."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._low_latency = False
        self._active = 0
        self._operator_value: str | None = None

    @contextlib.contextmanager
    def hold(self, low_latency: bool) -> Iterator[None]:
        with self._cond:
            while self._active and self._low_latency != low_latency:
                self._cond.wait()
            if not self._active:
                self._operator_value = os.environ.get(_ENV)
                self._low_latency = low_latency
                if low_latency and self._operator_value is None:
                    os.environ[_ENV] = FFMPEG_OPTIONS
            self._active += 1
        try:
            yield
        finally:
            with self._cond:
                self._active -= 1
                if not self._active:
                    if self._operator_value is None:
                        os.environ.pop(_ENV, None)
                    self._cond.notify_all()


_GATE = _OptionsGate()


def open_ffmpeg(target: str, low_latency: bool) -> cv2.VideoCapture:
    """cv2.VideoCapture(CAP_FFMPEG) with open/read timeouts; ``low_latency`` adds the RTSP
    options unless the operator set OPENCV_FFMPEG_CAPTURE_OPTIONS themselves."""
    params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, OPEN_TIMEOUT_MS, cv2.CAP_PROP_READ_TIMEOUT_MSEC, READ_TIMEOUT_MS]
    if low_latency:
        # FFmpeg's frame-threaded decoding holds each picture back (threads - 1) frame intervals:
        # 67 ms of the 139 ms a 15 fps RTSP stream took here from capture to cv2.read().
        params += [cv2.CAP_PROP_N_THREADS, 1]
    with _GATE.hold(low_latency):
        return cv2.VideoCapture(target, cv2.CAP_FFMPEG, params)


def _check_frame(frame: np.ndarray | None) -> np.ndarray | None:
    if frame is None or frame.size == 0 or frame.ndim != 3:
        return None
    return frame


def _plausible_fps(value: float) -> float | None:
    return value if 1.0 <= value <= 120.0 else None


class CaptureSource(Source):
    """A stream opened with cv2.VideoCapture(CAP_FFMPEG). Subclasses say what to open and how
    to tell "cannot connect" from "not a video stream". MJPEG streams are read as the camera's
    JPEGs (see :mod:`ingest.sources.jpeg_packets`), everything else as decoded BGR pictures."""

    JPEG_PACKETS = True  # may this backend hand out an MJPEG stream's packets

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self._cap: cv2.VideoCapture | None = None
        self._first = False  # open() took the first picture in already
        self._packets = False
        self._fps: float | None = None

    def _target(self) -> str:
        return self.url

    def _precheck(self) -> None:
        """Raise a specific SourceError before OpenCV hides the cause behind "could not open"."""

    def _explain_failure(self) -> None:
        """After OpenCV could not open the stream: raise a more specific SourceError if we can."""

    def _open_capture(self) -> cv2.VideoCapture:
        return open_ffmpeg(self._target(), low_latency=urlsplit(self.url).scheme in {"rtsp", "rtsps"})

    def _connect(self) -> cv2.VideoCapture:
        self.close()
        self._precheck()
        cap = self._open_capture()
        if not cap.isOpened():
            cap.release()
            self._explain_failure()
            raise SourceError("not a video stream", f"OpenCV/FFmpeg could not open {redact(self.url)}")
        self._cap = cap
        self._fps = _plausible_fps(float(cap.get(cv2.CAP_PROP_FPS) or 0.0))
        return cap

    def open(self) -> None:
        cap = self._connect()
        if self.JPEG_PACKETS and fourcc(cap) in JPEG_FOURCCS:
            first = start_packets(cap, redact(self.url))
            if first is not None:
                self._held, self._first, self._packets = first, True, True
                return
            cap = self._connect()
        ok, frame = cap.read()
        image = _check_frame(frame) if ok else None
        if image is None:
            self.close()
            raise SourceError("not a video stream", f"{redact(self.url)} opened but gave no picture")
        self._held, self._first = image, True

    @property
    def passthrough(self) -> bool:
        """True while pictures come as the camera's JPEGs."""
        return self._packets

    def grab(self) -> None:
        if self._cap is None:
            raise SourceError("not open", redact(self.url))
        if self._first:
            self._first = False
            return
        self._held = None
        if not self._cap.grab():
            raise SourceError("stream ended", f"no picture from {redact(self.url)}")

    def retrieve(self) -> Picture:
        if self._held is not None:
            return self._held
        if self._cap is None:
            raise SourceError("not open", redact(self.url))
        if self._packets:
            picture: Picture = packet_jpeg(*self._cap.retrieve())
        else:
            ok, frame = self._cap.retrieve()
            image = _check_frame(frame) if ok else None
            if image is None:
                raise CorruptPicture("the decoder gave no picture for this frame")
            picture = image
        self._held = picture  # a second retrieve() of the same grab gives the same picture
        return picture

    def read(self) -> np.ndarray:
        self.grab()
        return as_bgr(self.retrieve())

    def close(self) -> None:
        cap, self._cap = self._cap, None
        self._held, self._first, self._packets = None, False, False
        if cap is not None:
            cap.release()

    @property
    def nominal_fps(self) -> float | None:
        return self._fps


class NetworkSource(CaptureSource):
    """rtsp:// and http(s):// cameras. A failed open is explained by one request in the camera's
    protocol: "cannot connect", "authentication refused" or "not a video stream" with details."""

    DEFAULT_PORTS: ClassVar[dict[str, int]] = {"rtsp": 554, "rtsps": 322, "http": 80, "https": 443}

    def _precheck(self) -> None:
        """RTSP: fail fast on a dead host instead of waiting for FFmpeg's open timeout. HTTP is
        checked only after a failed open: some MJPEG servers serve a single client, and a probe
        would be it."""
        host, port = self._address()
        if self._is_rtsp():
            check_reachable(host, port)

    def _explain_failure(self) -> None:
        host, port = self._address()
        if self._is_rtsp():
            explain_rtsp(self.url, host, port)
        else:
            explain_http(self.url, host, port)

    def _is_rtsp(self) -> bool:
        return urlsplit(self.url).scheme.lower() in {"rtsp", "rtsps"}

    def _address(self) -> tuple[str, int]:
        parts = urlsplit(self.url)
        if not parts.hostname:
            raise SourceError("bad URL", f"{redact(self.url)!r} has no host", permanent=True)
        try:
            return parts.hostname, parts.port or self.DEFAULT_PORTS[parts.scheme.lower()]
        except ValueError as exc:
            raise SourceError("bad URL", f"{redact(self.url)!r}: {exc}", permanent=True) from exc


class FileSource(CaptureSource):
    """A video file (file:// URL or plain path), paced at its native rate; ``?loop=1`` replays it."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        parts = urlsplit(url)
        if parts.scheme == "file":
            self.path = Path(parts.path)
            options = parse_qs(parts.query)
        else:
            self.path, options = Path(url), {}
        self.loop = options.get("loop", ["0"])[-1] in {"1", "true", "yes"}
        self._pacer: Pacer | None = None

    def _target(self) -> str:
        return str(self.path)

    def _precheck(self) -> None:
        if not self.path.is_file():
            raise SourceError("file not found", str(self.path))

    def open(self) -> None:
        super().open()
        self._pacer = Pacer(self._fps or 25.0)

    def grab(self) -> None:
        if self._pacer is not None:
            self._pacer.wait()
        try:
            super().grab()
            return
        except SourceError:
            if self._cap is None:
                raise
            if not self.loop:
                raise SourceError("stream ended", f"end of {self.path}") from None
        self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
        try:
            super().grab()
        except SourceError:
            raise SourceError("stream ended", f"end of {self.path}") from None


class DeviceSource(CaptureSource):
    """A local capture device such as /dev/video0 (V4L2)."""

    JPEG_PACKETS = False  # V4L2 has no raw packet mode; it decodes MJPEG webcams itself

    def _precheck(self) -> None:
        if not Path(self.url).exists():
            raise SourceError("device not found", self.url)

    def _open_capture(self) -> cv2.VideoCapture:
        return cv2.VideoCapture(self.url, cv2.CAP_V4L2)
