"""Misbehaving camera servers written in Python, for failure tests: an HTTP MJPEG camera that
can freeze (socket open, nothing sent) or slow down, an HTTP endpoint that serves HTML, and a
TCP server that answers random bytes. Each runs on daemon threads on 127.0.0.1."""

import contextlib
import os
import socket
import socketserver
import threading
import time
from typing import Literal

import cv2
import numpy as np

Kind = Literal["mjpeg", "html", "garbage"]
BOUNDARY = "bkframe"


class _Handler(socketserver.BaseRequestHandler):
    server: "_TCPServer"

    def handle(self) -> None:
        owner = self.server.owner
        owner.clients.add(self.request)
        try:
            if owner.kind == "garbage":
                self._garbage()
            else:
                self._read_request()
                if owner.kind == "html":
                    self._html()
                else:
                    self._mjpeg()
        except OSError:
            pass  # the client went away or the server was stopped
        finally:
            owner.clients.discard(self.request)

    def _read_request(self) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.request.recv(4096)
            if not chunk:
                raise ConnectionResetError("client closed before its request ended")
            data += chunk

    def _garbage(self) -> None:
        owner = self.server.owner
        while not owner.stopped.is_set():
            self.request.sendall(os.urandom(4096))
            time.sleep(0.05)

    def _html(self) -> None:
        body = b"<!doctype html><html><head><title>IP Camera</title></head><body>Login</body></html>"
        head = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        self.request.sendall(head.encode() + body)

    def _mjpeg(self) -> None:
        owner = self.server.owner
        self.request.sendall(
            f"HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace;boundary={BOUNDARY}\r\n"
            "Cache-Control: no-cache\r\nConnection: close\r\n\r\n".encode()
        )
        n = 0
        while not owner.stopped.is_set():
            if not owner.flowing.wait(0.05):
                continue  # frozen: keep the socket open, send nothing
            jpeg = owner.picture(n)
            n += 1
            self.request.sendall(
                f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: {len(jpeg)}\r\n\r\n".encode()
                + jpeg
                + b"\r\n"
            )
            time.sleep(1.0 / owner.fps)


class _TCPServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    owner: "StreamServer"


class StreamServer:
    """Serve ``kind`` on ``port`` (0: any free port) until :meth:`stop`. For MJPEG, ``fps`` may be
    changed while it runs and :attr:`flowing` cleared to freeze the picture."""

    def __init__(
        self, kind: Kind = "mjpeg", port: int = 0, fps: float = 20.0, size: tuple[int, int] = (320, 240)
    ) -> None:
        self.kind = kind
        self.fps = fps
        self.size = size
        self.flowing = threading.Event()
        self.flowing.set()
        self.stopped = threading.Event()
        self.clients: set[socket.socket] = set()
        self._server = _TCPServer(("127.0.0.1", port), _Handler)
        self._server.owner = self
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/video.mjpg"

    def picture(self, n: int) -> bytes:
        w, h = self.size
        img = np.zeros((h, w, 3), np.uint8)
        img[:, :, 1] = 60
        x = (n * 7) % max(1, w - 40)
        img[h // 3 : h // 3 + 40, x : x + 40] = 255
        ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 70])
        assert ok
        return buf.tobytes()

    def stop(self) -> None:
        """Close the listener and every open connection, like a camera losing power."""
        self.stopped.set()
        self._server.shutdown()
        self._server.server_close()
        for client in list(self.clients):
            with contextlib.suppress(OSError):
                client.shutdown(socket.SHUT_RDWR)
            client.close()
        self._thread.join(5)

    def __enter__(self) -> "StreamServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
