"""One demo case from receipt to follow-up, planned step by step within the domain's rules."""

from __future__ import annotations

import random
from datetime import date
from typing import TYPE_CHECKING

from complaints_ledger.demo import organisations as orgs
from complaints_ledger.demo.aftercare import Aftercare
from complaints_ledger.demo.exclusion_steps import ExclusionSteps
from complaints_ledger.demo.partners import Partners
from complaints_ledger.demo.profile import Profile, choose_profile
from complaints_ledger.demo.stages import Stages
from complaints_ledger.domain.calendars import uk_local_date
from complaints_ledger.domain.lifecycle_rules import CODE_REGIMES
from complaints_ledger.domain.values import (
    Channel,
    EscalationRoute,
    Kind,
    Outcome,
    RegimeId,
    Regulator,
    Role,
)

if TYPE_CHECKING:
    from uuid import UUID

    from complaints_ledger.application.context import CommandContext
    from complaints_ledger.application.ledger import ComplaintsLedger
    from complaints_ledger.demo.timeline import CaseBuilder, Command


SAFEGUARDING_REASONS = {
    RegimeId.SPSO_MCHP: "Adult Support and Protection referral to Glenburn social work",
    RegimeId.WALES_2014: "Enquiries about an adult at risk opened by the safeguarding team "
    "(s126 Social Services and Well-being (Wales) Act 2014)",
    RegimeId.NI_HSC: "Referral to the trust's adult protection gateway team",
}
ENGLAND_SAFEGUARDING = (
    "Possible neglect referred to the adult safeguarding team (s42 Care Act 2014)"
)
# Regulators notified of a safeguarding concern, by regime (the nation's care regulator).
REGULATORS = {
    RegimeId.SPSO_MCHP: (
        Regulator.CARE_INSPECTORATE,
        "Care Inspectorate notified of the allegation",
    ),
    RegimeId.WALES_2014: (Regulator.CIW, "Care Inspectorate Wales notified of the allegation"),
    RegimeId.NI_HSC: (Regulator.RQIA, "RQIA notified of the allegation about the care home"),
}
ENGLAND_REGULATOR = (Regulator.CQC, "CQC notified of the allegation (Regulation 18 notification)")
# Organisations that notify the regulator: care providers, and in Wales and Northern Ireland the
# council and the trust that arrange the care.
NOTIFYING_REGIMES = frozenset({RegimeId.WALES_2014, RegimeId.NI_HSC})


class CasePlanner(Stages, Aftercare, Partners, ExclusionSteps):
    def plan(self) -> CaseBuilder:
        self.intake_steps()
        if self.profile.kind == Kind.COMPLIMENT:
            self.compliment()
        elif self.profile.kind == Kind.CONCERN:
            self.concern()
        elif not self.excluded():
            self.complaint(self.acknowledge_stage_1())
        self.flush()
        return self.builder

    # ---- receipt ---------------------------------------------------------------------------

    def intake_steps(self) -> None:
        profile, receiver = self.profile, self.profile.receiver
        role = Role.HEALTHWATCH if receiver is orgs.HEALTHWATCH_NORTHSHIRE else Role.OFFICER
        actor = receiver.actor(self.rng.choice(receiver.officers), role)
        self.builder.add(
            "receive", profile.logged_receipt_at or self.receipt, actor, _receive(profile)
        )
        if profile.intake.channel in {Channel.PHONE, Channel.IN_PERSON} and self.chance(0.7):
            message = "A copy of our written record of what you told us, for you to check."
            self.do("update_complainant", self.today, actor, channel="letter", message=message)
        if profile.logged_receipt_at is not None:
            self.correct_receipt()
        if profile.referral_reason is not None:
            self.referral(actor)
        self.recalled_referral()
        if "safeguarding" in profile.intake.subjects and profile.kind != Kind.COMPLIMENT:
            self.safeguarding()

    def correct_receipt(self) -> None:
        arrived = uk_local_date(self.receipt)
        reason = (
            f"The letter was date-stamped in the post room on {arrived:%d %b %Y} but logged "
            "later; receipt is the date-stamp"
            if self.profile.intake.channel == Channel.LETTER
            else f"The email reached the shared inbox on {arrived:%d %b %Y} but was logged later"
        )
        day = self.wd(self.today, self.rng.randint(0, 1))
        self.do(
            "correct_fact",
            day,
            self.profile.receiver.manager_actor,
            field="received_at",
            new_value=self.receipt.isoformat(),
            reason=reason,
        )

    def safeguarding(self) -> None:
        if not self.chance(0.6):
            return
        reason = SAFEGUARDING_REASONS.get(self.profile.regime, ENGLAND_SAFEGUARDING)
        day = self.wd(self.today, self.rng.randint(0, 1))
        self.do("escalate", day, route=EscalationRoute.SAFEGUARDING, reason=reason)
        notifies = self.org.kind == "provider" or self.profile.regime in NOTIFYING_REGIMES
        if notifies and self.chance(0.5):
            regulator, reason = REGULATORS.get(self.profile.regime, ENGLAND_REGULATOR)
            self.do(
                "escalate",
                self.today,
                route=EscalationRoute.REGULATOR,
                reason=reason,
                regulator=regulator,
            )
            self.regulator_acknowledgement(regulator)

    # ---- the three kinds ---------------------------------------------------------------------

    def compliment(self) -> None:
        if self.chance(0.6):
            self.do(
                "acknowledge", self.wd(self.today, self.rng.randint(1, 5)), discussion_offered=False
            )
        if self.chance(0.35):
            self.later(
                "record_lesson",
                self.days(self.today, 1, 10),
                lesson_id="L1",
                theme="Good practice",
                lesson=f"What people valued about {self.profile.service.name.lower()}",
                action="Shared with the team in supervision and the staff newsletter",
                shared_with_partners=self.chance(0.4),
            )
        reason = "Compliment passed on to the staff named; no response needed"
        self.do("close_case", self.days(self.today, 2, 15), no_action_needed_reason=reason)

    def concern(self) -> None:
        ack = self.wd(self.receipt_day, self.rng.randint(0, 3))
        self.do("acknowledge", ack, discussion_offered=True)
        if self.chance(0.06):
            self.make_formal()
            return
        respond = max(self.wd(self.receipt_day, self.rng.randint(3, 15)), self.wd(ack, 1))
        items = self.investigation_items(ack, respond, stage=1) if self.chance(0.4) else []
        self.emit(items)
        self.respond(respond, stage=1)
        self.plan_actions(self.today, chance_of_actions=0.4)
        informal = "Resolved informally with the person; no further action needed"
        closed = self.close(self.today, reason=None if self.actions else informal)
        self.follow_up(closed, feedback=0.2)

    def make_formal(self) -> None:
        """The person asked for their concern to be a formal complaint: a manager corrects it."""
        reason = "The person asked for their concern to be handled as a formal complaint"
        manager = self.manager()
        self.do(
            "correct_fact", self.today, manager, field="kind", new_value="complaint", reason=reason
        )
        self.complaint(self.today)

    def complaint(self, ack_day: date) -> None:
        responded = self.stage_one(ack_day)
        if responded is None:
            return
        self.plan_actions(self.today)
        code = self.profile.regime in CODE_REGIMES  # a second local stage
        stage_2 = 0.4 if self.outcome == Outcome.NOT_UPHELD else 0.2
        if code and not self.resolved_locally and self.chance(stage_2):
            self.stage_two(self.today)
            self.plan_actions(self.today, chance_of_actions=0.5)
        closed = self.close(self.today)
        if self.chance(0.085):
            self.ombudsman_after_close(closed)
        elif self.actions and self.chance(0.05):
            self.reopen_for_missed_action(closed)
        self.follow_up(closed)


def _receive(profile: Profile) -> Command:
    def run(ledger: ComplaintsLedger, _: UUID, ctx: CommandContext) -> UUID:
        return ledger.receive(profile.intake, ctx)

    return run


def plan_case(rng: random.Random, extra: random.Random, case: int, anchor: date) -> CaseBuilder:
    return CasePlanner(rng, extra, case, choose_profile(rng, extra, anchor)).plan()
