"""Find out why a network camera could not be opened, after OpenCV said only "could not open".

One small request in the camera's own protocol (RTSP DESCRIBE, HTTP GET) tells a refused
password, a wrong path, a web page and a server that answers garbage apart. Each check raises
:class:`SourceError` with the user-facing reason, or returns when it learned nothing specific.
"""

import base64
import http.client
import socket
import ssl
from urllib.parse import unquote, urlsplit

from ingest.sources.base import SourceError, redact

PROBE_TIMEOUT_S = 3.0
VIDEO_CONTENT_TYPES = ("multipart/", "image/", "video/", "application/octet-stream")


def check_reachable(host: str, port: int, timeout_s: float = PROBE_TIMEOUT_S) -> None:
    """Raise SourceError("cannot connect") if nothing accepts a TCP connection at host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            pass
    except OSError as exc:
        raise SourceError("cannot connect", f"{host}:{port}: {exc.strerror or exc}") from exc


def _basic_auth(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.username is None:
        return None
    pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
    return "Basic " + base64.b64encode(pair.encode()).decode()


def _without_credentials(url: str) -> str:
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    return parts._replace(netloc=netloc).geturl()


def _refused(url: str, status: str) -> SourceError:
    has_credentials = urlsplit(url).username is not None
    why = "the credentials in the URL were refused" if has_credentials else "the URL has no credentials"
    return SourceError("authentication refused", f"{redact(url)} answered {status}: {why}")


def explain_rtsp(url: str, host: str, port: int) -> None:
    """Send one RTSP DESCRIBE (with Basic credentials when the URL has some) and judge the answer."""
    check_reachable(host, port)
    lines = [
        f"DESCRIBE {_without_credentials(url)} RTSP/1.0",
        "CSeq: 1",
        "Accept: application/sdp",
        "User-Agent: brightkitchen-probe",
    ]
    auth = _basic_auth(url)
    if auth:
        lines.append(f"Authorization: {auth}")
    try:
        with socket.create_connection((host, port), timeout=PROBE_TIMEOUT_S) as sock:
            sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
            answer = sock.recv(1024)
    except OSError:
        return  # nothing specific learned; the caller reports the generic reason
    status_line = answer.split(b"\r\n", 1)[0].decode("latin-1", "replace")
    words = status_line.split(" ", 2)
    if len(words) < 2 or not words[0].startswith("RTSP/") or not words[1].isdigit():
        raise SourceError(
            "not a video stream", f"{host}:{port} does not speak RTSP (no RTSP status line in its answer)"
        )
    code, status = int(words[1]), " ".join(words[1:])
    if code in (401, 403):
        raise _refused(url, status)
    if code >= 400:
        raise SourceError("not a video stream", f"{redact(url)} answered RTSP {status}")


def explain_http(url: str, host: str, port: int) -> None:
    """Send one HTTP GET and judge the status and content type (a login page is not a camera)."""
    check_reachable(host, port)
    parts = urlsplit(url)
    conn: http.client.HTTPConnection
    if parts.scheme == "https":
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # cameras use self-signed certs
        conn = http.client.HTTPSConnection(host, port, timeout=PROBE_TIMEOUT_S, context=context)
    else:
        conn = http.client.HTTPConnection(host, port, timeout=PROBE_TIMEOUT_S)
    headers = {"User-Agent": "brightkitchen-probe"}
    auth = _basic_auth(url)
    if auth:
        headers["Authorization"] = auth
    try:
        conn.request("GET", (parts.path or "/") + (f"?{parts.query}" if parts.query else ""), headers=headers)
        response = conn.getresponse()
        code, status = response.status, f"{response.status} {response.reason}"
        content_type = (response.getheader("Content-Type") or "").lower()
    except http.client.HTTPException as exc:
        raise SourceError("not a video stream", f"{host}:{port} does not speak HTTP ({type(exc).__name__})") from exc
    except OSError:
        return
    finally:
        conn.close()
    if code in (401, 403):
        raise _refused(url, f"HTTP {status}")
    if code >= 400:
        raise SourceError("not a video stream", f"{redact(url)} answered HTTP {status}")
    if not content_type.startswith(VIDEO_CONTENT_TYPES):
        raise SourceError("not a video stream", f"{redact(url)} serves {content_type or 'no content type'}, not video")
