"""The site in the database: applied in one transaction, versioned, through REST and the CLI."""

import asyncio
from pathlib import Path

import pytest
import yaml
from aiokafka import TopicPartition
from sqlalchemy import func, select
from typer.testing import CliRunner

from api import site_store
from api.db import Database
from api.models import CameraRow, SchoolRow, SiteVersionRow, UserRow
from api.site_store import apply_site, latest_site
from brightkitchen.cli import app as cli
from core.broker import EmbeddedBroker
from core.bus import make_consumer
from core.site import Site
from core.topics import SITE as SITE_TOPIC
from tests.api.conftest import SITE, RunningApi


async def _count(db: Database, table: type) -> int:
    async with db.session() as s:
        return int((await s.execute(select(func.count()).select_from(table))).scalar_one())


async def test_apply_replaces_rows_and_bumps_the_version(db: Database) -> None:
    first = await apply_site(db, SITE, "test")
    smaller = Site.model_validate(SITE.model_dump() | {"schools": SITE.model_dump()["schools"][:1]})
    second = await apply_site(db, smaller, "test")
    assert second.version == first.version + 1
    assert await _count(db, SchoolRow) == 1 and await _count(db, CameraRow) == 1
    async with db.session() as s:
        found = await latest_site(s)
    assert found is not None and found[0] == second and await _count(db, SiteVersionRow) == 2


async def test_apply_gives_placement_slots_that_later_edits_keep(db: Database) -> None:
    first = await apply_site(db, SITE, "test")
    slots = {c.id: c.slot for _, c in first.cameras()}
    assert sorted(s for s in slots.values() if s is not None) == list(range(len(slots)))
    body = SITE.model_dump()
    school = body["schools"][0]
    school["cameras"].insert(0, {**school["cameras"][0], "id": "cam-new", "name": "new"})  # no slot given
    second = await apply_site(db, Site.model_validate(body), "test")
    again = {c.id: c.slot for _, c in second.cameras()}
    assert {cid: again[cid] for cid in slots} == slots  # nobody moved for the newcomer
    assert again["cam-new"] == len(slots)


async def test_a_failed_apply_leaves_nothing_half_done(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    await apply_site(db, SITE, "test")

    async def broken(session: object, site: Site) -> None:
        from sqlalchemy import delete

        await session.execute(delete(CameraRow))  # type: ignore[attr-defined]
        raise RuntimeError("disk full")

    monkeypatch.setattr(site_store, "_replace_rows", broken)
    with pytest.raises(RuntimeError):
        await apply_site(db, SITE, "test")
    assert await _count(db, CameraRow) == 2 and await _count(db, SiteVersionRow) == 1


async def test_put_site_names_the_wrong_field(api: RunningApi) -> None:
    body = SITE.model_dump(mode="json")
    body["schools"][0]["cameras"][0]["zones"] = [{"id": "z", "kind": "stove", "polygon": [[0, 0], [2, 0], [0, 1]]}]
    async with api.client("admin") as admin:
        answer = await admin.put("/api/site", json=body)
        assert answer.status_code == 422
        error = answer.json()["detail"][0]
        assert error["loc"][:6] == ["body", "schools", 0, "cameras", 0, "zones"] and "outside 0..1" in error["msg"]
        typo = SITE.model_dump(mode="json") | {"shcools": []}
        assert (await admin.put("/api/site", json=typo)).json()["detail"][0]["loc"] == ["body", "shcools"]
        huge = await admin.put("/api/site", json=SITE.model_dump(mode="json") | {"version": 2**40})
        assert huge.status_code == 422 and huge.json()["detail"].startswith("version:")
        assert (await admin.get("/api/site")).json()["site"]["version"] == 1


def test_cli_user_add(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BK_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    ok = runner.invoke(cli, ["user", "add", "ann", "--role", "regulator", "--password", "long-password-1"])
    assert ok.exit_code == 0, ok.output
    again = runner.invoke(cli, ["user", "add", "ann", "--role", "regulator", "--password", "long-password-1"])
    assert again.exit_code == 2 and "taken" in again.output
    no_school = runner.invoke(cli, ["user", "add", "bob", "--role", "canteen_manager", "--password", "long-pw-123"])
    assert no_school.exit_code == 2 and "needs a school" in no_school.output
    prompted = runner.invoke(cli, ["user", "add", "cy", "--role", "inspector"], input="pw-typed-in\npw-typed-in\n")
    assert prompted.exit_code == 0, prompted.output
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'brightkitchen.db'}")
    assert asyncio.run(_count_and_close(db)) == 2


async def _count_and_close(db: Database) -> int:
    try:
        return await _count(db, UserRow)
    finally:
        await db.close()


@pytest.mark.kafka
def test_cli_site_apply_stores_then_publishes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              fresh_broker: EmbeddedBroker) -> None:
    monkeypatch.setenv("BK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("BK_KAFKA_BOOTSTRAP", fresh_broker.bootstrap)
    good, bad = tmp_path / "site.yaml", tmp_path / "bad.yaml"
    good.write_text(yaml.safe_dump(SITE.model_dump(mode="json")), encoding="utf-8")
    bad.write_text(yaml.safe_dump(SITE.model_dump(mode="json") | {"distrct": "x"}), encoding="utf-8")
    runner = CliRunner()
    failed = runner.invoke(cli, ["site", "apply", str(bad)])
    assert failed.exit_code == 2 and "distrct" in failed.output
    applied = runner.invoke(cli, ["site", "apply", str(good)])
    assert applied.exit_code == 0 and "version 1" in applied.output, applied.output
    assert asyncio.run(_published_versions(fresh_broker.bootstrap)) == [1]


async def _published_versions(bootstrap: str) -> list[int]:
    consumer = make_consumer(bootstrap, offset_reset="earliest")
    await consumer.start()
    try:
        consumer.assign([TopicPartition(SITE_TOPIC, 0)])
        await consumer.seek_to_beginning()
        batch = await consumer.getmany(timeout_ms=3000)
        return [Site.decode(m.value).version for msgs in batch.values() for m in msgs]
    finally:
        await consumer.stop()
