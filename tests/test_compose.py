"""docker-compose.yml parses, and every BK_ setting it passes exists (no Docker engine here)."""

from pathlib import Path

import yaml

from core.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_compose_services_and_settings() -> None:
    doc = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = doc["services"]
    assert {"kafka", "postgres", "ingest", "detect", "api"} <= set(services)
    assert services["detect"]["deploy"]["replicas"] == 2
    assert "KRaft" not in services["kafka"]["environment"]  # sanity: the KRaft keys below
    assert services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"
    known = {f"BK_{name.upper()}" for name in Settings.model_fields}
    for name in ("ingest", "detect", "api"):
        env = services[name]["environment"]
        unknown = {k for k in env if k.startswith("BK_")} - known
        assert not unknown, f"{name} passes settings that do not exist: {unknown}"
        assert services[name]["command"][0] == name
        Settings(**{k[3:].lower(): v for k, v in env.items() if k.startswith("BK_")})
    for name, svc in services.items():
        if name not in {"ingest", "detect"}:
            assert "healthcheck" in svc, f"{name} has no health check"
