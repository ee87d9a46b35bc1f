"""The house rules: ingest, detectors and api never import one another; core imports none of
them; perception modules never touch Kafka or the database."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ROLES = ("ingest", "detectors", "api")
FORBIDDEN = {
    "core": {"ingest", "detectors", "api", "brightkitchen"},
    "ingest": {"detectors", "api", "brightkitchen"},
    "detectors": {"ingest", "api", "brightkitchen"},
    "api": {"ingest", "detectors", "brightkitchen"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_sideways_or_upward_imports(package: str) -> None:
    bad = {
        str(p.relative_to(ROOT)): sorted(_imports(p) & FORBIDDEN[package])
        for p in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in bad.items() if v} == {}


def test_perception_is_pure() -> None:
    folder = ROOT / "detectors" / "perception"
    for path in folder.rglob("*.py"):
        assert not _imports(path) & {"aiokafka", "kafka", "sqlalchemy", "core.bus"}, path
