"""synthetic:// cameras: the rendered kitchen, paced at its fps in real time."""

import time

import numpy as np

from ingest.errors import SyntheticUrlError
from ingest.sources.base import Pacer, Source, SourceError
from ingest.synthetic import SyntheticSpec, parse_synthetic_url, render


class SyntheticSource(Source):
    """Renders ``render(spec, t)`` with t = seconds since :meth:`open`."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        try:
            self.spec: SyntheticSpec = parse_synthetic_url(url)
        except SyntheticUrlError as exc:
            raise SourceError("bad synthetic URL", str(exc), permanent=True) from exc
        self._start: float | None = None
        self._pacer = Pacer(self.spec.fps)

    def open(self) -> None:
        self._start = time.monotonic()
        self._pacer = Pacer(self.spec.fps)

    def read(self) -> np.ndarray:
        if self._start is None:
            raise SourceError("not open", self.url)
        self._pacer.wait()
        return render(self.spec, time.monotonic() - self._start)

    def close(self) -> None:
        self._start = None

    @property
    def nominal_fps(self) -> float | None:
        return self.spec.fps
