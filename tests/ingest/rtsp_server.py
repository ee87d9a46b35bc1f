"""A tiny RTSP server for tests, run with the SYSTEM python (/usr/bin/python3 has GStreamer's
``gi``; the project venv does not): ``/usr/bin/python3 rtsp_server.py PORT``.

Serves a live 320x240 10 fps H.264 test pattern at rtsp://127.0.0.1:PORT/live and prints
"ready" once listening. Not imported by the test suite.
"""

import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

PIPELINE = (
    "( videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=10/1 "
    "! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=10 ! rtph264pay name=pay0 pt=96 )"
)


def main() -> None:
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(sys.argv[1])
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(PIPELINE)
    factory.set_shared(True)
    server.get_mount_points().add_factory("/live", factory)
    if server.attach(None) == 0:
        sys.exit("could not listen")
    print("ready", flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
