"""Planning what follows a response: actions, lessons, closure, the ombudsman, feedback, forums."""

from __future__ import annotations

from datetime import date, timedelta

from complaints_ledger.demo import texts
from complaints_ledger.demo.outcome_steps import OmbudsmanSteps
from complaints_ledger.demo.profile import weighted
from complaints_ledger.domain.values import (
    WELL_FOUNDED_OUTCOMES,
    EscalationRoute,
    OmbudsmanDecision,
    Outcome,
)

# Ombudsman decisions after the local process ended, LGSCO-like: most are closed after initial
# enquiries; about 4 in 10 are investigated, and of those about 79% are upheld.
FINAL_DECISIONS = (
    (OmbudsmanDecision.CLOSED_AFTER_INITIAL_ENQUIRIES, 45),
    (OmbudsmanDecision.ADVICE_GIVEN, 8),
    (OmbudsmanDecision.INCOMPLETE_OR_INVALID, 7),
    (OmbudsmanDecision.UPHELD_FAULT_INJUSTICE, 25),
    (OmbudsmanDecision.UPHELD_FAULT_ONLY, 7),
    (OmbudsmanDecision.NOT_UPHELD, 8),
)
INVESTIGATED = frozenset(
    {
        OmbudsmanDecision.UPHELD_FAULT_INJUSTICE,
        OmbudsmanDecision.UPHELD_FAULT_ONLY,
        OmbudsmanDecision.NOT_UPHELD,
    }
)
SATISFACTION = {Outcome.UPHELD: (3, 5), Outcome.PARTLY_UPHELD: (2, 4), Outcome.NOT_UPHELD: (1, 3)}
FEEDBACK_COMMENTS = (
    "",
    "Thank you for listening, although it took a long time.",
    "I still do not feel the carers' side was questioned.",
    "The apology meant a lot to my mother.",
)
FORUM_FINDINGS = (
    ("Handled within the timescales and the response answered every point.", True),
    ("Thorough investigation; the complainant was kept informed throughout.", True),
    ("The response was late and did not explain the delay to the complainant.", False),
)


class Aftercare(OmbudsmanSteps):
    def plan_actions(self, day: date, chance_of_actions: float = 0.85) -> None:
        if self.outcome not in WELL_FOUNDED_OUTCOMES or not self.chance(chance_of_actions):
            return
        subjects = self.profile.intake.subjects
        for subject in self.rng.sample(subjects, min(len(subjects), self.rng.randint(1, 2))):
            description, owner = texts.ACTIONS[subject]
            self.plan_action(self.wd(day, self.rng.randint(0, 3)), description, owner)
        if self.chance(0.55):
            self.lesson(day)

    def plan_action(self, day: date, description: str, owner: str) -> None:
        action_id = f"A{len(self.actions) + 1}"
        due = day + timedelta(days=self.rng.randint(14, 84))
        self.do(
            "plan_action",
            day,
            action_id=action_id,
            description=description,
            owner=owner,
            due_on=due,
        )
        self.actions.append(action_id)
        roll = self.rng.random()
        if roll < 0.65:  # noqa: PLR2004 - most actions are done on time...
            done = self.days(day, 5, max(5, (due - day).days - 1))
        elif roll < 0.82:  # noqa: PLR2004 - ...some late, and the rest are still outstanding
            done = self.days(due, 5, 40)
        else:
            return
        self.later("complete_action", done, action_id=action_id, note="Done and checked.")

    def lesson(self, day: date) -> None:
        subject = self.rng.choice(self.profile.intake.subjects)
        theme, lesson = texts.LESSONS[subject]
        action, _ = texts.ACTIONS[subject]
        self.lessons += 1
        self.later(
            "record_lesson",
            self.days(day, 5, 30),
            lesson_id=f"L{self.lessons}",
            theme=theme,
            lesson=lesson,
            action=action,
            shared_with_partners=self.chance(0.35),
        )

    def close(self, after: date, *, reason: str | None = None) -> date:
        if self.outcome in WELL_FOUNDED_OUTCOMES and not self.actions and reason is None:
            reason = "Apology given and the service had already put things right"
        self.do("close_case", self.days(after, 5, 25), no_action_needed_reason=reason)
        return self.today

    # ---- the ombudsman -----------------------------------------------------------------------

    def ombudsman_after_close(self, closed_on: date) -> None:
        body = self.profile.ombudsman
        day = self.days(closed_on, 10, 90)
        reference = self.reference(day)
        self.do(
            "escalate",
            day,
            route=EscalationRoute.OMBUDSMAN,
            body=body,
            reason=f"The complainant took the complaint to the {body}",
            reference=reference,
        )
        decision = weighted(self.rng, FINAL_DECISIONS)
        decided = self.days(day, 90, 300) if decision in INVESTIGATED else self.days(day, 15, 60)
        if self.ombudsman_outcome(decided, decision, reference):
            self.carry_out_recommendations(body)

    def carry_out_recommendations(self, body: str) -> None:
        reopen = self.wd(self.today, self.rng.randint(1, 5))
        self.do(
            "reopen", reopen, self.manager(), reason=f"To carry out the {body}'s recommendations"
        )
        self.plan_action(
            self.wd(reopen, 1),
            f"Carry out the {body}'s recommended remedies",
            "Head of Service",
        )
        self.close(self.today)

    # ---- follow-up ---------------------------------------------------------------------------

    def follow_up(self, closed_on: date, *, feedback: float = 0.45) -> None:
        if self.chance(feedback):
            asked = self.days(closed_on, 3, 14)
            channel = self.rng.choice(("email survey", "letter", "phone"))
            self.later("request_feedback", asked, channel=channel)
            if self.chance(0.55):
                low, high = SATISFACTION[self.outcome or Outcome.NOT_UPHELD]
                self.later(
                    "receive_feedback",
                    self.days(asked, 3, 25),
                    satisfaction=self.rng.randint(low, high),
                    comments=self.rng.choice(FEEDBACK_COMMENTS),
                )
        if self.org.forum and self.chance(0.06):
            findings, handled_well = self.rng.choice(FORUM_FINDINGS)
            self.later(
                "record_forum_review",
                self.days(closed_on, 20, 120),
                forum=self.org.forum,
                findings=findings,
                handled_well=handled_well,
            )

    def reopen_for_missed_action(self, closed_on: date) -> None:
        day = self.days(closed_on, 15, 60)
        reason = "The complainant says the agreed action has not happened"
        self.do("reopen", day, self.manager(), reason=reason)
        message = "Sorry: the agreed action was delayed; we have reopened your complaint."
        self.do("update_complainant", self.wd(day, 1), channel="phone", message=message)
        self.close(self.today)
