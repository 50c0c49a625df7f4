"""The commands after the response: escalation, learning, feedback, corrections, closure, holds."""

from __future__ import annotations

from complaints_ledger.application.catalogue import bodies as b
from complaints_ledger.application.catalogue.command import MANAGERS, CaseCommand
from complaints_ledger.application.catalogue.outcomes import OMBUDSMAN_RECORDERS, OMBUDSMAN_RULE
from complaints_ledger.application.catalogue.rules import RECORDS, RETENTION, REVIEW, SI_2009

ESCALATE = CaseCommand(
    name="escalate",
    path="/escalations",
    body=b.Escalation,
    run=lambda ledger, c: ledger.escalate(
        c.case_id,
        c.ctx,
        route=c.body.route,
        reason=c.body.reason,
        body=c.body.body,
        reference=c.body.reference,
        regulator=c.body.regulator,
        about_identified_person=c.body.about_identified_person,
    ),
    summary="Escalate to stage 2, an ombudsman, a regulator or safeguarding.",
    rule="LGSCO Code stage 2; SPSO MCHP stage 2; the ombudsman's jurisdiction",
)

RECORD_OMBUDSMAN_DECISION = CaseCommand(
    name="record_ombudsman_decision",
    path="/ombudsman-decisions",
    body=b.OmbudsmanDecisionRecord,
    run=lambda ledger, c: ledger.record_ombudsman_decision(
        c.case_id,
        c.ctx,
        body=c.body.body,
        decision=c.body.decision,
        recommended_remedies=tuple(c.body.recommended_remedies),
        remedy_compliance=c.body.remedy_compliance,
    ),
    summary="Record an ombudsman's decision.",
    rule=OMBUDSMAN_RULE,
    roles=OMBUDSMAN_RECORDERS,
)

RECORD_LESSON = CaseCommand(
    name="record_lesson",
    path="/lessons",
    body=b.Lesson,
    run=lambda ledger, c: ledger.record_lesson(
        c.case_id,
        c.ctx,
        lesson_id=c.body.lesson_id,
        theme=c.body.theme,
        lesson=c.body.lesson,
        action=c.body.action,
        shared_with_partners=c.body.shared_with_partners,
    ),
    summary="Record a lesson learned and the action taken.",
    rule=f"{SI_2009} regs 16-18: matters of general importance and actions",
)

RECORD_FORUM_REVIEW = CaseCommand(
    name="record_forum_review",
    path="/forum-reviews",
    body=b.ForumReview,
    run=lambda ledger, c: ledger.record_forum_review(
        c.case_id,
        c.ctx,
        forum=c.body.forum,
        findings=c.body.findings,
        handled_well=c.body.handled_well,
    ),
    summary="Record a review of the case by a forum.",
    rule=REVIEW,
)

REQUEST_FEEDBACK = CaseCommand(
    name="request_feedback",
    path="/feedback-requests",
    body=b.FeedbackRequest,
    run=lambda ledger, c: ledger.request_feedback(
        c.case_id,
        c.ctx,
        channel=c.body.channel,
    ),
    summary="Ask the complainant for feedback on the handling.",
    rule=f"{REVIEW}: feedback from people who raised concerns",
)

RECEIVE_FEEDBACK = CaseCommand(
    name="receive_feedback",
    path="/feedback",
    body=b.Feedback,
    run=lambda ledger, c: ledger.receive_feedback(
        c.case_id,
        c.ctx,
        satisfaction=c.body.satisfaction,
        comments=c.body.comments,
    ),
    summary="Record the complainant's feedback.",
    rule=f"{REVIEW}: feedback from people who raised concerns",
)

CORRECT_FACT = CaseCommand(
    name="correct_fact",
    path="/corrections",
    body=b.Correction,
    run=lambda ledger, c: ledger.correct_fact(
        c.case_id,
        c.ctx,
        field=c.body.field,
        new_value=c.body.new_value,
        reason=c.body.reason,
    ),
    summary="Correct a recorded fact, with a reason (managers).",
    rule="UK GDPR Article 16 (rectification); the record keeps what it said before",
    roles=MANAGERS,
)

WITHDRAW = CaseCommand(
    name="withdraw",
    path="/withdrawal",
    body=b.Withdrawal,
    run=lambda ledger, c: ledger.withdraw(
        c.case_id,
        c.ctx,
        reason=c.body.reason,
    ),
    summary="Record that the complainant withdrew the complaint.",
    rule=RECORDS,
)

CLOSE_CASE = CaseCommand(
    name="close_case",
    path="/closure",
    body=b.Closure,
    run=lambda ledger, c: ledger.close_case(
        c.case_id,
        c.ctx,
        no_action_needed_reason=c.body.no_action_needed_reason,
    ),
    summary="Close the case (managers).",
    rule="NHS Records Management Code: retention runs from closure",
    roles=MANAGERS,
    aliases=("close",),
)

REOPEN = CaseCommand(
    name="reopen",
    path="/reopening",
    body=b.Reopening,
    run=lambda ledger, c: ledger.reopen(
        c.case_id,
        c.ctx,
        reason=c.body.reason,
    ),
    summary="Reopen a closed case.",
    rule=RECORDS,
)

PLACE_LITIGATION_HOLD = CaseCommand(
    name="place_litigation_hold",
    path="/place-litigation-hold",
    body=b.LitigationHold,
    run=lambda ledger, c: ledger.place_litigation_hold(
        c.case_id,
        c.ctx,
        reason=c.body.reason,
    ),
    summary="Place a litigation hold: nothing of the case is erased until it is lifted (managers).",
    rule=RETENTION,
    roles=MANAGERS,
)

LIFT_LITIGATION_HOLD = CaseCommand(
    name="lift_litigation_hold",
    path="/lift-litigation-hold",
    body=b.LitigationHoldLifting,
    run=lambda ledger, c: ledger.lift_litigation_hold(
        c.case_id,
        c.ctx,
        reason=c.body.reason,
    ),
    summary="Lift the litigation hold, so erasure and retention apply again (managers).",
    rule=RETENTION,
    roles=MANAGERS,
)
