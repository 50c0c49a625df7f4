"""Learning and follow-up: lessons, complaints forum reviews, feedback after the response."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from complaints_ledger.domain.case_state import (
    OPEN_STATUSES,
    CaseBase,
    StateCheck,
    envelope,
    require_status,
    require_text,
    status_rule,
)
from complaints_ledger.domain.errors import InvalidValueError, RuleViolationError
from complaints_ledger.domain.values import Stamp, Status

AFTER_RESPONSE = frozenset({Status.RESPONDED, Status.ESCALATED, Status.CLOSED})
ANY_BUT_WITHDRAWN = OPEN_STATUSES | {Status.CLOSED}
MIN_SATISFACTION, MAX_SATISFACTION = 1, 5


def _feedback_awaited(case: CaseBase) -> None:
    require_status(case, "receive feedback", AFTER_RESPONSE)
    if not case.feedback_requested:
        raise RuleViolationError("no feedback was requested for this case", field="status")


class FollowUp(CaseBase):
    STATE_RULES: ClassVar[Mapping[str, StateCheck]] = {
        "record_lesson": status_rule("record a lesson", ANY_BUT_WITHDRAWN),
        "record_forum_review": status_rule("record a forum review", AFTER_RESPONSE),
        "request_feedback": status_rule("request feedback", AFTER_RESPONSE),
        "receive_feedback": _feedback_awaited,
    }

    class LessonRecorded(CaseBase.Event):
        lesson_id: str
        theme: str
        lesson: str
        action: str
        shared_with_partners: bool

        def apply(self, case: FollowUp) -> None:
            case._record("lessons", {"lesson_id": self.lesson_id, "theme": self.theme})

    class ForumReviewRecorded(CaseBase.Event):
        forum: str
        findings: str
        handled_well: bool

        def apply(self, case: FollowUp) -> None:
            case._record("forum_reviews", {"forum": self.forum, "handled_well": self.handled_well})

    class FeedbackRequested(CaseBase.Event):
        channel: str

        def apply(self, case: FollowUp) -> None:
            case.feedback_requested = True

    class FeedbackReceived(CaseBase.Event):
        satisfaction: int
        personal: dict[str, Any]  # the complainant's comments: personal data

        def apply(self, case: FollowUp) -> None:
            case._record("feedback", {"satisfaction": self.satisfaction, "at": self.occurred_at})

    def record_lesson(
        self,
        stamp: Stamp,
        *,
        lesson_id: str,
        theme: str,
        lesson: str,
        action: str,
        shared_with_partners: bool,
    ) -> None:
        self._check_stamp(stamp, command="record a lesson")
        self._require_state("record_lesson")
        lesson_id = require_text(lesson_id, "lesson_id")
        if any(entry["lesson_id"] == lesson_id for entry in self.records.get("lessons", [])):
            raise InvalidValueError(f"lesson {lesson_id!r} is already recorded", field="lesson_id")
        self.trigger_event(
            self.LessonRecorded,
            **envelope(stamp),
            lesson_id=lesson_id,
            theme=require_text(theme, "theme"),
            lesson=require_text(lesson, "lesson"),
            action=require_text(action, "action"),
            shared_with_partners=shared_with_partners,
        )

    def record_forum_review(
        self, stamp: Stamp, *, forum: str, findings: str, handled_well: bool
    ) -> None:
        self._check_stamp(stamp, command="record a forum review")
        self._require_state("record_forum_review")
        self.trigger_event(
            self.ForumReviewRecorded,
            **envelope(stamp),
            forum=require_text(forum, "forum"),
            findings=require_text(findings, "findings"),
            handled_well=handled_well,
        )

    def request_feedback(self, stamp: Stamp, *, channel: str) -> None:
        self._check_stamp(stamp, command="request feedback")
        self._require_state("request_feedback")
        self.trigger_event(
            self.FeedbackRequested, **envelope(stamp), channel=require_text(channel, "channel")
        )

    def receive_feedback(self, stamp: Stamp, *, satisfaction: int, comments: str = "") -> None:
        self._check_stamp(stamp, command="receive feedback")
        self._require_state("receive_feedback")
        if not MIN_SATISFACTION <= satisfaction <= MAX_SATISFACTION:
            raise InvalidValueError(
                f"satisfaction must be from {MIN_SATISFACTION} to {MAX_SATISFACTION}",
                field="satisfaction",
            )
        self.trigger_event(
            self.FeedbackReceived,
            **envelope(stamp),
            satisfaction=satisfaction,
            personal={"comments": comments.strip()},
        )
