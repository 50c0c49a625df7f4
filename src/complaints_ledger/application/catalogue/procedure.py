"""The procedure's commands, from acknowledgement to the response."""

from __future__ import annotations

from complaints_ledger.application.catalogue import bodies as b
from complaints_ledger.application.catalogue.command import MANAGERS, CaseCommand
from complaints_ledger.application.catalogue.rules import NO_WRONG_DOOR, RECORDS, SI_2009
from complaints_ledger.domain.values import Role

REFERRERS = frozenset({Role.OFFICER, Role.MANAGER, Role.HEALTHWATCH})

ACKNOWLEDGE = CaseCommand(
    name="acknowledge",
    path="/acknowledgement",
    body=b.Acknowledgement,
    run=lambda ledger, c: ledger.acknowledge(
        c.case_id,
        c.ctx,
        discussion_offered=c.body.discussion_offered,
        response_period_agreed_until=c.body.response_period_agreed_until,
    ),
    summary="Acknowledge the complaint and offer to discuss it.",
    rule=f"{SI_2009} reg 13; LGSCO Code para 6.2; SPSO MCHP stage 2",
)

AGREE_RESPONSE_PERIOD = CaseCommand(
    name="agree_response_period",
    path="/response-period",
    body=b.ResponsePeriod,
    run=lambda ledger, c: ledger.agree_response_period(
        c.case_id,
        c.ctx,
        agreed_until=c.body.agreed_until,
        agreed_with_complainant=c.body.agreed_with_complainant,
    ),
    summary="Agree the response period with the complainant.",
    rule=f"{SI_2009} reg 14: a longer period agreed before the six months expire",
)

EXTEND_DEADLINE = CaseCommand(
    name="extend_deadline",
    path="/extensions",
    body=b.Extension,
    run=lambda ledger, c: ledger.extend_deadline(
        c.case_id,
        c.ctx,
        deadline=c.body.deadline,
        working_days=c.body.working_days,
        reason=c.body.reason,
        complainant_consent=c.body.complainant_consent,
    ),
    summary="Extend a response deadline, with the reason and consent.",
    rule="LGSCO Code paras 6.3-6.4 (10 or 20 working days); SPSO MCHP extensions",
)

REFER = CaseCommand(
    name="refer",
    path="/referrals",
    body=b.Referral,
    run=lambda ledger, c: ledger.refer(
        c.case_id,
        c.ctx,
        to_organisation=c.body.to_organisation,
        reason=c.body.reason,
        consent_to_share=c.body.consent_to_share,
    ),
    summary="Refer the complaint to another organisation.",
    rule=NO_WRONG_DOOR,
    roles=REFERRERS,
    registered_organisations=("to_organisation",),
)

ACCEPT_REFERRAL = CaseCommand(
    name="accept_referral",
    path="/referral-acceptance",
    body=b.ReferralAcceptance,
    run=lambda ledger, c: ledger.accept_referral(
        c.case_id,
        c.ctx,
        regime=c.body.regime,
    ),
    summary="Accept a complaint referred to the caller's organisation.",
    rule=f"{NO_WRONG_DOOR}: the clocks start on the receiver's receipt",
    by_receiver=True,
)

DECLINE_REFERRAL = CaseCommand(
    name="decline_referral",
    path="/referral-decline",
    body=b.ReferralDecline,
    run=lambda ledger, c: ledger.decline_referral(
        c.case_id,
        c.ctx,
        reason=c.body.reason,
        suggested_organisation=c.body.suggested_organisation,
    ),
    summary="Decline a complaint referred to the caller's organisation; it returns to its holder.",
    rule=f"{NO_WRONG_DOOR}: the holder's clocks keep running",
    by_receiver=True,
    registered_organisations=("suggested_organisation",),
)

RECALL_REFERRAL = CaseCommand(
    name="recall_referral",
    path="/referral-recall",
    body=b.ReferralRecall,
    run=lambda ledger, c: ledger.recall_referral(c.case_id, c.ctx, reason=c.body.reason),
    summary="Recall a referral the caller's organisation made, before it is accepted.",
    rule=f"{NO_WRONG_DOOR}: the holder's clocks keep running",
    roles=REFERRERS,
)

PASS_ON_REFERRAL = CaseCommand(
    name="pass_on_referral",
    path="/referral-passing-on",
    body=b.ReferralPassingOn,
    run=lambda ledger, c: ledger.pass_on_referral(
        c.case_id,
        c.ctx,
        to_organisation=c.body.to_organisation,
        reason=c.body.reason,
        consent_to_share=c.body.consent_to_share,
    ),
    summary="Pass a complaint referred to the caller's organisation on to another, with consent.",
    rule=f"{NO_WRONG_DOOR}: consent to share; the holder's clocks keep running",
    by_receiver=True,
    registered_organisations=("to_organisation",),
)

ACCEPT_LATE_COMPLAINT = CaseCommand(
    name="accept_late_complaint",
    path="/late-acceptance",
    body=b.LateAcceptance,
    run=lambda ledger, c: ledger.accept_late_complaint(
        c.case_id,
        c.ctx,
        good_reason_for_delay=c.body.good_reason_for_delay,
        can_investigate_effectively_and_fairly=c.body.can_investigate_effectively_and_fairly,
    ),
    summary="Accept a complaint made after the time limit.",
    rule=f"{SI_2009} reg 12: good reason and a fair investigation, both recorded",
)

START_INVESTIGATION = CaseCommand(
    name="start_investigation",
    path="/investigation",
    body=b.Investigation,
    run=lambda ledger, c: ledger.start_investigation(
        c.case_id,
        c.ctx,
        investigator=c.body.investigator,
    ),
    summary="Start the investigation, naming the investigator.",
    rule="the procedure's investigation; Wales stage 2: an independent investigator",
)

ASSIGN_HANDLER = CaseCommand(
    name="assign_handler",
    path="/handler",
    body=b.HandlerAssignment,
    run=lambda ledger, c: ledger.assign_handler(
        c.case_id, c.ctx, handler=c.body.handler, reason=c.body.reason
    ),
    summary="Assign the case to a handler, or hand it to another (managers).",
    rule=f"{RECORDS}: who deals with the complaint",
    roles=MANAGERS,
)

RECORD_EVIDENCE = CaseCommand(
    name="record_evidence",
    path="/evidence",
    body=b.Evidence,
    run=lambda ledger, c: ledger.record_evidence(
        c.case_id,
        c.ctx,
        evidence_kind=c.body.evidence_kind,
        source=c.body.source,
        notes=c.body.notes,
    ),
    summary="Record a piece of evidence.",
    rule=RECORDS,
)

UPDATE_COMPLAINANT = CaseCommand(
    name="update_complainant",
    path="/updates",
    body=b.ComplainantUpdate,
    run=lambda ledger, c: ledger.update_complainant(
        c.case_id,
        c.ctx,
        channel=c.body.channel,
        message=c.body.message,
    ),
    summary="Record an update given to the complainant.",
    rule=f"{SI_2009} reg 14: keep the complainant informed",
    roles=frozenset({Role.OFFICER, Role.MANAGER, Role.HEALTHWATCH}),
)

PLAN_ACTION = CaseCommand(
    name="plan_action",
    path="/actions",
    body=b.ActionPlan,
    run=lambda ledger, c: ledger.plan_action(
        c.case_id,
        c.ctx,
        action_id=c.body.action_id,
        description=c.body.description,
        owner=c.body.owner,
        due_on=c.body.due_on,
    ),
    summary="Plan an action arising from the complaint.",
    rule=f"{SI_2009} regs 16-18: actions taken or planned, in the annual report",
)

COMPLETE_ACTION = CaseCommand(
    name="complete_action",
    path="/actions/{action_id}/completion",
    body=b.ActionCompletion,
    run=lambda ledger, c: ledger.complete_action(
        c.case_id,
        c.ctx,
        action_id=c.path["action_id"],
        note=c.body.note,
    ),
    summary="Record that a planned action was completed.",
    rule=f"{SI_2009} regs 16-18: actions taken or planned, in the annual report",
    path_parameters=("action_id",),
)

SEND_RESPONSE = CaseCommand(
    name="send_response",
    path="/response",
    body=b.Response,
    run=lambda ledger, c: ledger.send_response(
        c.case_id,
        c.ctx,
        outcome=c.body.outcome,
        remedies=tuple(c.body.remedies),
        signed_by=c.body.signed_by,
        ombudsman_rights_given=c.body.ombudsman_rights_given,
        summary=c.body.summary,
    ),
    summary="Send the response: outcome, remedies and ombudsman rights.",
    rule=f"{SI_2009} reg 14: a signed response with the right to go to the ombudsman",
    aliases=("respond",),
)

PAUSE_TARGET = CaseCommand(
    name="pause_target",
    path="/target-pause",
    body=b.TargetPause,
    run=lambda ledger, c: ledger.pause_target(
        c.case_id,
        c.ctx,
        reason=c.body.reason,
    ),
    summary="Pause the internal response target.",
    rule="internal service target (statutory clocks never pause)",
)

RESUME_TARGET = CaseCommand(
    name="resume_target",
    path="/target-resumption",
    body=b.TargetResumption,
    run=lambda ledger, c: ledger.resume_target(c.case_id, c.ctx),
    summary="Resume the paused internal response target.",
    rule="internal service target (statutory clocks never pause)",
)
