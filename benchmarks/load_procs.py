"""A role of the load benchmark as its own process (``python -m brightkitchen.cli ROLE``), with
its CPU time and peak memory sampled from outside."""

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil


class Proc:
    """``python -m brightkitchen.cli ROLE`` with its own environment and log file."""

    def __init__(self, role: str, env: dict[str, str], logs: Path, name: str) -> None:
        self.name = name
        self.log_path = logs / f"{name}.log"
        out = open(self.log_path, "wb")  # noqa: SIM115 - the child owns it
        self.proc = subprocess.Popen([sys.executable, "-m", "brightkitchen.cli", role], env={**os.environ, **env},
                                     stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        out.close()
        self.ps = psutil.Process(self.proc.pid)
        self.ps.cpu_percent(None)
        self.cpu_s0 = sum(self.ps.cpu_times()[:2])
        self.peak_rss = 0
        self.cpu_s = 0.0

    def sample(self) -> None:
        with contextlib.suppress(psutil.Error):
            self.peak_rss = max(self.peak_rss, self.ps.memory_info().rss)
            self.cpu_s = sum(self.ps.cpu_times()[:2]) - self.cpu_s0

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
