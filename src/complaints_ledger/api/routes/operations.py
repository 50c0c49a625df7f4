"""Operations: liveness, readiness (the store answers) and Prometheus metrics. No token needed."""

from __future__ import annotations

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from complaints_ledger.api.deps import MetricsDep
from complaints_ledger.api.models import Health
from complaints_ledger.api.problems import RETRY_AFTER_SECONDS, documented, problem_response
from complaints_ledger.api.readiness import Readiness
from complaints_ledger.api.routes import SummaryRoute

logger = structlog.get_logger(__name__)

router = APIRouter(tags=["operations"], route_class=SummaryRoute)


@router.get("/healthz", response_model=Health)
def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/readyz", response_model=Health, responses=documented(503))
async def readyz(request: Request) -> dict[str, str] | JSONResponse:
    """Ready: the store answers a round trip, the keyring opens, the sealer keeps up. A 503
    names the failing part in `field`, within two seconds."""
    readiness: Readiness = request.app.state.readiness
    problem = await readiness.problem()
    if problem is not None:
        logger.warning("not ready", part=problem.part, detail=problem.detail)
        return problem_response(
            503,
            "not-ready",
            "Not ready",
            problem.detail,
            field=problem.part,
            headers={"Retry-After": RETRY_AFTER_SECONDS},
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
