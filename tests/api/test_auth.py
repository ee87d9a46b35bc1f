"""Login, sessions, token revocation, throttling, the WebSocket handshake and production secrets."""

import json
from pathlib import Path

import pytest
import websockets
from websockets.exceptions import ConnectionClosed

from api.app import create_app
from api.auth.passwords import verify_password
from api.auth.secret import resolve_secret
from api.auth.throttle import LoginThrottle
from api.auth.tokens import Claims, TokenError, issue, verify
from api.db import Database
from api.site_store import apply_site
from api.users import by_username, ensure_demo_users, set_password
from core.errors import ConfigError
from core.settings import Settings
from tests.api.conftest import PASSWORD, SITE, RunningApi, StartApi

SECRET = b"k" * 32


def test_tokens_are_signed_and_expire() -> None:
    token = issue(SECRET, Claims(7, 3, 2_000))
    assert verify(SECRET, token, 1_000) == Claims(7, 3, 2_000)
    with pytest.raises(TokenError, match="expired"):
        verify(SECRET, token, 2_000)
    with pytest.raises(TokenError, match="signature"):
        verify(b"x" * 32, token, 1_000)
    body, sig = token.split(".")
    forged = issue(b"other", Claims(1, 3, 9_999)).split(".")[0]
    with pytest.raises(TokenError):
        verify(SECRET, f"{forged}.{sig}", 1_000)
    for junk in ("", "a.b.c", "nodot", f"{body}.!!!"):
        with pytest.raises(TokenError):
            verify(SECRET, junk, 1_000)


def test_throttle_blocks_after_failures_and_the_wait_grows() -> None:
    now = [0.0]
    throttle = LoginThrottle(max_failures=3, base_wait_s=10, clock=lambda: now[0])
    keys = ["user:a", "ip:1"]
    for _ in range(2):
        throttle.failed(keys)
    assert throttle.retry_after(keys) == 0
    throttle.failed(keys)
    assert throttle.retry_after(keys) == 10
    now[0] = 10.0
    assert throttle.retry_after(keys) == 0
    throttle.failed(keys)
    assert throttle.retry_after(keys) == 20
    assert throttle.retry_after(["ip:1"]) == 20 and throttle.retry_after(["user:b", "ip:2"]) == 0
    throttle.succeeded(["user:a"])
    assert throttle.retry_after(["user:a"]) == 0


@pytest.mark.parametrize("secret, problem", [
    (None, "is not set"), ("changeme", "well-known default"), ("short-but-random", "fewer than 32"),
])
def test_production_refuses_weak_secrets(tmp_path: Path, secret: str | None, problem: str) -> None:
    settings = Settings(env="production", secret_key=secret, data_dir=tmp_path)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=problem):
        create_app(settings, kafka=False)


def test_demo_secret_is_generated_once_per_data_dir(tmp_path: Path) -> None:
    first = resolve_secret(Settings(data_dir=tmp_path))
    assert len(first) >= 32 and resolve_secret(Settings(data_dir=tmp_path)) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert resolve_secret(Settings(data_dir=tmp_path / "other")) != first
    strong = "s" * 40
    assert resolve_secret(Settings(env="production", secret_key=strong, data_dir=tmp_path)) == strong.encode()  # type: ignore[arg-type]


async def test_login_cookie_me_and_logout(api: RunningApi) -> None:
    async with api.client() as client:
        assert (await client.get("/api/auth/me")).status_code == 401
        bad = await client.post("/api/auth/login", json={"username": "inspector", "password": "wrong-one"})
        assert bad.status_code == 401
        ok = await client.post("/api/auth/login", json={"username": "inspector", "password": PASSWORD})
        assert ok.status_code == 200 and ok.json()["user"]["role"] == "inspector"
        cookie = ok.headers["set-cookie"].lower()
        assert "bk_session=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
        me = await client.get("/api/auth/me")  # the cookie alone authenticates
        assert me.status_code == 200 and me.json()["username"] == "inspector"
        assert (await client.post("/api/auth/logout")).status_code == 204
        assert (await client.get("/api/auth/me")).status_code == 401
        extra = await client.post("/api/auth/login", json={"username": "x", "password": "y", "admin": True})
        assert extra.status_code == 422


async def test_password_change_ends_old_sessions(api: RunningApi) -> None:
    async with api.client("regulator") as old:
        answer = await old.post("/api/auth/password",
                                json={"current_password": PASSWORD, "new_password": "a-new-password-2"})
        assert answer.status_code == 200
        new_token = answer.json()["token"]
        old.cookies.clear()
        assert (await old.get("/api/auth/me")).status_code == 401
        old.headers["Authorization"] = f"Bearer {new_token}"
        assert (await old.get("/api/auth/me")).status_code == 200


async def test_repeated_failures_get_429_with_retry_after(start_api: StartApi) -> None:
    api = await start_api(login_max_failures=3, login_lockout_s=30)
    async with api.client() as client:
        codes = [(await client.post("/api/auth/login", json={"username": "admin", "password": "guess-123"})).status_code
                 for _ in range(4)]
        assert codes == [401, 401, 401, 429]
        blocked = await client.post("/api/auth/login", json={"username": "admin", "password": PASSWORD})
        assert blocked.status_code == 429 and 0 < int(blocked.headers["retry-after"]) <= 30


async def test_websocket_needs_a_session(api: RunningApi) -> None:
    for suffix in ("", "?token=forged.token"):
        async with websockets.connect(api.ws_url + suffix) as ws:
            with pytest.raises(ConnectionClosed) as closed:
                await ws.recv()
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
    cookie = {"Cookie": f"bk_session={api.tokens['manager_a']}"}
    async with websockets.connect(api.ws_url, additional_headers=cookie) as ws:
        hello = json.loads(await ws.recv())
        assert hello["user"] == {"username": "manager_a", "role": "canteen_manager", "school_id": "school-a"}


async def test_demo_users_for_each_school(db: Database) -> None:
    await apply_site(db, SITE, "test")
    created = await ensure_demo_users(db)
    assert [(u, r, s) for u, _, r, s in created] == [
        ("admin", "admin", None), ("regulator", "regulator", None), ("inspector", "inspector", None),
        ("manager-school-a", "canteen_manager", "school-a"), ("manager-school-b", "canteen_manager", "school-b")]
    async with db.session() as session, session.begin():
        user = await by_username(session, "admin")
        assert user is not None and verify_password(user.password_hash, created[0][1])
        await set_password(session, user, "changed-by-the-admin")
    again = await ensure_demo_users(db)  # idempotent; a changed password is no longer printed
    assert [u for u, *_ in again] == [u for u, *_ in created][1:]
