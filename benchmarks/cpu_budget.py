"""A fixed CPU budget per process: one cgroup each, with a CFS quota (``e2e_load.py --detector-cpu``).

On a machine with fewer cores than the processes under test (two detectors next to the broker,
ingest and api on two cores) the scaling of the detector group cannot be seen directly: the
detectors share whatever the other roles leave. Giving each detector its own quota of, say, 0.4 of a
core is a machine with a 0.4-core detector CPU per detector process: two detectors get twice the
budget of one, as two detector cores would.

cgroup v2 (``/sys/fs/cgroup/cgroup.controllers`` exists): ``cpu.max`` = "QUOTA PERIOD"; cgroup v1:
``/sys/fs/cgroup/cpu/<group>/cpu.cfs_quota_us``. Needs root (or a delegated hierarchy). The groups
are removed on :meth:`CpuBudget.close` (a ``with`` block), after moving any process still in
them back to the root group.
"""

import contextlib
import os
import time
from pathlib import Path
from types import TracebackType

ROOT = Path("/sys/fs/cgroup")
PERIOD_US = 100_000


class CpuBudgetError(RuntimeError):
    """No writable cgroup CPU controller, or a quota that cannot be set."""


class CpuBudget:
    """``with CpuBudget(0.4) as budget: budget.limit("detect-1", pid)``; one group per name."""

    def __init__(self, fraction: float, root: Path = ROOT, prefix: str | None = None) -> None:
        if not 0.01 <= fraction <= (os.cpu_count() or 1):
            raise CpuBudgetError(f"a CPU budget is a fraction of cores in [0.01, {os.cpu_count()}], got {fraction}")
        self.fraction = fraction
        self.v2 = (root / "cgroup.controllers").exists()
        self.base = root if self.v2 else root / "cpu"
        self.prefix = prefix or f"bk-load-{os.getpid()}"
        self.groups: dict[str, Path] = {}
        self._check()

    def _check(self) -> None:
        probe = "probe"
        try:
            self._group(probe)
        except OSError as exc:
            kind = "v2 cpu.max" if self.v2 else "v1 cpu.cfs_quota_us"
            raise CpuBudgetError(
                f"--detector-cpu needs a writable cgroup CPU controller (cgroup {kind} under {self.base}): {exc}. "
                "Run as root on a host with cgroups (in a container: a writable /sys/fs/cgroup), or drop the flag."
            ) from exc
        finally:
            self._remove(probe)

    def _group(self, name: str) -> Path:
        if name in self.groups:
            return self.groups[name]
        if self.v2:
            controllers = (self.base / "cgroup.subtree_control").read_text().split()
            if "cpu" not in controllers:
                (self.base / "cgroup.subtree_control").write_text("+cpu")
        path = self.base / f"{self.prefix}-{name}"
        self.groups[name] = path
        path.mkdir(exist_ok=True)
        quota = round(self.fraction * PERIOD_US)
        if self.v2:
            (path / "cpu.max").write_text(f"{quota} {PERIOD_US}")
        else:
            (path / "cpu.cfs_period_us").write_text(str(PERIOD_US))
            (path / "cpu.cfs_quota_us").write_text(str(quota))
        return path

    def limit(self, name: str, pid: int) -> None:
        """Put process ``pid`` (all its threads, and children it starts later) in group ``name``."""
        try:
            (self._group(name) / "cgroup.procs").write_text(str(pid))
        except OSError as exc:
            raise CpuBudgetError(f"could not put pid {pid} in cgroup {self.prefix}-{name}: {exc}") from exc

    def throttled(self, name: str) -> dict[str, float]:
        """CFS statistics of group ``name``: periods run, share of them throttled, seconds throttled."""
        with contextlib.suppress(OSError, KeyError):
            stat = dict(line.split() for line in (self.groups[name] / "cpu.stat").read_text().splitlines())
            periods, throttled = int(stat["nr_periods"]), int(stat["nr_throttled"])
            seconds = int(stat["throttled_usec"]) / 1e6 if self.v2 else int(stat["throttled_time"]) / 1e9
            return {
                "periods": periods,
                "throttled_pct": round(100 * throttled / max(1, periods), 1),
                "throttled_s": round(seconds, 1),
            }
        return {}

    def _remove(self, name: str) -> None:
        path = self.groups.pop(name, None)
        if path is None or not path.exists():
            return
        for _ in range(50):  # a process just killed leaves its group a moment later
            with contextlib.suppress(OSError):
                for pid in (path / "cgroup.procs").read_text().split():
                    with contextlib.suppress(OSError):
                        (self.base / "cgroup.procs").write_text(pid)
            try:
                path.rmdir()
                return
            except OSError:
                time.sleep(0.1)
        print(f"warning: could not remove cgroup {path}; remove it with rmdir", flush=True)

    def close(self) -> None:
        for name in list(self.groups):
            self._remove(name)

    def __enter__(self) -> "CpuBudget":
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
