"""Escalation: internal stage 2, the ombudsman, the regulator, safeguarding; ombudsman decisions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from complaints_ledger.domain.case_state import (
    STAGE_2,
    CaseBase,
    StateCheck,
    envelope,
    require_status,
    require_text,
    status_rule,
)
from complaints_ledger.domain.errors import InvalidValueError, RuleViolationError
from complaints_ledger.domain.jurisdiction import check_ombudsman, check_regulator
from complaints_ledger.domain.lifecycle_rules import CODE_REGIMES
from complaints_ledger.domain.values import (
    EscalationRoute,
    Ombudsman,
    OmbudsmanDecision,
    Regulator,
    Remedy,
    RemedyCompliance,
    Stamp,
    Status,
)

ESCALATABLE_ANY_TIME = frozenset(
    {
        Status.RECEIVED,
        Status.REFERRED,
        Status.ACKNOWLEDGED,
        Status.INVESTIGATING,
        Status.RESPONDED,
        Status.ESCALATED,
        Status.CLOSED,
    }
)


def require_escalated_to_ombudsman(case: CaseBase, command: str) -> None:
    require_status(case, command, ESCALATABLE_ANY_TIME)
    if not case.ombudsman_bodies:
        raise RuleViolationError(
            "the complaint was not escalated to an ombudsman; record the escalation first",
            field="body",
        )


class Escalation(CaseBase):
    STATE_RULES: ClassVar[Mapping[str, StateCheck]] = {
        "escalate": status_rule("escalate", ESCALATABLE_ANY_TIME),
        "record_ombudsman_decision": lambda case: require_escalated_to_ombudsman(
            case, "record an ombudsman decision"
        ),
    }

    class Escalated(CaseBase.Event):
        route: str
        body: str | None
        reason: str
        reference: str | None
        regulator: str | None
        about_identified_person: bool

        # v1 named no regulator: such notifications reach no regulator's reader.
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state.setdefault("regulator", None)
            state.setdefault("about_identified_person", False)

        def apply(self, case: Escalation) -> None:
            if self.route == EscalationRoute.STAGE_2:
                case.stage = 2
                case.stage_2_requested_at = self.occurred_at
                case.status = Status.ESCALATED
            elif self.route == EscalationRoute.OMBUDSMAN and self.body:
                case.ombudsman_bodies.append(self.body)
            elif self.route == EscalationRoute.REGULATOR and self.regulator:
                case._record(
                    "regulator_notifications",
                    {
                        "regulator": self.regulator,
                        "about_identified_person": self.about_identified_person,
                        "reference": self.reference,
                        "at": self.occurred_at,
                    },
                )
            case._record(
                "escalations", {"route": self.route, "body": self.body, "at": self.occurred_at}
            )

    class OmbudsmanDecisionRecorded(CaseBase.Event):
        body: str
        decision: str
        recommended_remedies: list[str]
        remedy_compliance: str

        def apply(self, case: Escalation) -> None:
            case._record(
                "ombudsman_decisions",
                {
                    "body": self.body,
                    "decision": self.decision,
                    "at": self.occurred_at,
                    "recommended_remedies": list(self.recommended_remedies),
                    "remedy_compliance": self.remedy_compliance,
                },
            )

    def escalate(
        self,
        stamp: Stamp,
        *,
        route: EscalationRoute,
        reason: str,
        body: Ombudsman | None = None,
        reference: str | None = None,
        regulator: Regulator | None = None,
        about_identified_person: bool = False,
    ) -> None:
        self._check_stamp(stamp, command="escalate")
        self._require_state("escalate")
        reason = require_text(reason, "reason")
        if route == EscalationRoute.STAGE_2:
            self._check_stage_2_request()
        self._check_escalation_target(route, body, regulator, about_identified_person)
        self.trigger_event(
            self.Escalated,
            **envelope(stamp),
            route=str(route),
            body=str(body) if body else None,
            reason=reason,
            reference=reference.strip() if reference else None,
            regulator=str(regulator) if regulator else None,
            about_identified_person=about_identified_person,
        )

    def _check_escalation_target(
        self,
        route: EscalationRoute,
        body: Ombudsman | None,
        regulator: Regulator | None,
        about_identified_person: bool,
    ) -> None:
        if route == EscalationRoute.OMBUDSMAN and body is None:
            raise InvalidValueError("name the ombudsman the complaint went to", field="body")
        if route != EscalationRoute.OMBUDSMAN and body is not None:
            raise InvalidValueError("body applies only to ombudsman escalations", field="body")
        if route != EscalationRoute.REGULATOR and regulator is not None:
            raise InvalidValueError(
                "regulator applies only to regulator notifications", field="regulator"
            )
        if about_identified_person and regulator is None:
            raise InvalidValueError(
                "about_identified_person applies to a notification to a named regulator",
                field="about_identified_person",
            )
        if body is not None:
            check_ombudsman(self.regime, body)
        if regulator is not None:
            check_regulator(self.regime, regulator)

    def _check_stage_2_request(self) -> None:
        self._require_not_compliment("escalate to stage 2")
        if self.regime not in CODE_REGIMES:
            raise RuleViolationError(
                f"{self.regime} has a single local stage; the next step is the ombudsman",
                field="route",
            )
        if self.stage == STAGE_2:
            raise RuleViolationError("the complaint is already at stage 2", field="route")
        self._require_status("escalate to stage 2", frozenset({Status.RESPONDED}))

    def record_ombudsman_decision(
        self,
        stamp: Stamp,
        *,
        body: Ombudsman,
        decision: OmbudsmanDecision,
        recommended_remedies: tuple[Remedy, ...] = (),
        remedy_compliance: RemedyCompliance = RemedyCompliance.NOT_APPLICABLE,
    ) -> None:
        self._check_stamp(stamp, command="record an ombudsman decision")
        self._require_state("record_ombudsman_decision")
        if str(body) not in self.ombudsman_bodies:
            raise RuleViolationError(
                f"the complaint was not escalated to {body}; record the escalation first",
                field="body",
            )
        if recommended_remedies and remedy_compliance == RemedyCompliance.NOT_APPLICABLE:
            raise InvalidValueError(
                "state whether the recommended remedies were complied with",
                field="remedy_compliance",
            )
        self.trigger_event(
            self.OmbudsmanDecisionRecorded,
            **envelope(stamp),
            body=str(body),
            decision=str(decision),
            recommended_remedies=[str(r) for r in recommended_remedies],
            remedy_compliance=str(remedy_compliance),
        )
