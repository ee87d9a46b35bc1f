"""A tiny RTSP server for tests and benchmarks, run with the SYSTEM python (/usr/bin/python3 has
GStreamer's ``gi``; the project venv does not)::

    /usr/bin/python3 rtsp_server.py PORT [--codec h264|h265|mjpeg] [--auth USER:PASS] [--stamp]
                                         [--size 320x240] [--fps 10]

Serves a live test pattern at rtsp://127.0.0.1:PORT/live and prints "ready" once listening.
``--auth`` requires HTTP Basic credentials. ``--stamp`` serves pictures made here instead, each
carrying the wall-clock epoch milliseconds of its making as a bar code (see :func:`stamp`), so a
benchmark can measure capture-to-publish latency from the published JPEG alone. Not imported by
the test suite (the bar code layout is duplicated in benchmarks/ingest_latency.py).
"""

import argparse
import sys
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

ENCODERS = {
    "h264": "x264enc tune=zerolatency speed-preset=ultrafast key-int-max={gop} ! rtph264pay name=pay0 pt=96",
    "h265": "x265enc tune=zerolatency speed-preset=ultrafast key-int-max={gop} ! rtph265pay name=pay0 pt=96",
    # RTP/JPEG (RFC 2435) carries 4:2:0 and 4:2:2 only
    "mjpeg": "videoconvert ! video/x-raw,format=I420 ! jpegenc quality=80 ! rtpjpegpay name=pay0 pt=26",
}
STAMP_BITS = 48
STAMP_COLUMNS = 24  # two rows of 24 blocks across the top quarter of the picture


def stamp(image, ms):  # type: ignore[no-untyped-def]
    """Draw ``ms`` as 48 black/white blocks (MSB first, two rows of 24) over the top quarter."""
    h, w = image.shape[:2]
    bw, bh = w // STAMP_COLUMNS, h // 8
    for bit in range(STAMP_BITS):
        row, col = divmod(bit, STAMP_COLUMNS)
        value = 255 if (ms >> (STAMP_BITS - 1 - bit)) & 1 else 0
        image[row * bh : (row + 1) * bh, col * bw : (col + 1) * bw] = value


def _stamped_source(media: GstRtspServer.RTSPMedia, width: int, height: int, fps: int) -> None:
    import numpy as np

    appsrc = media.get_element().get_child_by_name("src")
    appsrc.set_property(
        "caps", Gst.Caps.from_string(f"video/x-raw,format=BGR,width={width},height={height},framerate={fps}/1")
    )
    background = np.full((height, width, 3), 90, np.uint8)
    n = [0]

    def push() -> bool:
        image = background.copy()
        x = (n[0] * 8) % (width - 40)
        image[height // 2 : height // 2 + 40, x : x + 40] = (40, 200, 240)
        n[0] += 1
        stamp(image, int(time.time() * 1000))
        result = appsrc.emit("push-buffer", Gst.Buffer.new_wrapped(image.tobytes()))
        return bool(result == Gst.FlowReturn.OK)

    GLib.timeout_add(max(1, round(1000 / fps)), push)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("port")
    parser.add_argument("--codec", choices=sorted(ENCODERS), default="h264")
    parser.add_argument("--auth", help="USER:PASS required with HTTP Basic")
    parser.add_argument("--stamp", action="store_true", help="stamp the wall-clock ms into each picture")
    parser.add_argument("--size", default="320x240")
    parser.add_argument("--fps", type=int, default=10)
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(args.port)
    factory = GstRtspServer.RTSPMediaFactory()
    encode = ENCODERS[args.codec].format(gop=args.fps)
    if args.stamp:
        source = (
            "appsrc name=src is-live=true do-timestamp=true format=time block=false max-bytes=0 "
            "! videoconvert ! video/x-raw,format=I420"
        )
        factory.connect("media-configure", lambda _f, media: _stamped_source(media, width, height, args.fps))
    else:
        source = (
            f"videotestsrc is-live=true pattern=ball ! video/x-raw,width={width},height={height},framerate={args.fps}/1"
        )
    factory.set_launch(f"( {source} ! {encode} )")
    factory.set_shared(True)
    if args.auth:
        user, _, password = args.auth.partition(":")
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", "user")
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(user, password), token)
        server.set_auth(auth)
        permissions = GstRtspServer.RTSPPermissions()
        permissions.add_permission_for_role("user", "media.factory.access", True)
        permissions.add_permission_for_role("user", "media.factory.construct", True)
        factory.set_permissions(permissions)
    server.get_mount_points().add_factory("/live", factory)
    if server.attach(None) == 0:
        sys.exit("could not listen")
    print("ready", flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
