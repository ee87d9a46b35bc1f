"""Memory of `brightkitchen up`: the resident memory of the broker and every role, and a warning
before the total nears the configured ceiling (the embedded broker holds the bus in memory)."""

import contextlib
from dataclasses import dataclass, field

import psutil

WARN_AT = 0.8


def rss_bytes(pid: int) -> int:
    """Resident memory of a process and its children; 0 once it is gone."""
    try:
        proc = psutil.Process(pid)
        total = int(proc.memory_info().rss)
        for child in proc.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                total += int(child.memory_info().rss)
        return total
    except psutil.Error:
        return 0


@dataclass
class MemoryWatch:
    """Samples named processes; says when the total crosses WARN_AT of the ceiling."""

    ceiling_mb: int
    warned: bool = field(default=False)

    def sample(self, pids: dict[str, int]) -> dict[str, int]:
        return {name: rss_bytes(pid) for name, pid in pids.items()}

    def report(self, sample: dict[str, int]) -> tuple[str, str | None]:
        """A one-line summary, and a warning the first time the total nears the ceiling."""
        total = sum(sample.values())
        parts = " ".join(f"{name} {rss / 2**20:.0f}" for name, rss in sample.items())
        line = f"memory: {total / 2**20:.0f} MiB of {self.ceiling_mb} MiB ceiling ({parts})"
        warning = None
        if total >= WARN_AT * self.ceiling_mb * 2**20 and not self.warned:
            self.warned = True
            warning = (f"WARNING: memory at {total / 2**20:.0f} MiB, {100 * total / (self.ceiling_mb * 2**20):.0f}% "
                       f"of the {self.ceiling_mb} MiB ceiling (BK_MEMORY_CEILING_MB); lower BK_FRAME_RETENTION_S "
                       "or the number of cameras")
        elif total < 0.7 * self.ceiling_mb * 2**20:
            self.warned = False
        return line, warning
