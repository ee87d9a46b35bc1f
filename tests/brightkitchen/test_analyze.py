"""``brightkitchen analyze`` on recorded footage: a short video made from synthetic frames."""

import json
import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import cv2
import pytest
import yaml
from typer.testing import CliRunner

from brightkitchen.cli import app

synthetic = pytest.importorskip("ingest.synthetic")

URL = "synthetic://kitchen?seed=41&people=0&stove=0&script=night@0+30,rodent@6+3"


def _site(path: Path) -> Path:
    zones = synthetic.parse_synthetic_url(URL).zones()
    site = {
        "schools": [
            {
                "id": "s1",
                "name": "School",
                "kitchens": [{"id": "k1", "name": "Kitchen"}],
                "cameras": [
                    {
                        "id": "cam7",
                        "name": "Floor",
                        "kitchen": "k1",
                        "url": "file:///recording.avi",
                        "zones": [{"id": "floor", "kind": "floor", "polygon": [list(p) for p in zones["floor"]]}],
                        "rules": {"rodent": {"zones": ["floor"]}},
                    }
                ],
            }
        ]
    }
    path.write_text(yaml.safe_dump(site), encoding="utf-8")
    return path


def _video(path: Path, seconds: float, fps: float = 10.0) -> Path:
    spec = synthetic.parse_synthetic_url(URL)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (spec.width, spec.height))
    assert writer.isOpened()
    for i in range(int(seconds * fps)):
        writer.write(synthetic.render(spec, i / fps))
    writer.release()
    return path


def test_analyze_a_video_prints_the_rodent_at_its_capture_time(tmp_path: Path) -> None:
    video, site = _video(tmp_path / "night.avi", 12), _site(tmp_path / "site.yaml")
    runner = CliRunner()
    result = runner.invoke(
        app, ["analyze", str(video), "--site", str(site), "--camera", "cam7", "--start", "2025-03-03T23:00:00"]
    )
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(e["rule"], e["state"]) for e in events] == [("rodent", "open"), ("rodent", "closed")], events
    opened = events[0]
    assert opened["camera_id"] == "cam7" and opened["school_id"] == "s1" and opened["zone"] == "floor"
    assert "snapshot_jpeg" not in opened
    start_ms = int(datetime(2025, 3, 3, 23, 0, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp() * 1000)
    assert 6.0 <= (opened["started_ms"] - start_ms) / 1000 <= 7.5  # the rat runs from 6 s to 9 s
    assert opened["started_at"].startswith("2025-03-03T23:00:0") and opened["started_at"].endswith("+08:00")
    assert "analysing" in result.stderr
    with_snapshots = runner.invoke(
        app, ["analyze", str(video), "--site", str(site), "--start", "2025-03-03T23:00:00", "--snapshots"]
    )
    first = json.loads(with_snapshots.stdout.splitlines()[0])
    assert first["snapshot_jpeg"].startswith("/9j/")  # base64 of a JPEG


def test_analyze_an_image_folder_and_bad_input(tmp_path: Path) -> None:
    spec = synthetic.parse_synthetic_url(URL)
    folder = tmp_path / "shots"
    folder.mkdir()
    for i in range(60):  # 12 s at 5 fps, all with the same modification time: placed by index
        name = folder / f"{i:04d}.jpg"
        cv2.imwrite(str(name), synthetic.render(spec, i / 5))
        os.utime(name, (1_741_014_000, 1_741_014_000))
    runner = CliRunner()
    result = runner.invoke(app, ["analyze", str(folder), "--site", str(_site(tmp_path / "site.yaml"))])
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.stdout.splitlines()]
    opens = [e for e in events if e["state"] == "open"]
    assert [e["rule"] for e in opens] == ["rodent"]
    assert 6.0 <= (opens[0]["started_ms"] - 1_741_014_000_000) / 1000 <= 7.5
    missing = runner.invoke(app, ["analyze", str(tmp_path / "nope.mp4")])
    assert missing.exit_code == 2 and "no such file" in missing.output
    no_camera = runner.invoke(app, ["analyze", str(folder), "--site", str(tmp_path / "site.yaml"), "--camera", "x"])
    assert no_camera.exit_code == 2 and "no camera 'x'" in no_camera.output
