"""What the api's routes share: settings, database, media store, live hub, the current site."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from api.auth.throttle import LoginThrottle
from api.db import Database
from api.live import LiveHub
from api.media import MediaStore
from api.recorder import Recorder
from core.kafka_probe import BrokerProbe
from core.settings import Settings
from core.site import Site

SitePublisher = Callable[[Site], Awaitable[None]]


@dataclass
class ApiState:
    settings: Settings
    db: Database
    media: MediaStore
    hub: LiveHub
    secret: bytes = b""
    throttle: LoginThrottle = field(default_factory=lambda: LoginThrottle(5, 30.0))
    publish_site: SitePublisher | None = None  # None: no broker (tests); the site only changes here
    recorder: Recorder | None = None
    site: Site | None = None
    tasks_alive: dict[str, bool] = field(default_factory=dict)
    broker: BrokerProbe | None = None  # None: no broker (tests); /readyz then does not ask
