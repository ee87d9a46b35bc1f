"""The load benchmark's result record and its printed table (per run: latency, throughput, stale
frames, alerts missing or doubled, and the failure runs' notes)."""

import os
from dataclasses import asdict, dataclass, field
from typing import Any


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


@dataclass
class Result:
    cameras: int
    detectors: int
    seconds: float
    mix: str = "staffed"  # the camera mix (e2e_load.MIXES)
    latency_p50_s: float | None = None
    latency_p95_s: float | None = None
    latency_p99_s: float | None = None
    alerts: int = 0
    scripted: int = 0
    missing: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    detect_fps: float = 0.0
    offered_fps: float = 0.0
    stale: float = 0.0
    max_lag: float = 0.0
    roles: dict[str, dict[str, float]] = field(default_factory=dict)
    takeover_s: float | None = None
    cameras_per_detector: list[int] = field(default_factory=list)  # pipelines in each live detector at the end
    faults: list[str] = field(default_factory=list)
    stored_once: int | None = None  # scripted covers stored exactly once (failure runs)
    stored_missing: list[str] = field(default_factory=list)
    stored_duplicated: list[str] = field(default_factory=list)
    stored_lost: list[str] = field(default_factory=list)  # alerted on /ws, yet nothing stored: lost by the recorder
    db_outage_s: float | None = None
    recorder_failures: float | None = None
    stream_states: list[str] = field(default_factory=list)  # distinct successive states on /ws
    stream_offline_s: float | None = None  # from the kill to the offline status on /ws
    stream_online_s: float | None = None  # from the stream's return to the online status on /ws

    @property
    def stream_in_order(self) -> bool:
        return self.stream_states[-3:] == ["online", "offline", "online"]


def det_fps(r: Result) -> str:
    """Frames judged per second; none over a run in which a detector was killed (its count died with it)."""
    return f"{'-':>7}" if "kill-detector" in r.faults else f"{r.detect_fps:7.1f}"


def table(results: list[Result]) -> str:
    head = (f"{'N':>4} {'D':>2} {'p50 s':>6} {'p95 s':>6} {'p99 s':>6} {'fps in':>6} {'fps det':>7} {'stale':>6} "
            f"{'lag':>5} {'alerts':>7} {'miss':>4} {'dup':>4} {'takeover':>8} {'cams/det':>8}  cpu% / peak MB per role")
    lines = [head]
    for r in results:
        def f(v: float | None) -> str:
            return f"{v:6.2f}" if v is not None else "     -"
        roles = "  ".join(f"{k} {v['cpu_pct']:.0f}%/{v['peak_rss_mb']:.0f}" for k, v in r.roles.items())
        lines.append(f"{r.cameras:>4} {r.detectors:>2} {f(r.latency_p50_s)} {f(r.latency_p95_s)} {f(r.latency_p99_s)} "
                     f"{r.offered_fps:6.0f} {det_fps(r)} {r.stale:6.0f} {r.max_lag:5.0f} "
                     f"{r.alerts:>3}/{r.scripted:<3} {len(r.missing):>4} {len(r.duplicated):>4} "
                     f"{(f'{r.takeover_s:.1f} s' if r.takeover_s is not None else '-'):>8} "
                     f"{'/'.join(map(str, r.cameras_per_detector)) or '-':>8}  {roles}")
        lines += [f"{'':>8}{note}" for note in fault_notes(r)]
    return "\n".join(lines)


def fault_notes(r: Result) -> list[str]:
    def s(v: float | None) -> str:
        return f"{v:.1f} s" if v is not None else "never"

    notes = []
    if r.stored_once is not None:
        notes.append(f"stored: {r.stored_once}/{r.scripted} covers exactly once, missing {r.stored_missing or 'none'} "
                     f"(of them alerted on /ws: {r.stored_lost or 'none'}), doubled {r.stored_duplicated or 'none'}")
    if "stop-db" in r.faults:
        notes.append(f"stop-db: database down {s(r.db_outage_s)}, "
                     f"recorder store failures {r.recorder_failures or 0:.0f}")
    if "kill-stream" in r.faults:
        notes.append(f"kill-stream: {' > '.join(r.stream_states) or 'no status'}; offline {s(r.stream_offline_s)} "
                     f"after the kill, online {s(r.stream_online_s)} after its return; "
                     f"in order: {'yes' if r.stream_in_order else 'NO'}")
    return notes


def clean(r: Result) -> bool:
    """Nothing missing or doubled, on /ws and (failure runs) in the database; statuses in order."""
    stored_ok = not (r.stored_missing or r.stored_duplicated or r.stored_lost)
    return stored_ok and not r.missing and not r.duplicated and ("kill-stream" not in r.faults or r.stream_in_order)


def scaling(results: list[Result]) -> dict[str, Any]:
    """The largest N with p99 < 1 s and a clean run, per detector count, and each count's ratio to
    one detector's. A largest N that is also the largest N swept is only a lower bound (``capped``)."""
    largest: dict[int, int | None] = {}
    capped: dict[int, bool] = {}
    for d in sorted({r.detectors for r in results}):
        runs = [r for r in results if r.detectors == d]
        ok = [r.cameras for r in runs if r.latency_p99_s is not None and r.latency_p99_s < 1.0 and clean(r)]
        largest[d] = max(ok) if ok else None
        capped[d] = bool(ok) and max(ok) == max(r.cameras for r in runs)
    one = largest.get(1)
    ratio = {d: n / one for d, n in largest.items() if d > 1 and n is not None and one}
    return {"largest_n": largest, "capped": capped, "scaling_ratio": ratio}


def scaling_lines(summary: dict[str, Any]) -> list[str]:
    lines = []
    for d, n in summary["largest_n"].items():
        more = " (the largest N swept: the true limit may be higher)" if summary["capped"][d] else ""
        lines.append(f"largest N with p99 < 1 s, nothing missing or doubled, {d} detector(s): {n or 'none'}{more}")
    for d, ratio in summary["scaling_ratio"].items():
        bound = ">= " if summary["capped"][d] else ""
        lines.append(f"scaling ratio, {d} detectors / 1: {bound}{ratio:.2f} "
                     f"({summary['largest_n'][d]} / {summary['largest_n'][1]} cameras)")
    if len(summary["largest_n"]) > 1 and not summary["scaling_ratio"]:
        lines.append("scaling ratio: not measured (no clean N under 1 s for one of the detector counts, or no D=1 run)")
    return lines


def report(results: list[Result], detector_cpu: float | None) -> tuple[str, dict[str, Any]]:
    """The closing text (machine, table, largest N and scaling ratio) and the JSON document."""
    machine = {"cores": os.cpu_count(), "load_average": round(os.getloadavg()[0], 1), "detector_cpu": detector_cpu}
    budget = f", each detector process capped at {detector_cpu:g} CPU (cgroup quota)" if detector_cpu else ""
    summary = scaling(results)
    mixes = ", ".join(sorted({r.mix for r in results}))
    text = [f"\nmachine: {machine['cores']} cores, load average {machine['load_average']} at the end{budget}; "
            f"camera mix: {mixes}",
            table(results), *scaling_lines(summary)]
    runs = [{**asdict(r), "stream_in_order": r.stream_in_order, "clean": clean(r)} for r in results]
    return "\n".join(text), {"machine": machine, **summary, "runs": runs}
