"""Planning the local stages of a complaint: acknowledgement, investigation, extensions, response.

Each regime's clocks shape the plan: most cases meet their deadlines, some are extended (code
regimes, Wales, Northern Ireland) or given a longer agreed period (england-2009), some are simply
late.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from complaints_ledger.demo import bodies, texts
from complaints_ledger.demo.outcome_steps import OmbudsmanSteps
from complaints_ledger.demo.texts import SUBJECT_REMEDIES
from complaints_ledger.domain.calendars import months_beginning_with, working_days_between
from complaints_ledger.domain.values import (
    WELL_FOUNDED_OUTCOMES,
    Actor,
    EscalationRoute,
    ExtendedDeadline,
    Outcome,
    RegimeId,
    Remedy,
)

Item = tuple[date, int, str, Actor | None, dict[str, Any]]  # day, order within day, command, ...
CODE_ACK_DAYS, SPSO_STAGE_2_ACK_DAYS = 5, 3
# Acknowledgement within 3 (england-2009 reg 13), 2 (WSI 2014/1794 reg 15; HSC NI) working days
ACK_DAYS = {RegimeId.ENGLAND_2009: 3, RegimeId.WALES_2014: 2, RegimeId.NI_HSC: 2}
WALES_DISCUSSION_DAYS, WALES_INVESTIGATION_DAYS, NI_RESPONSE_DAYS = 10, 25, 20
# Codes whose stage 1 extension has a limit: going beyond it needs a manager's good reason.
LIMITED_EXTENSIONS = frozenset({RegimeId.LGSCO_CODE, RegimeId.HOUSING_OMBUDSMAN_CODE})
UPDATES = (
    ("phone", "Called to explain we are waiting for the care records from the provider."),
    ("email", "Update: staff statements are being taken; we will write again next week."),
    ("letter", "Progress letter: the investigator has visited the service."),
    ("phone", "Agreed a meeting at home to go through the complaint in person."),
    ("email", "Shared the questions we have put to the care provider, as you asked."),
    ("letter", "Confirmed the points we are investigating after our phone call."),
)


class Stages(OmbudsmanSteps):
    # ---- stage 1 --------------------------------------------------------------------------

    def acknowledge_stage_1(self) -> date:
        regime, receipt = self.profile.regime, self.receipt_day
        if regime == RegimeId.SPSO_MCHP:  # frontline: acknowledged at once
            day = self.wd(receipt, self.rng.randint(0, 1))
        else:
            due = ACK_DAYS.get(regime, CODE_ACK_DAYS)
            late = self.rng.randint(1, 6) if self.chance(0.15) else 0
            if self.backlog and self.chance(0.5):
                late = self.rng.randint(2, 20)
            day = self.wd(receipt, due + late if late else self.rng.randint(0, due))
        self.do("acknowledge", day, discussion_offered=self.chance(0.9))
        return self.today

    def stage_one(self, ack_day: date) -> date | None:
        """Plan stage 1 after the acknowledgement; the response day, or None if withdrawn."""
        if self.profile.late:
            self.do(
                "accept_late_complaint",
                self.wd(ack_day, self.rng.randint(0, 2)),
                self.manager(),
                good_reason_for_delay="The complainant was in hospital for most of the months "
                "after the events and could not complain earlier",
                can_investigate_effectively_and_fairly=True,
            )
        start = self.today
        respond_day, items = self.response_plan(start)
        frontline = self.profile.regime == RegimeId.SPSO_MCHP and self.chance(0.6)
        if not frontline:
            items += self.investigation_items(start, respond_day, stage=1)
        if self.chance(0.03):
            self.withdraw_during(items, start, respond_day)
            return None
        if self.chance(0.03):
            self.premature_ombudsman(start)
        self.emit(items)
        self.respond(respond_day, stage=1)
        return respond_day

    def response_plan(self, ack_day: date) -> tuple[date, list[Item]]:
        if self.chance(0.04):  # the investigator left and the case sat untouched for weeks
            return self.stalled_plan(ack_day)
        regime, response = self.profile.regime, ExtendedDeadline.RESPONSE
        if regime == RegimeId.ENGLAND_2009:
            day, items = self.england_plan()
        elif regime == RegimeId.SPSO_MCHP:
            day, items = self.extended_plan(self.receipt_day, 5, response, 5)
        elif regime == RegimeId.NI_HSC:  # counted from receipt
            day, items = self.extended_plan(self.receipt_day, NI_RESPONSE_DAYS, response, 10)
        elif regime == RegimeId.WALES_2014:
            day, items = self.local_resolution_plan(ack_day)
        else:  # the codes: counted from the acknowledgement
            day, items = self.extended_plan(ack_day, 10, response, 10)
        return max(day, self.wd(ack_day, 1)), items

    def local_resolution_plan(self, ack_day: date) -> tuple[date, list[Item]]:
        """Wales: a discussion within 10 working days of the acknowledgement (reg 16(3)), or of
        an extension agreed with the complainant (reg 16(4)); when it resolves the matter, its
        written terms within 5 working days (reg 16(5)); otherwise a written response later."""
        roll, items, due = self.rng.random(), list[Item](), WALES_DISCUSSION_DAYS
        if roll < 0.8:  # noqa: PLR2004 - most are held in time...
            discussed = self.wd(ack_day, self.rng.randint(2, due))
        elif roll < 0.9:  # noqa: PLR2004 - ...some later, by agreement...
            extra = self.rng.randint(3, 10)
            reason = "The complainant is in hospital; we agreed to meet once they are home"
            extension: dict[str, Any] = {"deadline": ExtendedDeadline.RESPONSE}
            extension |= {"working_days": extra, "reason": reason, "complainant_consent": True}
            items.append(
                (self.wd(ack_day, self.rng.randint(2, 8)), 1, "extend_deadline", None, extension)
            )
            discussed = self.wd(ack_day, self.rng.randint(due + 1, due + extra))
        else:  # ...and the rest late
            discussed = self.wd(ack_day, due + self.rng.randint(1, 5))
        self.resolved_locally = self.chance(0.55)
        summary = texts.WELSH_DISCUSSIONS[self.resolved_locally]
        discussion = {"resolved": self.resolved_locally, "summary": summary}
        items.append((discussed, 2, "record_local_resolution", None, discussion))
        if self.resolved_locally:  # the written terms, mostly within the 5 working days
            return self.wd(discussed, self.rng.randint(1, 5 if self.chance(0.9) else 9)), items
        return self.wd(discussed, self.rng.randint(5, 25)), items

    def stalled_plan(self, ack_day: date) -> tuple[date, list[Item]]:
        if self.profile.regime != RegimeId.ENGLAND_2009:
            return self.wd(ack_day, self.rng.randint(30, 70)), []
        return self.missed_period(low=30, high=200)

    def missed_period(self, *, low: int, high: int) -> tuple[date, list[Item]]:
        """england-2009: the six months run out; the complainant is told why (reg 14(2)(c))."""
        period_end = months_beginning_with(self.receipt_day, 6)
        notice = {
            "channel": "letter",
            "message": "We have not been able to respond within six months. The investigation is "
            "waiting for records from the provider; we expect to respond within weeks.",
        }
        item = (self.days(period_end, 1, 2), 1, "update_complainant", None, notice)
        return self.days(period_end, low, high), [item]

    def england_plan(self) -> tuple[date, list[Item]]:
        """Six months beginning with receipt; sometimes a longer agreed period, or a miss."""
        receipt, roll = self.receipt_day, self.rng.random()
        period_end = months_beginning_with(receipt, 6)
        if self.backlog:
            return self.wd(receipt, self.rng.randint(30, 90)), []
        if roll < 0.55:  # noqa: PLR2004 - most within the 20-working-day internal target
            return self.wd(receipt, self.rng.randint(8, 20)), []
        if roll < 0.86:  # noqa: PLR2004
            return self.wd(receipt, self.rng.randint(21, 60)), []
        if roll < 0.92:  # noqa: PLR2004 - a longer period agreed before the six months end
            agreed_until = period_end + timedelta(days=self.rng.randint(25, 60))
            agreement = {"agreed_until": agreed_until, "agreed_with_complainant": True}
            item = (self.days(receipt, 100, 150), 1, "agree_response_period", None, agreement)
            respond = self.days(period_end, 3, (agreed_until - period_end).days - 5)
            return respond, [item]
        return self.missed_period(low=8, high=120)

    def extended_plan(
        self, base: date, due: int, deadline: ExtendedDeadline, limit: int
    ) -> tuple[date, list[Item]]:
        """A response due `due` working days after `base`: on time, extended, or late."""
        roll = self.rng.random()
        if self.backlog and roll < 0.5:  # noqa: PLR2004
            return self.wd(base, due + self.rng.randint(3, 30)), []
        if roll < 0.78:  # noqa: PLR2004
            return self.wd(base, self.rng.randint(max(1, due // 3), due)), []
        if roll < 0.9:  # noqa: PLR2004
            return self.extension(base, due, deadline, limit)
        return self.wd(base, due + self.rng.randint(1, max(5, due // 2 + 5))), []

    def extension(
        self, base: date, due: int, deadline: ExtendedDeadline, limit: int
    ) -> tuple[date, list[Item]]:
        first = self.rng.randint(max(1, limit // 2), limit)
        ext_day = self.wd(base, self.rng.randint(max(1, due // 2), due - 1))
        reason = "The care provider's records are still awaited; the complainant agreed"
        args = {"deadline": deadline, "reason": reason, "complainant_consent": True}
        items: list[Item] = [(ext_day, 1, "extend_deadline", None, {**args, "working_days": first})]
        total, limited = first, self.profile.regime in LIMITED_EXTENSIONS
        if limited and deadline == ExtendedDeadline.RESPONSE and self.chance(0.3):
            second = self.rng.randint(limit - first + 1, limit - first + 8)
            reason = "Further extension beyond the code's limit: a key witness is on long leave"
            day = self.wd(ext_day, self.rng.randint(1, 3))
            extra = {**args, "working_days": second, "reason": reason}
            items.append((day, 2, "extend_deadline", self.manager(), extra))
            total += second
        return self.wd(base, due + self.rng.randint(max(1, total - 3), total)), items

    def investigation_items(self, start: date, end: date, *, stage: int) -> list[Item]:
        span = working_days_between(self.calendar, start, end)
        if span < 2:  # noqa: PLR2004 - no time to investigate: a frontline answer
            return []
        begin = self.wd(start, self.rng.randint(1, min(3, span - 1)))
        investigator = self.pick_investigator(stage)
        items: list[Item] = [
            (begin, 0, "start_investigation", None, {"investigator": investigator})
        ]
        rest = max(1, working_days_between(self.calendar, begin, end))
        for kind, source in self.rng.sample(texts.EVIDENCE, self.rng.randint(1, 4)):
            notes = f"{source.capitalize()} reviewed by {investigator}."
            args = {"evidence_kind": kind, "source": source, "notes": notes}
            items.append(
                (self.wd(begin, self.rng.randint(0, rest - 1)), 1, "record_evidence", None, args)
            )
        for _ in range(self.rng.randint(0, 1 + rest // 15)):
            channel, message = self.rng.choice(UPDATES)
            day = self.wd(begin, self.rng.randint(0, rest - 1))
            items.append(
                (day, 1, "update_complainant", None, {"channel": channel, "message": message})
            )
        if stage == 1 and rest >= 8 and self.chance(0.1):  # noqa: PLR2004
            pause = self.wd(begin, self.rng.randint(1, 3))
            reason = {"reason": "Awaiting the complainant's consent to see their care records"}
            items.append((pause, 2, "pause_target", None, reason))
            items.append(
                (self.wd(pause, self.rng.randint(2, rest - 5)), 3, "resume_target", None, {})
            )
        return items

    def emit(self, items: list[Item]) -> None:
        for day, _, command, actor, kwargs in sorted(items, key=lambda item: item[:2]):
            self.do(command, day, actor, **kwargs)

    def withdraw_during(self, items: list[Item], start: date, end: date) -> None:
        span = max(1, working_days_between(self.calendar, start, end))
        day = self.wd(start, self.rng.randint(1, span))
        self.emit([item for item in items if item[0] < day])
        self.do("withdraw", day, reason=self.rng.choice(texts.WITHDRAWAL_REASONS))

    # ---- responses -----------------------------------------------------------------------

    def respond(self, day: date, *, stage: int) -> None:
        self.outcome = self.pick_outcome()
        body = self.profile.ombudsman
        considered = "we looked at the records and spoke to the staff involved"
        if stage == 1 and self.resolved_locally:
            considered = "the terms of the resolution we agreed when we met"
        summary = (
            f"Stage {stage} response: {considered}. "
            f"Conclusion: {self.outcome.value.replace('_', ' ')}. If you remain unhappy you can "
            f"ask the {bodies.OMBUDSMAN_NAMES[body]} to look at your complaint."
        )
        self.do(
            "send_response",
            day,
            outcome=self.outcome,
            remedies=self.remedies(self.outcome),
            signed_by=self.org.signatory,
            ombudsman_rights_given=True,
            summary=summary,
        )

    def remedies(self, outcome: Outcome) -> tuple[Remedy, ...]:
        if outcome not in WELL_FOUNDED_OUTCOMES:
            return (Remedy.EXPLANATION,)
        found = [Remedy.APOLOGY]
        for subject in self.profile.intake.subjects:
            remedy = SUBJECT_REMEDIES.get(subject, Remedy.PROCEDURE_CHANGE)
            if remedy not in found:
                found.append(remedy)
        if outcome == Outcome.UPHELD and self.chance(0.3):
            found.append(Remedy.FINANCIAL)
        return tuple(found)

    # ---- stage 2 -------------------------------------------------------------------------

    def stage_two(self, stage_1_day: date) -> date:
        regime = self.profile.regime
        request = self.days(stage_1_day, 3, 25)
        reason = self.rng.choice(texts.STAGE_2_REASONS)
        self.do("escalate", request, route=EscalationRoute.STAGE_2, reason=reason)
        ack_due = SPSO_STAGE_2_ACK_DAYS if regime == RegimeId.SPSO_MCHP else CODE_ACK_DAYS
        ack_due = ACK_DAYS.get(regime, ack_due)
        late = self.rng.randint(1, 4) if self.chance(0.12) else 0
        ack_day = self.wd(request, ack_due + late if late else self.rng.randint(1, ack_due))
        self.do("acknowledge", ack_day, discussion_offered=True)
        base, due = ack_day, 20  # the codes: counted from the acknowledgement
        if regime == RegimeId.SPSO_MCHP:
            base = request
        elif regime == RegimeId.WALES_2014:  # the formal investigation
            base, due = request, WALES_INVESTIGATION_DAYS
        deadline = ExtendedDeadline.STAGE_2_RESPONSE
        respond_day, items = self.extended_plan(base, due, deadline, 20)
        respond_day = max(respond_day, self.wd(ack_day, 2))
        self.emit(items + self.investigation_items(ack_day, respond_day, stage=2))
        self.respond(respond_day, stage=2)
        return respond_day
