"""Child processes that never outlive their parent, and signal-driven shutdown."""

import asyncio
import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def child_preexec() -> None:
    """Run in a child before exec: die with SIGTERM when the parent dies (Linux), so a crash
    of the parent leaves no orphan broker or role behind."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    os.setpgid(0, 0)


def stop_event_on_signals() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM, for a role's main loop to wait on."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop
