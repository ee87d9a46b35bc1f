"""The `brightkitchen` command line."""

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import ValidationError

from core.errors import BrightKitchenError
from core.logs import setup_logging
from core.settings import Settings

if TYPE_CHECKING:
    from core.site import Site

app = typer.Typer(
    help="明厨亮灶 brightkitchen: food-safety monitoring of school kitchens. "
    "Settings come from BK_* environment variables (see README).",
    no_args_is_help=True,
    add_completion=False,
)
site_app = typer.Typer(help="Site configuration: schools, cameras, zones, schedules, rules.", no_args_is_help=True)
app.add_typer(site_app, name="site")
user_app = typer.Typer(help="Users of the api: admins, regulators, inspectors, canteen managers.", no_args_is_help=True)
app.add_typer(user_app, name="user")


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        lines = [f"  BK_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in exc.errors()]
        typer.echo("invalid settings:\n" + "\n".join(lines), err=True)
        raise typer.Exit(2) from None


def _run_role(role: str, main: Callable[[Settings, asyncio.Event], Awaitable[None]]) -> None:
    settings = _settings()
    setup_logging(settings.log_level, settings.log_json, role)

    async def runner() -> None:
        from core.procs import stop_event_on_signals

        stop = stop_event_on_signals()
        await main(settings, stop)

    try:
        asyncio.run(runner())
    except BrightKitchenError as exc:
        typer.echo(f"{role}: {exc}", err=True)
        raise typer.Exit(2) from None


@app.command()
def up(
    site_file: Annotated[Path | None, typer.Option("--site", help="Site YAML; default: the demo site.")] = None,
) -> None:
    """Run everything on the embedded defaults: broker, demo cameras, ingest, detect, api + web."""
    from brightkitchen.demo import demo_site
    from brightkitchen.supervisor import run_up
    from core.site import load_site

    settings = _settings()
    setup_logging(settings.log_level, settings.log_json, "up")
    path = site_file or settings.site_file
    try:
        site = load_site(path) if path else demo_site()
        code = asyncio.run(run_up(settings, site, typer.echo))
    except BrightKitchenError as exc:
        typer.echo(f"up: {exc}", err=True)
        raise typer.Exit(2) from None
    raise typer.Exit(code)


@app.command()
def ingest() -> None:
    """Run the ingest role: cameras → bk.frames (needs BK_KAFKA_BOOTSTRAP)."""
    from ingest.service import run

    _run_role("ingest", run)


@app.command()
def detect() -> None:
    """Run a detector worker in the consumer group "detectors" (needs BK_KAFKA_BOOTSTRAP)."""
    from detectors.worker import run

    _run_role("detect", run)


@app.command("api")
def api_role() -> None:
    """Run the api role: recorder, REST, WebSocket and the web app (needs BK_KAFKA_BOOTSTRAP)."""
    from api.app import run

    _run_role("api", run)


async def _store_and_publish(settings: Settings, site: "Site", actor: str) -> "Site":
    """One transaction in the database, then bk.site: ingest and detect never run a site the
    database does not hold."""
    from api.db import Database
    from api.site_store import apply_site
    from brightkitchen.supervisor import _publish_site

    bootstrap = settings.require_kafka()  # checked before anything is written
    db = Database(settings.resolved_database_url)
    try:
        await db.migrate()
        stored = await apply_site(db, site, actor)
    finally:
        await db.close()
    await _publish_site(bootstrap, stored)
    return stored


@site_app.command("apply")
def site_apply(file: Annotated[Path, typer.Argument(help="Site YAML file.")]) -> None:
    """Validate a site file, store it in the database and publish it to the running processes
    (nothing is half-applied)."""
    import getpass

    from api.site_store import SiteError
    from core.site import load_site

    settings = _settings()
    try:
        site = load_site(file)
        stored = asyncio.run(_store_and_publish(settings, site, f"cli:{getpass.getuser()}"))
    except (BrightKitchenError, SiteError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    typer.echo(f"applied {file} as version {stored.version}: {len(site.schools)} schools, "
               f"{len(site.cameras())} cameras")


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option("--role", help="admin, regulator, inspector or canteen_manager.")],
    school: Annotated[str | None, typer.Option("--school", help="School id (canteen_manager only).")] = None,
    password: Annotated[str | None, typer.Option(
        "--password", help="Default: asked for (not echoed). Avoid on shared machines: shells keep history.")] = None,
) -> None:
    """Add a user to the api's database."""
    from api.db import Database
    from api.users import UserError, create_user

    settings = _settings()
    if password is None:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)

    async def add() -> None:
        db = Database(settings.resolved_database_url)
        try:
            await db.migrate()
            async with db.session() as session, session.begin():
                await create_user(session, username, password, role, school)
        finally:
            await db.close()

    try:
        asyncio.run(add())
    except UserError as exc:
        typer.echo(f"user add: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"added {role} {username}" + (f" of school {school}" if school else ""))


@site_app.command("check")
def site_check(file: Annotated[Path, typer.Argument(help="Site YAML file.")]) -> None:
    """Validate a site file without applying it."""
    from core.site import load_site

    try:
        site = load_site(file)
    except BrightKitchenError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    typer.echo(f"{file} is valid: {len(site.schools)} schools, {len(site.cameras())} cameras")


@site_app.command("demo")
def site_demo() -> None:
    """Print the demo site as YAML (a starting point for your own)."""
    import yaml

    from brightkitchen.demo import demo_site

    typer.echo(yaml.safe_dump(demo_site().model_dump(mode="json"), allow_unicode=True, sort_keys=False))


@app.command()
def analyze(
    path: Annotated[Path, typer.Argument(help="A video file or a folder of images.")],
    site_file: Annotated[
        Path | None, typer.Option("--site", help="Site YAML with the camera's zones and rules.")
    ] = None,
    camera: Annotated[str | None, typer.Option("--camera", help="Camera id in the site file.")] = None,
    start: Annotated[
        str | None, typer.Option("--start", help="ISO capture time of the first frame (default: from the files).")
    ] = None,
    snapshots: Annotated[bool, typer.Option("--snapshots", help="Include the JPEG evidence (base64).")] = False,
) -> None:
    """Run the detectors on recorded footage; print events as JSON lines (progress on stderr)."""
    import sys

    from brightkitchen.analyze import analyze as run_analysis
    from brightkitchen.analyze import build_pipeline, event_json, open_footage, parse_start

    settings = _settings()
    setup_logging(settings.log_level, settings.log_json, "analyze")
    try:
        pipeline, school_id, tz = build_pipeline(site_file, camera)
        footage = open_footage(path, settings.detect_fps, parse_start(start, tz))
        steps = run_analysis(
            footage, pipeline, school_id=school_id, width=settings.detect_width, quality=settings.jpeg_quality
        )
        with typer.progressbar(steps, length=footage.total + 1, label="analysing", file=sys.stderr) as bar:
            for events in bar:
                for event in events:
                    typer.echo(event_json(event, snapshots, tz))
    except BrightKitchenError as exc:
        typer.echo(f"analyze: {exc}", err=True)
        raise typer.Exit(2) from None


def main() -> None:
    app()


if __name__ == "__main__":
    main()
