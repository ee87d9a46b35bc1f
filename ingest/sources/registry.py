"""The one registry that maps a camera URL to its :class:`Source` implementation."""

from collections.abc import Callable
from urllib.parse import urlsplit

from ingest.sources.base import Source, SourceError, redact
from ingest.sources.capture import DeviceSource, FileSource, NetworkSource
from ingest.sources.synthetic import SyntheticSource

SourceFactory = Callable[[str], Source]

SCHEMES: dict[str, SourceFactory] = {
    "rtsp": NetworkSource,
    "rtsps": NetworkSource,
    "http": NetworkSource,
    "https": NetworkSource,
    "file": FileSource,
    "synthetic": SyntheticSource,
}


def make_source(url: str) -> Source:
    """The (not yet opened) source for ``url``; SourceError(permanent) for a URL we cannot read."""
    if not url.strip():
        raise SourceError("bad URL", "the camera URL is empty", permanent=True)
    if url.startswith("/dev/video"):
        return DeviceSource(url)
    scheme = urlsplit(url).scheme.lower()
    if not scheme or url.startswith(("/", ".")):
        return FileSource(url)  # a plain path
    factory = SCHEMES.get(scheme)
    if factory is None:
        raise SourceError(
            "unsupported URL",
            f"{redact(url)!r}: scheme {scheme!r} is not one of {sorted(SCHEMES)}, /dev/videoN or a file path",
            permanent=True,
        )
    return factory(url)
