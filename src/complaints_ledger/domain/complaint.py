"""The Complaint aggregate: one case of a complaint, concern or compliment, receipt to learning.

Each part of the procedure lives in its own module as a mixin; the events they declare are nested
here, in `Complaint`, which fixes their stored topics (`...complaint:Complaint.Acknowledged`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.domain import Snapshot as LibrarySnapshot

from complaints_ledger.domain import clocks
from complaints_ledger.domain.assignment import Assignment
from complaints_ledger.domain.case_state import (
    CaseBase,
    check_not_future_date,
    check_occurred_at,
    envelope,
    require_text,
)
from complaints_ledger.domain.corrections import Corrections
from complaints_ledger.domain.errors import InvalidValueError
from complaints_ledger.domain.escalation import Escalation
from complaints_ledger.domain.exclusions import Exclusions
from complaints_ledger.domain.follow_up import FollowUp
from complaints_ledger.domain.handling import Handling
from complaints_ledger.domain.letters import Letters
from complaints_ledger.domain.lifecycle import Lifecycle
from complaints_ledger.domain.local_resolution import LocalResolution
from complaints_ledger.domain.outcomes import Outcomes
from complaints_ledger.domain.privacy import Privacy
from complaints_ledger.domain.referrals import Referrals
from complaints_ledger.domain.values import (
    Channel,
    Kind,
    Outcome,
    Person,
    RegimeId,
    Representative,
    Stamp,
    Status,
)


@dataclass(frozen=True)
class Intake:
    """What is known when a complaint, concern or compliment arrives."""

    kind: Kind
    channel: Channel
    regime: RegimeId
    receiving_organisation: str
    about_organisation: str
    service: str
    subjects: tuple[str, ...]
    complainant: Person
    summary: str
    representative: Representative | None = None
    accessibility_needs: tuple[str, ...] = ()
    advocacy: str | None = None
    matter_occurred_on: date | None = None
    matter_noticed_on: date | None = None
    internal_target_working_days: int | None = 20


class Complaint(
    Exclusions,
    LocalResolution,
    Lifecycle,
    Referrals,
    Handling,
    Assignment,
    Escalation,
    Outcomes,
    FollowUp,
    Corrections,
    Letters,
    Privacy,
):
    # The shape of the state that snapshots hold. v1 lacked `represented` and
    # `earliest_follow_up_at`; a v1 snapshot cannot know the latter, so it stays unset.
    # v2 predates erasure and litigation holds: nothing was erased or held then.
    # v3 predates assigning handlers: each stage's handler was its investigator.
    class_version = 4

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state.setdefault("represented", bool((state.get("personal") or {}).get("representative")))
        state.setdefault("earliest_follow_up_at", None)

    @staticmethod
    def upcast_v2_v3(state: dict[str, Any]) -> None:
        state.setdefault("erased_roles", [])
        state.setdefault("litigation_hold", None)

    @staticmethod
    def upcast_v3_v4(state: dict[str, Any]) -> None:
        state.setdefault("handlers", dict(state.get("investigators") or {}))

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        if kwargs.get("personal"):
            self._check_personal_data_allowed(kwargs["personal"])
        super().trigger_event(event_class, **kwargs)

    class Snapshot(LibrarySnapshot):
        def mutate(self, _: None) -> Complaint:
            case = cast("Complaint", super().mutate(None))
            case.retype_after_load()
            return case

    def retype_after_load(self) -> None:
        """JSON has no enums or tuples: restore them after a snapshot is loaded."""
        self.kind, self.channel = Kind(self.kind), Channel(self.channel)
        self.regime, self.subjects = RegimeId(self.regime), tuple(self.subjects)
        self.status = Status(self.status)
        self.status_before_close = Status(self.status_before_close)
        self.outcome = Outcome(self.outcome) if self.outcome else None

    class Received(Aggregate.Created, CaseBase.Event):
        kind: str
        channel: str
        regime: str
        receiving_organisation: str
        about_organisation: str
        service: str
        subjects: list[str]
        advocacy: str | None
        matter_occurred_on: date | None
        matter_noticed_on: date | None
        internal_target_working_days: int | None
        counting_convention: str
        represented: bool  # a representative acts for the person: reportable without their data
        personal: dict[str, Any]  # complainant, representative, summary, accessibility needs

        # v1 (the prototype's shape) stored neither the counting convention nor an internal
        # target: such cases counted by the first convention and had no internal target.
        # v2 did not say outside the personal part whether a representative acts.
        class_version = 3

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state.setdefault("counting_convention", clocks.FIRST_COUNTING_CONVENTION)
            state.setdefault("internal_target_working_days", None)

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            personal = state.get("personal") or {}
            state["represented"] = bool(personal.get("representative"))

    def __init__(  # noqa: PLR0917 - eventsourcing passes the Received fields by name
        self,
        kind: str,
        channel: str,
        regime: str,
        receiving_organisation: str,
        about_organisation: str,
        service: str,
        subjects: list[str],
        advocacy: str | None,
        matter_occurred_on: date | None,
        matter_noticed_on: date | None,
        internal_target_working_days: int | None,
        represented: bool,
        personal: dict[str, Any],
        occurred_at: datetime,
        correlation_id: str,
    ) -> None:
        self.kind = Kind(kind)
        self.channel = Channel(channel)
        self.regime = RegimeId(regime)
        self.receiving_organisation = receiving_organisation
        self.handling_organisation = receiving_organisation
        self.about_organisation = about_organisation
        self.service = service
        self.subjects = tuple(subjects)
        self.advocacy = advocacy
        self.matter_occurred_on = matter_occurred_on
        self.matter_noticed_on = matter_noticed_on
        self.internal_target_working_days = internal_target_working_days
        self.represented = represented
        self.personal = personal
        self.erased_roles, self.litigation_hold = [], None
        self.received_at = self.first_received_at = self.last_occurred_at = occurred_at
        self._start_progress(correlation_id)

    def _start_progress(self, correlation_id: str) -> None:
        self.status = self.status_before_close = Status.RECEIVED
        self.stage = 1
        self.acknowledged_at = self.responded_at = None
        self.stage_2_requested_at = self.stage_2_acknowledged_at = self.stage_2_responded_at = None
        self.agreed_response_due = None
        self.extensions, self.target_pauses = [], []
        self.investigators, self.handlers, self.actions, self.records = {}, {}, {}, {}
        self.outcome = None
        self.no_action_needed_reason = None
        self.late_acceptance = self.pending_referral = None
        self.ombudsman_bodies = []
        self.feedback_requested = False
        self.stopped_at = None
        self.earliest_follow_up_at = None
        self.correlation_ids = {correlation_id}

    @classmethod
    def receive(cls, stamp: Stamp, intake: Intake, *, complaint_id: UUID) -> Complaint:
        check_occurred_at_for_receipt(stamp, intake)
        return cls._create(
            cls.Received,
            id=complaint_id,
            **envelope(stamp),
            kind=str(intake.kind),
            channel=str(intake.channel),
            regime=str(intake.regime),
            receiving_organisation=require_text(
                intake.receiving_organisation, "receiving_organisation"
            ),
            about_organisation=require_text(intake.about_organisation, "about_organisation"),
            service=require_text(intake.service, "service"),
            subjects=_clean_subjects(intake.subjects),
            advocacy=intake.advocacy.strip() if intake.advocacy else None,
            matter_occurred_on=intake.matter_occurred_on,
            matter_noticed_on=intake.matter_noticed_on,
            internal_target_working_days=intake.internal_target_working_days,
            counting_convention=clocks.COUNTING_CONVENTION,
            represented=intake.representative is not None,
            personal=_personal_part(intake),
        )


def check_occurred_at_for_receipt(stamp: Stamp, intake: Intake) -> None:
    check_occurred_at(stamp)
    check_not_future_date(intake.matter_occurred_on, "matter_occurred_on", stamp)
    check_not_future_date(intake.matter_noticed_on, "matter_noticed_on", stamp)
    received_on = clocks.uk_local_date(stamp.occurred_at)
    for name, value in (
        ("matter_occurred_on", intake.matter_occurred_on),
        ("matter_noticed_on", intake.matter_noticed_on),
    ):
        if value is not None and value > received_on:
            raise InvalidValueError(
                f"{name} cannot be after the complaint was received", field=name
            )
    if (
        intake.matter_occurred_on
        and intake.matter_noticed_on
        and intake.matter_noticed_on < intake.matter_occurred_on
    ):
        raise InvalidValueError(
            "matter_noticed_on cannot be before matter_occurred_on", field="matter_noticed_on"
        )
    if intake.internal_target_working_days is not None and intake.internal_target_working_days < 1:
        raise InvalidValueError(
            "internal_target_working_days must be at least 1", field="internal_target_working_days"
        )


def _clean_subjects(subjects: tuple[str, ...]) -> list[str]:
    cleaned = list(dict.fromkeys(s.strip() for s in subjects if s and s.strip()))
    if not cleaned:
        raise InvalidValueError("at least one subject is needed", field="subjects")
    return cleaned


def _personal_part(intake: Intake) -> dict[str, Any]:
    require_text(intake.complainant.name, "complainant.name")
    return {
        "complainant": intake.complainant.as_dict(),
        "representative": intake.representative.as_dict() if intake.representative else None,
        "summary": require_text(intake.summary, "summary"),
        "accessibility_needs": list(intake.accessibility_needs),
    }


def event_type_names() -> tuple[str, ...]:
    """Every event a case can record, by class name (the last part of its stored topic): those
    of every part `Complaint` is made of, so that a part added to it is never left out."""
    names = ["Received"]
    for part in Complaint.__bases__:
        names.extend(
            name
            for name, value in vars(part).items()
            if isinstance(value, type)
            and issubclass(value, CaseBase.Event)
            and name not in {"Event", "Created"}  # the library's implicit classes, never recorded
        )
    return tuple(names)
