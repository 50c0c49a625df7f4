"""Read-model routes: timeliness dashboard, learning register, partner feeds, annual report and
audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request

from complaints_ledger.api.deps import LedgerDep, PolicyDep, PrincipalDep
from complaints_ledger.api.problems import documented
from complaints_ledger.api.read_deps import (
    AsOfLimitsDep,
    AsOfQuery,
    OrganisationQuery,
    TodayQuery,
    ViewsDep,
    scoped_organisation,
    today_or,
)
from complaints_ledger.domain.errors import InvalidValueError
from complaints_ledger.inputs import Name, ReportingYear
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.privacy.pseudonyms import audience_of
from complaints_ledger.privacy.sharing import case_facts
from complaints_ledger.readside.as_of_limits import AsOfLimits
from complaints_ledger.readside.as_of_reads import views_as_of
from complaints_ledger.readside.runner import current_namespace
from projections import annual_report, audit_trail, learning_register, timeliness
from projections.annual_report_counts import reporting_year_bounds
from projections.timeliness_summary import timeliness_report

READ_MODEL_PROBLEMS = documented(400, 401, 403, 404, 422, 503)
router = APIRouter(tags=["read models"])


@router.get("/dashboards/timeliness", responses=READ_MODEL_PROBLEMS)
def timeliness_dashboard(
    principal: PrincipalDep,
    policy: PolicyDep,
    db: ViewsDep,
    limits: AsOfLimitsDep,
    organisation: OrganisationQuery = None,
    as_of: AsOfQuery = None,
    today: TodayQuery = None,
    at_risk_working_days: Annotated[int, Query(ge=0, le=60)] = 3,
) -> dict[str, Any]:
    """Timeliness per organisation, service, regime and month, and the cases overdue now."""
    # The same document as `report dashboard --json`; rows gained within_target_percent, and the
    # document gained totals (a description change would break the OpenAPI snapshot).
    scope = scoped_organisation(policy, principal, organisation)
    day = today_or(today, as_of)
    with views_as_of(db, timeliness.PROJECTION, as_of, limits) as namespace:
        return timeliness_report(
            db,
            organisation=scope,
            today=day,
            as_of=as_of,
            namespace=namespace,
            at_risk_working_days=at_risk_working_days,
        )


@router.get("/learning-register", responses=READ_MODEL_PROBLEMS)
def learning(
    principal: PrincipalDep,
    policy: PolicyDep,
    db: ViewsDep,
    limits: AsOfLimitsDep,
    organisation: OrganisationQuery = None,
    theme: Annotated[Name | None, Query(description="Only lessons on this theme.")] = None,
    shared_only: Annotated[bool, Query()] = False,
    as_of: AsOfQuery = None,
    today: TodayQuery = None,
) -> dict[str, Any]:
    """Every lesson with its actions (open, done or overdue); no personal data."""
    scope = scoped_organisation(policy, principal, organisation)
    with views_as_of(db, learning_register.PROJECTION, as_of, limits) as namespace:
        lessons = learning_register.lessons(
            db,
            organisation=scope,
            theme=theme,
            shared_only=shared_only,
            today=today_or(today, as_of),
            namespace=namespace,
        )
    return {"as_of": _instant_text(as_of), "lessons": lessons}


@router.get("/learning-register/you-said-we-did", responses=READ_MODEL_PROBLEMS)
def you_said_we_did(
    _principal: PrincipalDep, db: ViewsDep, organisation: OrganisationQuery = None
) -> dict[str, Any]:
    """The partner feed of shared lessons (any signed-in caller): no personal data, no case ids."""
    namespace = current_namespace(db, learning_register.PROJECTION, None)
    feed = learning_register.you_said_we_did(db, organisation=organisation, namespace=namespace)
    return {"feed": feed}


@router.get("/sharing/case-facts", responses=READ_MODEL_PROBLEMS)
def shared_case_facts(
    principal: PrincipalDep,
    ledger: LedgerDep,
    db: ViewsDep,
    organisation: OrganisationQuery = None,
) -> dict[str, Any]:
    """The partner feed of case facts (any signed-in caller): no case ids, text or identities."""
    namespace = current_namespace(db, timeliness.PROJECTION, None)
    facts = case_facts(
        db,
        ledger.subject_keys,
        audience=audience_of(principal.role, principal.organisation),
        namespace=namespace,
        organisation=organisation,
    )
    return {"facts": facts}


@router.get("/reports/annual", responses=READ_MODEL_PROBLEMS)
def annual(
    principal: PrincipalDep,
    policy: PolicyDep,
    db: ViewsDep,
    organisation: Annotated[Name, Query(description="The organisation reporting.")],
    year: Annotated[
        ReportingYear, Query(description="Reporting year from 1 April: 2026 or 2026-27.")
    ],
    limits: AsOfLimitsDep,
    as_of: AsOfQuery = None,
) -> dict[str, Any]:
    """The annual report (regs 16-18) with KO41-style counts, for one organisation and year."""
    scope = scoped_organisation(policy, principal, organisation) or organisation
    return annual_report_document(db, organisation=scope, year=year, as_of=as_of, limits=limits)


def annual_report_document(
    db: ViewDatabase,
    *,
    organisation: str,
    year: str,
    as_of: datetime | None,
    limits: AsOfLimits,
) -> dict[str, Any]:
    """The annual report's document, as this route answers it (and the web page downloads it):
    a year not of the form 2026 or 2026-27, or an organisation no case names, is refused
    naming its field."""
    try:
        reporting_year_bounds(year)
    except ValueError as error:
        raise InvalidValueError(str(error), field="year") from None
    with views_as_of(db, annual_report.PROJECTION, as_of, limits) as namespace:
        if organisation not in annual_report.organisations(db, namespace):
            raise InvalidValueError(
                f"no complaints are recorded for {organisation!r}", field="organisation"
            )
        report = annual_report.annual_report(
            db, organisation=organisation, year=year, namespace=namespace
        )
    return {**report, "as_of": _instant_text(as_of)}


@router.get("/complaints/{case_id}/audit-trail", responses=READ_MODEL_PROBLEMS)
def case_audit_trail(
    case_id: UUID,
    request: Request,
    ledger: LedgerDep,
    principal: PrincipalDep,
    policy: PolicyDep,
    db: ViewsDep,
    limits: AsOfLimitsDep,
    as_of: AsOfQuery = None,
) -> dict[str, Any]:
    """Every event of the case with recorded and occurred time, actor and organisation."""
    complaint = ledger.get(case_id)
    policy.check_can_read_case(principal, complaint)
    with views_as_of(db, audit_trail.PROJECTION, as_of, limits) as namespace:
        events = audit_trail.case_events(db, str(case_id), namespace)
    ledger.record_read(
        case_id, principal.actor, what="audit trail", purpose=request.headers.get("Purpose")
    )
    return {
        "id": str(case_id),
        "as_of": _instant_text(as_of),
        "events": events,
    }


def _instant_text(as_of: datetime | None) -> str | None:
    """The instant an answer describes (None: the live views, as of now)."""
    return as_of.isoformat() if as_of is not None else None
