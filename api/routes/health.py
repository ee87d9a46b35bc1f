"""Liveness and readiness."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import StateDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/readyz", response_model=None)
async def readyz(state: StateDep) -> JSONResponse:
    """Broker, database and consumers ready."""
    checks: dict[str, bool] = {"live": state.hub.ready.is_set()}
    if state.broker is not None:
        checks["broker"] = await state.broker.reachable()
    try:
        await state.db.ping()
        checks["database"] = True
    except Exception:
        checks["database"] = False
    checks.update(state.tasks_alive)
    ok = all(checks.values())
    return JSONResponse({"ready": ok, "checks": checks}, status_code=200 if ok else 503)
