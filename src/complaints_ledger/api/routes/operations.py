"""Operations: liveness, readiness (the store answers) and Prometheus metrics. No token needed."""

from __future__ import annotations

import structlog
from eventsourcing.persistence import PersistenceError
from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from complaints_ledger.api.deps import LedgerDep, MetricsDep
from complaints_ledger.api.models import Health
from complaints_ledger.api.problems import documented, problem_response
from complaints_ledger.api.routes import SummaryRoute

logger = structlog.get_logger(__name__)

router = APIRouter(tags=["operations"], route_class=SummaryRoute)


@router.get("/healthz", response_model=Health)
def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/readyz", response_model=Health, responses=documented(503))
def readyz(ledger: LedgerDep) -> dict[str, str] | JSONResponse:
    """The event store answers a trivial query."""
    try:
        ledger.recorder.max_notification_id()
    except (PersistenceError, OSError) as error:
        logger.warning("not ready", error=str(error))
        return problem_response(
            503, "not-ready", "Not ready", "the event store does not answer", field="store"
        )
    return {"status": "ok"}


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format"}},
)
def metrics(registry: MetricsDep) -> Response:
    """Prometheus metrics: requests, latencies, events appended, projection lag."""
    return Response(registry.render(), media_type=registry.content_type)
