"""Planning referrals between partners ('no wrong door'), including the ones that go wrong.

A complaint is sometimes first sent to an organisation that cannot deal with it (a 'wrong door'):
that organisation declines it and suggests the right one, to which the holder then refers it; or
passes it on there itself, with the person's consent; or the holder recalls a referral it made in
error before anyone accepted it, and deals with the complaint itself (detours.py chooses).
"""

from __future__ import annotations

from complaints_ledger.demo import organisations as orgs
from complaints_ledger.demo.detours import DetourKind, recall_reason, why_not_via
from complaints_ledger.demo.planner import PlannerBase
from complaints_ledger.domain.values import Actor


class Partners(PlannerBase):
    """Plans the referral steps of a case; the receiver's clocks run while one is pending."""

    def referral(self, actor: Actor) -> None:
        """No wrong door: passed on with consent; the handling organisation's clocks restart."""
        detour = self.profile.detour
        if detour is not None and detour.kind == DetourKind.DECLINED:
            self.declined_at(detour.via, actor)
        elif detour is not None and detour.kind == DetourKind.PASSED_ON:
            self.passed_on_by(detour.via, actor)
        else:
            self.refer_to(self.org, actor, self.profile.referral_reason or "")
        self.accept()

    def refer_to(self, organisation: orgs.Organisation, actor: Actor, reason: str) -> None:
        self.do(
            "refer",
            self.wd(self.today, self.rng.randint(0, 2)),
            actor,
            to_organisation=organisation.name,
            reason=reason,
            consent_to_share=True,
        )

    def accept(self) -> None:
        accepted = self.wd(self.today, self.rng.randint(0, 2))
        self.receipt = self.do("accept_referral", accepted, regime=self.profile.regime)

    def wrong_door_answers(
        self, via: orgs.Organisation, actor: Actor, command: str, **answer: object
    ) -> None:
        """Referred first to `via`, which answers by `command` within a few working days."""
        first_guess = (
            f"The person's account suggested {via.name} deals with this; they agreed to us "
            "passing it on"
        )
        self.refer_to(via, actor, first_guess)
        day = self.wd(self.today, self.rng.randint(1, 3))
        self.do(command, day, via.actor(self.rng.choice(via.officers)), **answer)

    def declined_at(self, via: orgs.Organisation, actor: Actor) -> None:
        """The wrong door declines, naming the right organisation; the holder refers it there."""
        reason = why_not_via(self.org, via)
        self.wrong_door_answers(
            via,
            actor,
            "decline_referral",
            reason=reason[0].upper() + reason[1:],
            suggested_organisation=self.org.name,
        )
        again = (
            f"{via.name} declined it and suggested {self.org.name}; the person agreed to us "
            "passing it on there"
        )
        self.refer_to(self.org, actor, again)

    def passed_on_by(self, via: orgs.Organisation, actor: Actor) -> None:
        """The wrong door passes the complaint on to the right one, with the person's consent."""
        self.wrong_door_answers(
            via,
            actor,
            "pass_on_referral",
            to_organisation=self.org.name,
            reason=f"Passed on because {why_not_via(self.org, via)}; the person agreed",
            consent_to_share=True,
        )

    def recalled_referral(self) -> None:
        """Referred in error on the day of receipt, recalled before the other side accepted."""
        detour = self.profile.detour
        if detour is None or detour.kind != DetourKind.RECALLED:
            return
        via = detour.via
        self.do(
            "refer",
            self.today,
            to_organisation=via.name,
            reason=f"We thought {via.name} deals with this complaint; the person agreed",
            consent_to_share=True,
        )
        self.do(
            "recall_referral",
            self.wd(self.today, self.rng.randint(0, 1)),
            self.manager(),
            reason=f"Referred in error: {recall_reason(self.org, via)}",
        )
