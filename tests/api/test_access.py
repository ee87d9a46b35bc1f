"""The access rules, route by route and role by role: anonymous callers get 401, a canteen manager
gets nothing of another school (404, so ids do not leak), admin-only routes refuse others (403)."""

from typing import Any

from api.app import ROUTERS
from tests.api.conftest import SITE, RunningApi, jpeg

ORDER = ["anonymous", "manager_b", "manager_a", "inspector", "regulator", "admin"]
READ_A = {"manager_b": 404, "manager_a": 200, "inspector": 200, "regulator": 200, "admin": 200}
EVERYONE = dict.fromkeys(ORDER[1:], 200)
ADMIN_ONLY = {"manager_b": 403, "manager_a": 403, "inspector": 403, "regulator": 403}
NEW_USER = {"username": "new-user", "password": "long-enough-1", "role": "inspector"}
HOOK = {"name": "h", "url": "http://127.0.0.1:9/hook"}

# (method, route template, concrete values, request kwargs, expected status per role; anonymous: 401)
TABLE: list[tuple[str, str, dict[str, str], dict[str, Any], dict[str, int]]] = [
    ("GET", "/api/auth/me", {}, {}, EVERYONE),
    ("POST", "/api/auth/logout", {}, {}, {r: 204 for r in ORDER[1:]}),
    ("POST", "/api/auth/password", {}, {"json": {"current_password": "wrong-password", "new_password": "x" * 9}},
     dict.fromkeys(ORDER[1:], 403)),
    ("GET", "/api/events", {}, {}, EVERYONE),
    ("GET", "/api/rules", {}, {}, EVERYONE),
    ("GET", "/api/schools", {}, {}, EVERYONE),
    ("GET", "/api/events/export.csv", {}, {}, EVERYONE),
    ("GET", "/api/events/{event_id}", {"event_id": "a"}, {}, READ_A),
    ("GET", "/api/events/{event_id}/snapshot.jpg", {"event_id": "a"}, {}, READ_A),
    ("GET", "/api/events/{event_id}/clip.webm", {"event_id": "a"}, {}, dict.fromkeys(ORDER[1:], 404)),
    ("GET", "/api/events/{event_id}/snapshot.jpg", {"event_id": "a"}, {"params": {"boxes": 1}}, READ_A),
    ("GET", "/api/events/{event_id}/actions/{action_id}/photo", {"event_id": "a", "action_id": "1"}, {},
     dict.fromkeys(ORDER[1:], 404)),
    ("POST", "/api/events/{event_id}/acknowledge", {"event_id": "a"}, {},
     {"manager_b": 404, "manager_a": 200, "inspector": 403, "regulator": 403, "admin": 403}),
    ("POST", "/api/events/{event_id}/rectify", {"event_id": "a"},
     {"data": {"note": "fixed"}, "files": {"photo": ("p.jpg", jpeg(), "image/jpeg")}},
     {"manager_b": 404, "manager_a": 200, "inspector": 403, "regulator": 403, "admin": 403}),
    ("POST", "/api/events/{event_id}/reject", {"event_id": "a"}, {"json": {"note": "not clean"}},
     {"manager_b": 404, "manager_a": 403, "inspector": 403, "regulator": 200, "admin": 409}),
    ("POST", "/api/events/{event_id}/approve", {"event_id": "a"}, {},
     {"manager_b": 404, "manager_a": 403, "inspector": 403, "regulator": 409, "admin": 409}),
    ("POST", "/api/events/{event_id}/confirm", {"event_id": "a"}, {},
     {"manager_b": 404, "manager_a": 403, "inspector": 200, "regulator": 200, "admin": 200}),
    ("POST", "/api/events/{event_id}/dismiss", {"event_id": "b"}, {},
     {"manager_b": 403, "manager_a": 404, "inspector": 200, "regulator": 409, "admin": 409}),
    ("GET", "/api/cameras", {}, {}, EVERYONE),
    ("GET", "/api/cameras/{camera_id}/latest.jpg", {"camera_id": "cam-a1"}, {}, dict.fromkeys(ORDER[1:], 404)),
    ("GET", "/api/site", {}, {}, ADMIN_ONLY | {"admin": 200}),
    ("PUT", "/api/site", {}, {"json": SITE.model_dump(mode="json")}, ADMIN_ONLY | {"admin": 200}),
    ("GET", "/api/users", {}, {}, ADMIN_ONLY | {"admin": 200}),
    ("POST", "/api/users", {}, {"json": NEW_USER}, ADMIN_ONLY | {"admin": 201}),
    ("PATCH", "/api/users/{user_id}", {"user_id": "999"}, {"json": {"display_name": "x"}}, ADMIN_ONLY | {"admin": 404}),
    ("GET", "/api/webhooks", {}, {}, ADMIN_ONLY | {"admin": 200}),
    ("POST", "/api/webhooks", {}, {"json": HOOK}, ADMIN_ONLY | {"admin": 201}),
    ("PUT", "/api/webhooks/{webhook_id}", {"webhook_id": "999"}, {"json": HOOK}, ADMIN_ONLY | {"admin": 404}),
    ("DELETE", "/api/webhooks/{webhook_id}", {"webhook_id": "999"}, {}, ADMIN_ONLY | {"admin": 404}),
    ("GET", "/api/webhooks/{webhook_id}/deliveries", {"webhook_id": "999"}, {}, ADMIN_ONLY | {"admin": 404}),
    ("GET", "/api/audit", {}, {}, ADMIN_ONLY | {"regulator": 200, "admin": 200}),
    *[("GET", f"/api/stats/{name}", {}, {}, EVERYONE)
      for name in ("summary", "by-school", "by-rule", "by-day", "response-times", "coverage", "league")],
]
PUBLIC = {"/healthz", "/readyz", "/metrics", "/api/auth/login"}


def test_the_table_covers_every_route() -> None:
    routes = {(m, r.path) for module in ROUTERS for r in module.router.routes
              for m in getattr(r, "methods", None) or {"WS"}}
    covered = {(m, p) for m, p, *_ in TABLE} | {("WS", "/ws")}
    assert {(m, p) for m, p in routes if p not in PUBLIC} - covered == set()


async def test_routes_by_role(api: RunningApi) -> None:
    wrong: list[str] = []
    ids = {"a": api.events["a"].id, "b": api.events["b"].id}
    clients = {role: api.client(None if role == "anonymous" else role) for role in ORDER}
    for method, template, values, kwargs, expected in TABLE:
        path = template.format(**{k: ids.get(v, v) for k, v in values.items()})
        for role in ORDER:
            clients[role].cookies.clear()  # the bearer token alone speaks for the role
            answer = await clients[role].request(method, path, **kwargs)
            want = 401 if role == "anonymous" else expected[role]
            if answer.status_code != want:
                wrong.append(f"{method} {path} as {role}: {answer.status_code} (want {want}) {answer.text[:120]}")
    for client in clients.values():
        await client.aclose()
    assert wrong == []


async def test_a_manager_lists_exports_and_counts_only_their_school(api: RunningApi) -> None:
    a, b = api.events["a"].id, api.events["b"].id
    async with api.client("manager_b") as client:
        listed = [e["id"] for e in (await client.get("/api/events")).json()["items"]]
        asked_for_a = (await client.get("/api/events", params={"school_id": "school-a"})).json()["items"]
        csv_text = (await client.get("/api/events/export.csv")).text
        by_school = (await client.get("/api/stats/by-school", params={"since_ms": 0})).json()
        league = (await client.get("/api/stats/league", params={"since_ms": 0})).json()
        cameras = [c["id"] for c in (await client.get("/api/cameras")).json()]
    assert listed == [b] and asked_for_a == []
    assert b in csv_text and a not in csv_text
    assert set(by_school) == {"school-b"} and [r["school_id"] for r in league] == ["school-b"]
    assert cameras == ["cam-b1"]
    async with api.client("regulator") as client:
        assert {e["id"] for e in (await client.get("/api/events")).json()["items"]} == {a, b}


async def test_path_traversal_on_evidence_is_404(api: RunningApi) -> None:
    async with api.client("admin") as client:
        for path in ("/api/events/..%2F..%2Fetc%2Fpasswd/snapshot.jpg", "/api/events/%2E%2E/snapshot.jpg",
                     "/api/events/..%5C..%5Csecret_key/snapshot.jpg",
                     f"/api/events/{api.events['a'].id}/actions/..%2F1/photo"):
            answer = await client.get(path)
            assert answer.status_code in (404, 422), (path, answer.status_code)
            assert answer.status_code != 200
        assert (await client.get("/api/events/..%2F..%2Fetc%2Fpasswd/snapshot.jpg")).status_code == 404


async def test_public_pages_stay_public(api: RunningApi) -> None:
    async with api.client() as client:
        for path in ("/", "/static/js/main.js", "/healthz", "/readyz"):
            assert (await client.get(path)).status_code == 200, path


async def test_schools_rules_deadlines_and_status_lists_are_scoped(api: RunningApi) -> None:
    async with api.client("manager_b") as client:
        schools = (await client.get("/api/schools")).json()
        rules = (await client.get("/api/rules")).json()
        items = (await client.get("/api/events", params={"status": "open,acknowledged"})).json()["items"]
    assert [s["id"] for s in schools] == ["school-b"] and schools[0]["cameras"] == 1
    assert schools[0]["open_cases"] >= 1
    assert {r["key"] for r in rules} >= {"camera_blocked", "no_chef_hat"} and rules[0]["name_zh"]
    assert items and all(i["school_id"] == "school-b" and i["status"] in ("open", "acknowledged") for i in items)
    tier1_open = [i for i in items if i["tier"] == 1 and i["status"] == "open"]
    assert all(i["ack_deadline_ms"] > i["started_ms"] and i["rectify_deadline_ms"] for i in tier1_open)
    async with api.client("regulator") as client:
        assert {s["id"] for s in (await client.get("/api/schools")).json()} == {"school-a", "school-b"}
        bad = await client.get("/api/events", params={"status": "open,nonsense"})
    assert bad.status_code == 422
