"""What the api's routes share: settings, database, media store, live hub, the current site."""

from dataclasses import dataclass, field

from api.db import Database
from api.live import LiveHub
from api.media import MediaStore
from api.recorder import Recorder
from core.settings import Settings
from core.site import Site


@dataclass
class ApiState:
    settings: Settings
    db: Database
    media: MediaStore
    hub: LiveHub
    recorder: Recorder | None = None
    site: Site | None = None
    tasks_alive: dict[str, bool] = field(default_factory=dict)
