"""One `POST /complaints/{id}/<action>` per ledger command; each returns the updated case."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from complaints_ledger.api import command_bodies as bodies
from complaints_ledger.api.deps import CaseId, CommandsDep
from complaints_ledger.api.models import CaseView
from complaints_ledger.api.problems import documented
from complaints_ledger.api.routes import SummaryRoute
from complaints_ledger.inputs import Name

router = APIRouter(prefix="/complaints/{case_id}", tags=["case commands"], route_class=SummaryRoute)

ActionId = Annotated[Name, Path(description="The id the action was planned with.")]
Handler = Callable[..., Any]
COMMAND_PROBLEMS = documented(400, 401, 403, 404, 409, 413, 415, 422, 503)


def command(path: str) -> Callable[[Handler], Handler]:
    return router.post(path, response_model=CaseView, responses=COMMAND_PROBLEMS)


@command("/acknowledgement")
def acknowledge(
    case_id: CaseId, body: bodies.Acknowledgement, commands: CommandsDep
) -> JSONResponse:
    """Acknowledge the complaint and offer to discuss it."""
    return commands.run(case_id, "acknowledge", body)


@command("/response-period")
def agree_response_period(
    case_id: CaseId, body: bodies.ResponsePeriod, commands: CommandsDep
) -> JSONResponse:
    """Agree the response period with the complainant."""
    return commands.run(case_id, "agree_response_period", body)


@command("/extensions")
def extend_deadline(case_id: CaseId, body: bodies.Extension, commands: CommandsDep) -> JSONResponse:
    """Extend a response deadline, with the reason and consent."""
    return commands.run(case_id, "extend_deadline", body)


@command("/referrals")
def refer(case_id: CaseId, body: bodies.Referral, commands: CommandsDep) -> JSONResponse:
    """Refer the complaint to another organisation."""
    return commands.run(case_id, "refer", body)


@command("/referral-acceptance")
def accept_referral(
    case_id: CaseId, body: bodies.ReferralAcceptance, commands: CommandsDep
) -> JSONResponse:
    """Accept a complaint referred to the caller's organisation."""
    return commands.run(case_id, "accept_referral", body)


@command("/late-acceptance")
def accept_late_complaint(
    case_id: CaseId, body: bodies.LateAcceptance, commands: CommandsDep
) -> JSONResponse:
    """Accept a complaint made after the time limit."""
    return commands.run(case_id, "accept_late_complaint", body)


@command("/investigation")
def start_investigation(
    case_id: CaseId, body: bodies.Investigation, commands: CommandsDep
) -> JSONResponse:
    """Start the investigation, naming the investigator."""
    return commands.run(case_id, "start_investigation", body)


@command("/evidence")
def record_evidence(case_id: CaseId, body: bodies.Evidence, commands: CommandsDep) -> JSONResponse:
    """Record a piece of evidence."""
    return commands.run(case_id, "record_evidence", body)


@command("/updates")
def update_complainant(
    case_id: CaseId, body: bodies.ComplainantUpdate, commands: CommandsDep
) -> JSONResponse:
    """Record an update given to the complainant."""
    return commands.run(case_id, "update_complainant", body)


@command("/actions")
def plan_action(case_id: CaseId, body: bodies.ActionPlan, commands: CommandsDep) -> JSONResponse:
    """Plan an action arising from the complaint."""
    return commands.run(case_id, "plan_action", body)


@command("/actions/{action_id}/completion")
def complete_action(
    case_id: CaseId, action_id: ActionId, body: bodies.ActionCompletion, commands: CommandsDep
) -> JSONResponse:
    """Record that a planned action was completed."""
    return commands.run(case_id, "complete_action", body, action_id=action_id)


@command("/response")
def send_response(case_id: CaseId, body: bodies.Response, commands: CommandsDep) -> JSONResponse:
    """Send the response: outcome, remedies and ombudsman rights."""
    return commands.run(case_id, "send_response", body)


@command("/target-pause")
def pause_target(case_id: CaseId, body: bodies.TargetPause, commands: CommandsDep) -> JSONResponse:
    """Pause the internal response target."""
    return commands.run(case_id, "pause_target", body)


@command("/target-resumption")
def resume_target(
    case_id: CaseId, body: bodies.TargetResumption, commands: CommandsDep
) -> JSONResponse:
    """Resume the paused internal response target."""
    return commands.run(case_id, "resume_target", body)


@command("/escalations")
def escalate(case_id: CaseId, body: bodies.Escalation, commands: CommandsDep) -> JSONResponse:
    """Escalate to stage 2, an ombudsman, a regulator or safeguarding."""
    return commands.run(case_id, "escalate", body)


@command("/ombudsman-decisions")
def record_ombudsman_decision(
    case_id: CaseId, body: bodies.OmbudsmanDecisionRecord, commands: CommandsDep
) -> JSONResponse:
    """Record an ombudsman's decision."""
    return commands.run(case_id, "record_ombudsman_decision", body)


@command("/lessons")
def record_lesson(case_id: CaseId, body: bodies.Lesson, commands: CommandsDep) -> JSONResponse:
    """Record a lesson learned and the action taken."""
    return commands.run(case_id, "record_lesson", body)


@command("/forum-reviews")
def record_forum_review(
    case_id: CaseId, body: bodies.ForumReview, commands: CommandsDep
) -> JSONResponse:
    """Record a review of the case by a forum."""
    return commands.run(case_id, "record_forum_review", body)


@command("/feedback-requests")
def request_feedback(
    case_id: CaseId, body: bodies.FeedbackRequest, commands: CommandsDep
) -> JSONResponse:
    """Ask the complainant for feedback on the handling."""
    return commands.run(case_id, "request_feedback", body)


@command("/feedback")
def receive_feedback(case_id: CaseId, body: bodies.Feedback, commands: CommandsDep) -> JSONResponse:
    """Record the complainant's feedback."""
    return commands.run(case_id, "receive_feedback", body)


@command("/corrections")
def correct_fact(case_id: CaseId, body: bodies.Correction, commands: CommandsDep) -> JSONResponse:
    """Correct a recorded fact, with a reason (managers)."""
    return commands.run(case_id, "correct_fact", body)


@command("/withdrawal")
def withdraw(case_id: CaseId, body: bodies.Withdrawal, commands: CommandsDep) -> JSONResponse:
    """Record that the complainant withdrew the complaint."""
    return commands.run(case_id, "withdraw", body)


@command("/closure")
def close_case(case_id: CaseId, body: bodies.Closure, commands: CommandsDep) -> JSONResponse:
    """Close the case (managers)."""
    return commands.run(case_id, "close_case", body)


@command("/reopening")
def reopen(case_id: CaseId, body: bodies.Reopening, commands: CommandsDep) -> JSONResponse:
    """Reopen a closed case."""
    return commands.run(case_id, "reopen", body)


@command("/place-litigation-hold")
def place_litigation_hold(
    case_id: CaseId, body: bodies.LitigationHold, commands: CommandsDep
) -> JSONResponse:
    """Place a litigation hold: nothing of the case is erased until it is lifted (managers)."""
    return commands.run(case_id, "place_litigation_hold", body)


@command("/lift-litigation-hold")
def lift_litigation_hold(
    case_id: CaseId, body: bodies.LitigationHoldLifting, commands: CommandsDep
) -> JSONResponse:
    """Lift the litigation hold, so erasure and retention apply again (managers)."""
    return commands.run(case_id, "lift_litigation_hold", body)
