"""The FastAPI application and the api role's entry point."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from api.auth.secret import resolve_secret
from api.auth.throttle import LoginThrottle
from api.camera_log import StatusLog
from api.clips.worker import ClipWorker
from api.db import Database
from api.escalation import run_escalation
from api.live import LiveHub
from api.media import MediaStore
from api.models import ActionRow, EventRow
from api.recorder import Recorder, run_recorder
from api.routes import (
    audit,
    auth,
    cameras,
    directory,
    events,
    evidence,
    export,
    health,
    metrics,
    site,
    stats,
    users,
    webhooks,
    workflow,
    ws,
)
from api.site_store import latest_site
from api.state import ApiState
from api.webhooks.delivery import run_deliveries
from api.workflow import workflow_message
from core.bus import KafkaPublisher, ensure_topics, wait_for_kafka
from core.kafka_probe import BrokerProbe
from core.settings import Settings
from core.site import Site
from core.site_feed import follow_site, publish_site
from core.topics import topic_specs

log = logging.getLogger(__name__)
WEB_DIR = Path(__file__).resolve().parent.parent / "web"
ROUTERS = (
    health, metrics, auth, directory, export, events, evidence, workflow, cameras, site, users, webhooks, stats,
    audit, ws,
)


def create_app(settings: Settings, stop: asyncio.Event | None = None, *, kafka: bool = True) -> FastAPI:
    """The api: REST, WebSocket and the web app; background tasks run in the lifespan.

    ``kafka=False`` runs without a broker (no recorder, live feed or bk.site): for tests of
    the REST and WebSocket surface. A weak secret in production raises ``ConfigError`` here,
    before anything listens."""
    stop = stop or asyncio.Event()
    secret = resolve_secret(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        bootstrap = settings.require_kafka() if kafka else ""
        if kafka:
            await wait_for_kafka(bootstrap)
            await ensure_topics(bootstrap, topic_specs(settings.frame_partitions, settings.event_partitions))
        db = Database(settings.resolved_database_url)
        await db.migrate()
        state = ApiState(
            settings, db, MediaStore(settings.resolved_media_dir),
            LiveHub(bootstrap, frame_topics=settings.frame_topics), secret=secret,
            throttle=LoginThrottle(settings.login_max_failures, settings.login_lockout_s),
        )
        async with db.session() as session:
            stored = await latest_site(session)
        state.site = stored[0] if stored else None
        status_log = StatusLog(db)
        state.hub.status_sink = status_log.offer
        app.state.bk = state

        def on_escalated(event: EventRow, step: ActionRow) -> None:
            state.hub.push(event.school_id, workflow_message(event, step))

        tasks = [
            _supervised(state, "escalation", lambda: run_escalation(db, settings, stop, on_escalated), stop),
            _supervised(state, "webhooks", lambda: run_deliveries(db, settings, stop), stop),
            _supervised(state, "camera_log", lambda: status_log.run(stop), stop),
        ]
        publisher: KafkaPublisher | None = None
        if kafka:
            publisher = KafkaPublisher(bootstrap, client_id="api")
            await publisher.start()
            kafka_publisher = publisher

            async def publish(site: Site) -> None:
                await publish_site(kafka_publisher, site)

            async def on_site(site: Site) -> None:
                state.site = site

            state.publish_site = publish
            state.broker = BrokerProbe(bootstrap)
            state.recorder = recorder = Recorder(db, state.media, publisher)
            clips = ClipWorker(db, state.media, bootstrap, settings.frame_topics,
                               settings.clip_before_s, settings.clip_after_s, site=lambda: state.site)
            tasks += [
                _supervised(state, "recorder",
                            lambda: run_recorder(bootstrap, recorder, stop, settings.session_timeout_ms), stop),
                _supervised(state, "live", lambda: state.hub.run(stop), stop),
                _supervised(state, "site", lambda: follow_site(bootstrap, on_site, stop), stop),
                _supervised(state, "clips", lambda: clips.run(stop), stop),
            ]
        else:
            state.hub.ready.set()
        try:
            yield
        finally:
            stop.set()
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if publisher is not None:
                await publisher.stop()
            await db.close()

    app = FastAPI(title="brightkitchen", version="0.2.0", lifespan=lifespan)
    for module in ROUTERS:
        app.include_router(module.router)
    if WEB_DIR.is_dir():
        app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")

        @app.get("/", include_in_schema=False)
        async def index() -> FileResponse:
            return FileResponse(WEB_DIR / "index.html")

    return app


def _supervised(
    state: ApiState, name: str, start: Callable[[], Awaitable[None]], stop: asyncio.Event
) -> "asyncio.Task[None]":
    """Run a background task; if it fails, log it and start it again with backoff (the api keeps
    serving, and /readyz says the task is down meanwhile)."""

    async def runner() -> None:
        delay = 1.0
        while not stop.is_set():
            state.tasks_alive[name] = True
            try:
                await start()
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("api background task %s failed; restarting in %.0f s", name, delay)
            finally:
                state.tasks_alive[name] = False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=delay)
            delay = min(delay * 2, 30.0)

    return asyncio.create_task(runner(), name=name)


class _Server(uvicorn.Server):
    """Signals are the role's to handle (they set ``stop``), not uvicorn's."""

    def capture_signals(self) -> contextlib.AbstractContextManager[None]:  # type: ignore[override]
        return contextlib.nullcontext()


async def run(
    settings: Settings, stop: asyncio.Event, on_listening: Callable[[str], None] | None = None, *, kafka: bool = True,
) -> None:
    """Serve until ``stop`` is set."""
    app = create_app(settings, stop, kafka=kafka)
    config = uvicorn.Config(
        app, host=settings.api_host, port=settings.api_port, log_level="warning", lifespan="on",
        ws_ping_interval=20, ws_ping_timeout=20,
    )
    server = _Server(config)
    serve = asyncio.create_task(server.serve())
    while not server.started and not serve.done():
        await asyncio.sleep(0.05)
    if server.started:
        sock = server.servers[0].sockets[0].getsockname()
        url = f"http://{sock[0]}:{sock[1]}"
        log.info("api listening on %s", url)
        if on_listening:
            on_listening(url)
    stop_wait = asyncio.create_task(stop.wait())
    await asyncio.wait({serve, stop_wait}, return_when=asyncio.FIRST_COMPLETED)
    server.should_exit = True
    await serve
    stop_wait.cancel()
