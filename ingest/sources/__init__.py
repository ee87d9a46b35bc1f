"""Camera sources behind one interface, chosen by URL scheme in :mod:`ingest.sources.registry`."""

from ingest.sources.base import Source, SourceError, redact
from ingest.sources.registry import SCHEMES, make_source

__all__ = ["SCHEMES", "Source", "SourceError", "make_source", "redact"]
