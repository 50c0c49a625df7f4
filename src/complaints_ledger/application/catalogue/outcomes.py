"""The commands after an escalation: the ombudsman's outcome, remedy compliance, and the
regulator's acknowledgement. An ombudsman's principal acts on cases escalated to its own body,
a regulator's on cases notified to it (access/policy.py)."""

from __future__ import annotations

from complaints_ledger.application.catalogue import bodies as b
from complaints_ledger.application.catalogue.command import CASE_HANDLERS, CaseCommand
from complaints_ledger.application.catalogue.rules import SI_2009
from complaints_ledger.domain.values import Role

# The ombudsman records its own decision; the organisation may record the one it was sent.
OMBUDSMAN_RECORDERS = CASE_HANDLERS | {Role.OMBUDSMAN}
REGULATORS = frozenset({Role.REGULATOR})
OMBUDSMAN_RULE = f"{SI_2009} regs 16-18: complaints referred to the ombudsman; remedy compliance"

RECORD_OMBUDSMAN_OUTCOME = CaseCommand(
    name="record_ombudsman_outcome",
    path="/ombudsman-outcomes",
    body=b.OmbudsmanOutcome,
    run=lambda ledger, c: ledger.record_ombudsman_outcome(
        c.case_id,
        c.ctx,
        body=c.body.body,
        decision=c.body.decision,
        finding=c.body.finding,
        remedies=tuple(c.body.remedies),
        reference=c.body.reference,
    ),
    summary="Record an ombudsman's decision: finding, fault, injustice, remedies and due dates.",
    rule=f"{OMBUDSMAN_RULE}; the ombudsman's recommendations (s31 Local Government Act 1974)",
    roles=OMBUDSMAN_RECORDERS,
)

RECORD_REMEDY_COMPLIANCE = CaseCommand(
    name="record_remedy_compliance",
    path="/ombudsman-remedies/{remedy_id}/compliance",
    body=b.RemedyComplianceRecord,
    run=lambda ledger, c: ledger.record_remedy_compliance(
        c.case_id,
        c.ctx,
        remedy_id=c.path["remedy_id"],
        outcome=c.body.outcome,
        evidence=c.body.evidence,
        complied_on=c.body.complied_on,
    ),
    summary="Record what became of one ombudsman remedy: complied, late or refused, with evidence.",
    rule=OMBUDSMAN_RULE,
    roles=OMBUDSMAN_RECORDERS,
    path_parameters=("remedy_id",),
)

ACKNOWLEDGE_REGULATOR_NOTIFICATION = CaseCommand(
    name="acknowledge_regulator_notification",
    path="/regulator-acknowledgements",
    body=b.RegulatorAcknowledgement,
    run=lambda ledger, c: ledger.acknowledge_regulator_notification(
        c.case_id,
        c.ctx,
        regulator=c.body.regulator,
        reference=c.body.reference,
        note=c.body.note,
    ),
    summary="The regulator acknowledges the notification it received (regulators).",
    rule="Regulator notification (e.g. CQC: Health and Social Care Act 2008 (Regulated "
    "Activities) Regulations 2014, regulation 16)",
    roles=REGULATORS,
)
