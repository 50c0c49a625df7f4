"""Planning reg 8 exclusions: england-2009 complaints not dealt with under the Regulations.

A manager records the decision with its ground and reasons, after telling the complainant why.
An oral complaint put right by the next working day needs no investigation (reg 8(1)(c)); a
matter already investigated, locally or by the ombudsman, is not investigated again.
"""

from __future__ import annotations

from complaints_ledger.demo.planner import PlannerBase
from complaints_ledger.domain.exclusions import ORAL_CHANNELS, ExclusionGround
from complaints_ledger.domain.values import Kind, RegimeId

EXCLUDED_SHARE = 0.03  # of england-2009 complaints


class ExclusionSteps(PlannerBase):
    def excluded(self) -> bool:
        """Whether this complaint is one the Regulations do not apply to (then planned here)."""
        profile = self.profile
        if (
            profile.kind != Kind.COMPLAINT
            or profile.regime != RegimeId.ENGLAND_2009
            or profile.late
            or "safeguarding" in profile.intake.subjects
            or not self.extra_chance(EXCLUDED_SHARE)
        ):
            return False
        oral = profile.intake.channel in ORAL_CHANNELS and not profile.referred
        if oral and self.extra_chance(0.6):
            self.resolved_orally()
        else:
            self.already_investigated()
        return True

    def resolved_orally(self) -> None:
        """Put right on the phone or in person by the next working day, as the person agreed."""
        latest = self.wd(self.receipt_day, 1)
        day = max(self.today, self.wd(self.receipt_day, self.rng.randint(0, 1)))
        if day > latest:  # too late for reg 8(1)(c): deal with it as any other complaint
            self.already_investigated()
            return
        message = "Confirming what we agreed when we spoke: the visit times are put right."
        self.do("update_complainant", day, channel="letter", message=message)
        self.decide(
            ExclusionGround.ORAL_RESOLVED_BY_NEXT_WORKING_DAY,
            "Made by phone and put right to the complainant's satisfaction the next working day: "
            "the missed visits were rearranged and the person said they were happy with that",
        )

    def already_investigated(self) -> None:
        """The same matter was investigated before: acknowledged, explained, then decided."""
        ack = self.wd(self.receipt_day, self.rng.randint(0, 3))
        self.do("acknowledge", ack, discussion_offered=False)
        day = self.wd(self.today, self.rng.randint(2, 8))
        body = self.profile.ombudsman
        if self.extra_chance(0.4):
            ground = ExclusionGround.INVESTIGATED_BY_OMBUDSMAN
            reason = (
                f"The {body} is already investigating the same matter; we will act on its "
                "findings instead of investigating it a second time"
            )
        else:
            ground = ExclusionGround.PREVIOUSLY_INVESTIGATED
            reason = (
                "The same concerns were investigated under the Regulations last year and answered "
                "in full; the complaint raises nothing new"
            )
        message = (
            f"We explained why we will not investigate this complaint again and that the {body} "
            "can look at it if the complainant remains unhappy."
        )
        self.do("update_complainant", day, channel="letter", message=message)
        self.decide(ground, reason)

    def decide(self, ground: ExclusionGround, reason: str) -> None:
        """The manager's reasoned decision, straight after the complainant was told."""
        self.do("decide_exclusion", self.today, self.manager(), ground=ground, reason=reason)
