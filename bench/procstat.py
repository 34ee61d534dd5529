"""Server CPU time and memory read from /proc (Linux), without extra libraries."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class ProcSample:
    """CPU seconds used so far (user + system, all threads) and memory of one process."""

    cpu_seconds: float
    rss_mb: float
    peak_rss_mb: float


def sample(pid: int) -> ProcSample:
    """Read a process's CPU time (stat) and current and peak resident memory (status)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    # The command name may hold spaces and parentheses: fields count from the last ")".
    fields = stat[stat.rindex(")") + 2 :].split()
    utime, stime = int(fields[11]), int(fields[12])
    memory: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            memory[name] = int(value.split()[0]) / 1024.0
    return ProcSample(
        cpu_seconds=(utime + stime) / _TICKS,
        rss_mb=memory.get("VmRSS", 0.0),
        peak_rss_mb=memory.get("VmHWM", 0.0),
    )


def own_cpu_seconds() -> float:
    """Return the CPU seconds this (load generator) process has used, all threads."""
    return os.times().user + os.times().system


def machine_busy_seconds() -> float:
    """Return the CPU seconds all processes of the machine have used (all cores, /proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[:8])
    return (user + nice + system + irq + softirq + steal) / _TICKS


def reset_peak_rss(pid: int) -> None:
    """Reset a process's VmHWM to its current RSS (Linux `clear_refs` 5), where permitted."""
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/clear_refs").write_text("5")
