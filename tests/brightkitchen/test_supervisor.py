"""`up` gives ingest and detect a metrics port next to the api's."""

from brightkitchen.supervisor import metrics_ports, role_env


def test_metrics_ports_follow_the_api_port() -> None:
    assert metrics_ports(8000) == {"ingest": 8001, "detect": 8002}
    chosen = metrics_ports(0)
    assert set(chosen) == {"ingest", "detect"} and all(p > 0 for p in chosen.values())


def test_each_role_gets_its_own_metrics_port() -> None:
    env = {"BK_DATA_DIR": "/d", "BK_METRICS_PORT": "9999"}
    ports = {"ingest": 8001, "detect": 8002}
    assert role_env(env, "ingest", ports) == {"BK_DATA_DIR": "/d", "BK_METRICS_PORT": "8001"}
    assert role_env(env, "detect", ports)["BK_METRICS_PORT"] == "8002"
    assert role_env(env, "api", ports) == {"BK_DATA_DIR": "/d"}  # the api serves /metrics on its own port
