"""``GET /metrics``: the api's Prometheus metrics (public, like /healthz: no incident data)."""

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api import metrics
from api.deps import StateDep

router = APIRouter(tags=["health"])


@router.get("/metrics", response_class=Response)
async def prometheus_metrics(state: StateDep) -> Response:
    """Counters, gauges and histograms in the Prometheus text format."""
    metrics.WS_CLIENTS.set(len(state.hub.clients))
    return Response(generate_latest(metrics.REGISTRY), media_type=CONTENT_TYPE_LATEST)
