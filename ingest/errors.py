"""The base exception of the ingest role and its subclasses."""

from core.errors import BrightKitchenError


class IngestError(BrightKitchenError):
    """Base class of every error raised on purpose by ``ingest``."""


class SyntheticUrlError(IngestError):
    """A ``synthetic://`` URL is malformed; the text names the parameter and what was expected."""


class SourceError(IngestError):
    """A camera source failed. ``reason`` is short and user-facing ("cannot connect",
    "stream ended", ...); ``permanent`` errors (a bad URL) are not worth retrying."""

    def __init__(self, reason: str, detail: str = "", *, permanent: bool = False) -> None:
        self.reason = reason
        self.detail = detail
        self.permanent = permanent
        super().__init__(f"{reason}: {detail}" if detail else reason)


class CorruptPicture(IngestError):
    """One picture from a camera cannot be used (a damaged or truncated JPEG); the stream and
    its reader go on with the next one."""
