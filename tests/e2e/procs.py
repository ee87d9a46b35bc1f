"""Helpers to run brightkitchen roles as separate OS processes in tests."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from core.site import Site


class Role:
    """`python -m brightkitchen.cli ROLE` with its own environment and log file."""

    def __init__(self, role: str, env: dict[str, str], log_dir: Path, name: str | None = None) -> None:
        self.role = role
        self.name = name or role
        self.log_path = log_dir / f"{self.name}.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "brightkitchen.cli", role],
            env={**os.environ, **env}, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        return self.proc.returncode

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def role_env(bootstrap: str, data_dir: Path, api_port: int = 0, **extra: str) -> dict[str, str]:
    env = {
        "BK_KAFKA_BOOTSTRAP": bootstrap,
        "BK_DATA_DIR": str(data_dir),
        "BK_API_PORT": str(api_port),
        "BK_LOG_JSON": "true",
        "BK_SESSION_TIMEOUT_MS": "6000",
    }
    env.update({k: v for k, v in extra.items()})
    return env


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer 200 within {timeout} s")


PASSWORD = "e2e-password-1"


async def prepare_database(
    data_dir: Path, site: "Site | None" = None, users: "dict[str, tuple[str, str | None]] | None" = None
) -> None:
    """Migrate the api's database in ``data_dir``, store ``site`` and add ``users`` (name → role, school)."""
    from api.db import Database
    from api.site_store import apply_site
    from api.users import create_user
    from core.settings import Settings

    db = Database(Settings(data_dir=data_dir).resolved_database_url)
    try:
        await db.migrate()
        if site is not None:
            await apply_site(db, site, "test")
        async with db.session() as session, session.begin():
            for name, (role, school) in (users or {"regulator": ("regulator", None)}).items():
                await create_user(session, name, PASSWORD, role, school)
    finally:
        await db.close()


async def login(base: str, username: str = "regulator", password: str = PASSWORD) -> str:
    async with httpx.AsyncClient(base_url=base) as client:
        answer = await client.post("/api/auth/login", json={"username": username, "password": password})
        answer.raise_for_status()
        token: str = answer.json()["token"]
        return token
