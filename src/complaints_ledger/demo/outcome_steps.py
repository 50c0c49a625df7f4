"""Planning what the ombudsman and the regulator do with a case sent to them.

The ombudsman's caseworker records its decision (finding, fault and injustice, each remedy with
the date it is due by), then checks each remedy: most are carried out on time, some late, and
some are still not done when their date has passed (overdue). A regulator's inspector
acknowledges most notifications within days.
"""

from __future__ import annotations

from datetime import date, timedelta

from complaints_ledger.demo import bodies
from complaints_ledger.demo.planner import PlannerBase
from complaints_ledger.demo.texts import SUBJECT_REMEDIES
from complaints_ledger.domain.outcomes import RequestedRemedy
from complaints_ledger.domain.values import (
    Actor,
    EscalationRoute,
    OmbudsmanDecision,
    Regulator,
    Remedy,
    RemedyOutcome,
)

FINDINGS = {
    OmbudsmanDecision.UPHELD_FAULT_INJUSTICE: "We found fault in how {org} dealt with the "
    "{service}, and the fault caused the complainant distress and uncertainty.",
    OmbudsmanDecision.UPHELD_FAULT_ONLY: "We found fault in how {org} dealt with the {service}, "
    "but it did not cause the complainant a significant injustice.",
    OmbudsmanDecision.NOT_UPHELD: "We found no fault in how {org} dealt with the {service}.",
    OmbudsmanDecision.CLOSED_AFTER_INITIAL_ENQUIRIES: "We will not investigate: {org}'s "
    "response was reasonable and an investigation would be unlikely to achieve more.",
    OmbudsmanDecision.ADVICE_GIVEN: "We gave the complainant advice about their options; we "
    "did not investigate.",
    OmbudsmanDecision.INCOMPLETE_OR_INVALID: "The complainant did not send the information we "
    "asked for, so we could not consider the complaint.",
    OmbudsmanDecision.REFERRED_BACK_FOR_LOCAL_RESOLUTION: "Premature: {org} has not yet had the "
    "chance to respond, so we referred the complaint back for local resolution.",
}
# What each remedy asks for, and how many days after the decision it is due.
REMEDY_TERMS: dict[Remedy, tuple[str, int]] = {
    Remedy.APOLOGY: ("Apologise to the complainant in writing for the faults we found", 28),
    Remedy.FINANCIAL: ("Pay the complainant £{amount} for the distress caused", 28),
    Remedy.FRESH_ASSESSMENT: ("Carry out a fresh assessment of the person's care needs", 56),
    Remedy.REFUND: ("Refund the charges made in error, with interest", 28),
    Remedy.TRAINING: ("Remind the staff concerned of the expected standards in training", 84),
    Remedy.PROCEDURE_CHANGE: ("Review the procedure at fault and tell us what changed", 91),
}
EVIDENCE: dict[Remedy, str] = {
    Remedy.APOLOGY: "A copy of the signed apology letter",
    Remedy.FINANCIAL: "The remittance advice for the payment",
    Remedy.FRESH_ASSESSMENT: "The completed assessment and the revised care plan",
    Remedy.REFUND: "The refund statement sent to the complainant",
    Remedy.TRAINING: "The training attendance record",
    Remedy.PROCEDURE_CHANGE: "The revised procedure and the briefing note to staff",
}
ON_TIME, LATE = 0.55, 0.25  # the rest are left undone: overdue once their date passes
REGULATOR_ACKNOWLEDGES = 0.75


class OmbudsmanSteps(PlannerBase):
    def ombudsman_outcome(
        self, day: date, decision: OmbudsmanDecision, reference: str
    ) -> tuple[RequestedRemedy, ...]:
        """The ombudsman's decision on `day` (or just after the last step), and the checks on
        its remedies, which are returned."""
        body = self.profile.ombudsman
        caseworker = bodies.ombudsman_actor(self.extra, body)
        decided_on = max(day, self.today)
        remedies = self.requested_remedies(decision, decided_on)
        self.do(
            "record_ombudsman_outcome",
            decided_on,
            caseworker,
            body=body,
            decision=decision,
            finding=self.finding(decision),
            remedies=remedies,
            reference=reference,
        )
        for remedy in remedies:
            self.remedy_ids += 1
            self.check_remedy(f"R{self.remedy_ids}", remedy, decided_on, caseworker)
        return remedies

    def finding(self, decision: OmbudsmanDecision) -> str:
        service = self.profile.service.name.lower()
        return FINDINGS[decision].format(org=self.org.name, service=service)

    def requested_remedies(
        self, decision: OmbudsmanDecision, decided_on: date
    ) -> tuple[RequestedRemedy, ...]:
        if decision == OmbudsmanDecision.UPHELD_FAULT_INJUSTICE:
            chosen = [Remedy.APOLOGY, Remedy.FINANCIAL]
        elif decision == OmbudsmanDecision.UPHELD_FAULT_ONLY:
            chosen = [Remedy.APOLOGY]
        else:
            return ()
        # The first subject that calls for a remedy of its own, then a service improvement.
        subject_remedies = (SUBJECT_REMEDIES.get(s) for s in self.profile.intake.subjects)
        chosen += [r for r in subject_remedies if r is not None][:1]
        chosen.append(Remedy.PROCEDURE_CHANGE)
        return tuple(self.requested(remedy, decided_on) for remedy in chosen)

    def requested(self, remedy: Remedy, decided_on: date) -> RequestedRemedy:
        wording, days = REMEDY_TERMS[remedy]
        description = wording.format(amount=50 * self.extra.randint(3, 15))
        return RequestedRemedy(remedy, description, decided_on + timedelta(days=days))

    def check_remedy(
        self, remedy_id: str, remedy: RequestedRemedy, decided_on: date, caseworker: Actor
    ) -> None:
        """The ombudsman records what became of one remedy, when the evidence arrives."""
        roll = self.extra.random()
        if roll < ON_TIME:
            span = max(1, (remedy.due_on - decided_on).days - 1)
            done = decided_on + timedelta(days=self.extra.randint(1, span))
            outcome = RemedyOutcome.COMPLIED
        elif roll < ON_TIME + LATE:
            done = remedy.due_on + timedelta(days=self.extra.randint(3, 45))
            outcome = RemedyOutcome.LATE
        else:
            return  # not done: overdue once its date has passed
        self.later(
            "record_remedy_compliance",
            self.days(done, 0, 10),
            caseworker,
            remedy_id=remedy_id,
            outcome=outcome,
            evidence=f"{EVIDENCE[remedy.remedy]}, sent by {self.org.name}",
            complied_on=done,
        )

    def premature_ombudsman(self, start: date) -> None:
        """The complainant went to the ombudsman before the local process had finished."""
        body = self.profile.ombudsman
        day = self.days(start, 3, 20)
        reason = f"The complainant contacted the {body} before our response"
        reference = self.reference(day)
        route = EscalationRoute.OMBUDSMAN
        self.later("escalate", day, route=route, body=body, reason=reason, reference=reference)
        decision = OmbudsmanDecision.REFERRED_BACK_FOR_LOCAL_RESOLUTION
        if self.chance(0.25):
            decision = OmbudsmanDecision.CLOSED_AFTER_INITIAL_ENQUIRIES
        self.later(
            "record_ombudsman_outcome",
            self.days(day, 15, 40),
            bodies.ombudsman_actor(self.extra, body),
            body=body,
            decision=decision,
            finding=self.finding(decision),
            reference=reference,
        )

    def reference(self, day: date) -> str:
        return f"{day:%y} {self.rng.randrange(1000):03d} {self.rng.randrange(1000):03d}"

    def regulator_acknowledgement(self, regulator: Regulator) -> None:
        """The regulator's inspector acknowledges the notification it received."""
        if not self.extra_chance(REGULATOR_ACKNOWLEDGES):
            return
        reference = f"ENQ-{self.today:%Y}-{self.extra.randrange(100000):05d}"
        self.later(
            "acknowledge_regulator_notification",
            self.days(self.today, 1, 12),
            bodies.regulator_actor(self.extra, regulator),
            regulator=regulator,
            reference=reference,
            note="Received; passed to the inspector for the service, who will follow it up",
        )
