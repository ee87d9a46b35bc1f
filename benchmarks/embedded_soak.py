"""Soak the embedded default: `brightkitchen up` with N synthetic cameras for a long run.

Samples the resident memory of every process `up` started (broker, api, detect, ingest) once a
minute and prints the table; checks that memory at 10 minutes and at the end differ by less than
10 %, and that every scripted incident (a covered lens, repeating on a schedule per camera)
produced exactly one `camera_blocked` event.

    .venv/bin/python benchmarks/embedded_soak.py --minutes 60 --cameras 8 --out soak.json
"""

import argparse
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psutil
import yaml

PERIOD_S = 300
COVER_S = 20
DWELL_CLEAR_S = 10  # camera_blocked: 3 s dwell + 3 s clear, with margin


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def site(cameras: int) -> dict[str, object]:
    cams = []
    for i in range(cameras):
        start = 60 + (i * 29) % (PERIOD_S - 90)
        cams.append({
            "id": f"soak-{i}", "name": f"Kitchen {i}", "kitchen": "k",
            "url": f"synthetic://kitchen?seed={100 + i}&people={1 + i % 3}&period={PERIOD_S}"
                   f"&script=cover@{start}+{COVER_S}",
        })
    week = {d: ["00:00-23:59"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    return {"schools": [{"id": "soak", "name": "Soak School", "kitchens": [{"id": "k", "name": "K"}],
                         "schedule": {"working_hours": week, "meal_prep": week}, "cameras": cams}]}


def expected_incidents(cameras: int, ran_s: float) -> dict[str, int]:
    """Covers that started and had time to open and close before the run ended (per camera)."""
    out = {}
    for i in range(cameras):
        start = 60 + (i * 29) % (PERIOD_S - 90)
        n, t = 0, start
        while t + COVER_S + DWELL_CLEAR_S < ran_s:
            n += 1
            t += PERIOD_S
        out[f"soak-{i}"] = n
    return out


def role_of(proc: psutil.Process) -> str | None:
    try:
        cmd = " ".join(proc.cmdline())
    except psutil.Error:
        return None
    if "tansu" in cmd:
        return "broker"
    for role in ("api", "detect", "ingest"):
        if cmd.endswith(f"brightkitchen.cli {role}"):
            return role
    return None


def sample(up: psutil.Process) -> dict[str, float]:
    out: dict[str, float] = {}
    for child in up.children(recursive=True):
        role = role_of(child)
        if role:
            with contextlib.suppress(psutil.Error):
                out[role] = out.get(role, 0.0) + child.memory_info().rss / 2**20
    return out


def events(base: str) -> list[dict[str, object]]:
    token = httpx.post(f"{base}/api/auth/login", json={"username": "regulator", "password": "demo-regulator"},
                       timeout=10).json()["token"]
    items: list[dict[str, object]] = []
    cursor = None
    while True:
        params = {"rule": "camera_blocked", "limit": 500, **({"cursor": cursor} if cursor else {})}
        page = httpx.get(f"{base}/api/events", params=params, headers={"Authorization": f"Bearer {token}"},
                         timeout=30).json()
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=60)
    ap.add_argument("--cameras", type=int, default=8)
    ap.add_argument("--sample-s", type=float, default=60)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bk-soak-"))
    (work / "site.yaml").write_text(yaml.safe_dump(site(args.cameras)))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BK_")}
    env.update({"BK_DATA_DIR": str(work / "data"), "BK_API_PORT": str(port), "BK_MEMORY_REPORT_S": "60"})
    log = open(work / "up.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-m", "brightkitchen.cli", "up", "--site", str(work / "site.yaml")],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    up = psutil.Process(proc.pid)
    rows: list[dict[str, float]] = []
    started = time.monotonic()
    try:
        for _ in range(120):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        print(f"soak: {args.cameras} cameras, {args.minutes} min, data in {work}", flush=True)
        print(f"{'min':>5} {'broker':>8} {'api':>8} {'detect':>8} {'ingest':>8} {'total MiB':>10}", flush=True)
        next_sample = started
        while time.monotonic() - started < args.minutes * 60:
            if proc.poll() is not None:
                raise RuntimeError(f"`up` exited early with {proc.returncode}; see {work / 'up.log'}")
            if time.monotonic() >= next_sample:
                mem = sample(up)
                row = {"minute": (time.monotonic() - started) / 60, **mem, "total": sum(mem.values())}
                rows.append(row)
                print(f"{row['minute']:5.1f} {mem.get('broker', 0):8.0f} {mem.get('api', 0):8.0f} "
                      f"{mem.get('detect', 0):8.0f} {mem.get('ingest', 0):8.0f} {row['total']:10.0f}", flush=True)
                next_sample += args.sample_s
            time.sleep(1)
        ran_s = time.monotonic() - started
        time.sleep(15)  # let the last incidents close and be recorded
        found = events(base)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
    want = expected_incidents(args.cameras, ran_s)
    got: dict[str, int] = {}
    for ev in found:
        got[str(ev["camera_id"])] = got.get(str(ev["camera_id"]), 0) + 1
    # The broker's memory is a sawtooth with the frame-bucket period (a bucket is deleted whole every
    # 120 s): compare like with like, the peak around minute 10 with the peak of the last minutes.
    around10 = [r for r in rows if 8.5 <= r["minute"] <= 11.5] or rows[:1]
    at10 = max(around10, key=lambda r: r["total"])
    end = max(rows[-3:], key=lambda r: r["total"])
    drift = (end["total"] - at10["total"]) / at10["total"]
    exact = all(got.get(cam, 0) == n for cam, n in want.items()) and set(got) <= set(want)
    print(f"\npeak memory around 10 min: {at10['total']:.0f} MiB (at {at10['minute']:.1f}); over the last minutes: "
          f"{end['total']:.0f} MiB (at {end['minute']:.1f}); change {100 * drift:+.1f}% (target < 10%)")
    print(f"incidents scripted {sum(want.values())}, camera_blocked events {sum(got.values())}; "
          f"per camera exact: {exact}")
    for cam in sorted(want):
        print(f"  {cam}: scripted {want[cam]}, events {got.get(cam, 0)}")
    if args.out:
        args.out.write_text(json.dumps({"rows": rows, "scripted": want, "events": got, "drift": drift,
                                        "exact": exact, "cameras": args.cameras, "minutes": args.minutes}, indent=1))
    return 0 if exact and abs(drift) < 0.10 else 1


if __name__ == "__main__":
    sys.exit(main())
