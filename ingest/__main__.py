"""Run the ingest role alone: ``python -m ingest`` (settings from ``BK_*`` environment variables;
needs BK_KAFKA_BOOTSTRAP). ``brightkitchen up`` runs it together with the other roles."""

import asyncio

from core.logs import setup_logging
from core.procs import stop_event_on_signals
from core.settings import Settings
from ingest import service


async def _main() -> None:
    settings = Settings()
    setup_logging(settings.log_level, settings.log_json, role="ingest")
    await service.run(settings, stop_event_on_signals())


if __name__ == "__main__":
    asyncio.run(_main())
