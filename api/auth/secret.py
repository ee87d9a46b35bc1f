"""The server secret that signs tokens. Production refuses weak or default secrets; the demo
generates one per data directory so tokens survive a restart."""

import os
import secrets
from pathlib import Path

from core.errors import ConfigError
from core.settings import Settings

MIN_PRODUCTION_LENGTH = 32
KNOWN_DEFAULTS = frozenset({"changeme", "change-me", "change_me", "secret", "default", "brightkitchen", "demo"})
SECRET_FILE = "secret_key"


def resolve_secret(settings: Settings) -> bytes:
    """The signing key, or a :class:`ConfigError` that says what to set."""
    given = settings.secret_key.get_secret_value() if settings.secret_key else ""
    if settings.env == "production":
        problem = None
        if not given:
            problem = "is not set"
        elif given.lower() in KNOWN_DEFAULTS or "change" in given.lower():
            problem = "is a well-known default"
        elif len(given) < MIN_PRODUCTION_LENGTH:
            problem = f"is {len(given)} characters, fewer than {MIN_PRODUCTION_LENGTH}"
        if problem:
            raise ConfigError(
                f"BK_SECRET_KEY {problem}: production (BK_ENV=production) needs a random secret of at least "
                f"{MIN_PRODUCTION_LENGTH} characters, e.g. from `python -c 'import secrets; "
                f"print(secrets.token_urlsafe(48))'`"
            )
        return given.encode()
    if given:
        return given.encode()
    return _demo_secret(settings.data_dir / SECRET_FILE)


def _demo_secret(path: Path) -> bytes:
    if path.is_file():
        return path.read_bytes().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, value)
    except BaseException:
        os.close(fd)
        raise
    os.close(fd)
    return value
