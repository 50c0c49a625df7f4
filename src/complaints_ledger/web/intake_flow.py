"""The questions of "Log a complaint": the API's new-complaint body (`ComplaintCreate`, the one
POST /complaints validates) asked over a few grouped question pages, worded for staff.

Every field of the body is on exactly one page, except the receiving organisation, which the
access policy fixes: staff log complaints for their own organisation only. Each page is checked
by the body's own model, the whole document at once, and shows the errors about its own fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from complaints_ledger.application.intake import ComplaintCreate
from complaints_ledger.domain.regime_rules import REGIME_NAMES
from complaints_ledger.web.form_input import FilledForm, FormErrors, Values, validated
from complaints_ledger.web.forms import FormField, Kind, Wording, form_fields

FIXED = frozenset({"organisation"})  # set from the signed-in person's organisation

WORDING = {
    "kind": Wording("Type", missing="Select whether it is a complaint, a concern or a compliment"),
    "channel": Wording("How it arrived", missing="Select how it arrived"),
    "received_at": Wording(
        "Date received",
        "UK time: when the call was taken, or when the letter or email arrived.",
        missing="Enter the date and time it was received",
    ),
    "complainant": Wording("The person complaining"),
    "complainant-name": Wording(
        "Full name", missing="Enter the full name of the person complaining"
    ),
    "complainant-email": Wording("Email address"),
    "complainant-phone": Wording("Phone number"),
    "complainant-address": Wording("Postal address"),
    "representative": Wording(
        "Their representative",
        "Only if someone else is complaining for them, such as a relative, a friend or an "
        "advocate. Leave these empty otherwise.",
    ),
    "representative-person": Wording("The representative"),
    "representative-person-name": Wording(
        "Full name", missing="Enter the representative's full name"
    ),
    "representative-person-email": Wording("Email address"),
    "representative-person-phone": Wording("Phone number"),
    "representative-person-address": Wording("Postal address"),
    "representative-relationship": Wording(
        "Relationship to the person complaining",
        "For example, daughter, friend or advocate.",
        missing="Enter the representative's relationship to the person complaining",
    ),
    "representative-consent": Wording(
        "Why they may act for the person complaining",
        missing="Select why the representative may act for the person complaining",
        options={
            "consent_given": "The person has given their consent",
            "person_lacks_capacity": "The person lacks the capacity to consent",
            "person_has_died": "The person has died",
        },
    ),
    "accessibility_needs": Wording(
        "Accessibility needs",
        "How we should communicate with them, for example large print, British Sign Language "
        "or phone calls rather than letters.",
    ),
    "advocacy": Wording("Advocacy service", "The advocacy service supporting them, if any."),
    "about": Wording("Who and what it is about"),
    "about-organisation": Wording(
        "Organisation complained about",
        "The provider or service the complaint is about.",
        missing="Enter the organisation complained about",
    ),
    "about-service": Wording(
        "Service", "For example, home care.", missing="Enter the service concerned"
    ),
    "subjects": Wording(
        "Subjects",
        "What it is about, for example missed visits or staff attitude.",
        missing="Enter at least one subject",
    ),
    "summary": Wording(
        "Summary", "What happened, in their words where you can.", missing="Enter a summary"
    ),
    "matter_occurred_on": Wording("Date it happened"),
    "matter_noticed_on": Wording(
        "Date they noticed it", "Only if they noticed it later than it happened."
    ),
    "regime": Wording(
        "Complaints procedure",
        "The regulations or code its deadlines follow.",
        missing="Select the complaints procedure",
        options={str(regime): name for regime, name in REGIME_NAMES.items()},
    ),
    "internal_target_working_days": Wording(
        "Your own target for the response, in working days",
        "Not statutory: the procedure's deadlines apply whatever you enter.",
    ),
}


@dataclass(frozen=True)
class QuestionPage:
    slug: str
    title: str  # the page's question, its h1
    section: str  # its part of the check answers page
    names: tuple[str, ...]  # the body's fields it asks for
    fields: tuple[FormField, ...] = ()

    @property
    def href(self) -> str:
        return f"{START}/{self.slug}"

    def input_names(self) -> list[str]:
        """The names of the page's inputs (a date input's parts apart)."""
        return [name for each in self.fields for name in _inputs(each)]

    def ids(self) -> set[str]:
        return {found.id for found in leaves_and_groups(self.fields)}


START = "/log-complaint"
ALL_FIELDS = tuple(
    each for each in form_fields(ComplaintCreate, wording=WORDING) if each.name not in FIXED
)
_BY_NAME = {each.name: each for each in ALL_FIELDS}


def _page(slug: str, title: str, section: str, *names: str) -> QuestionPage:
    return QuestionPage(slug, title, section, names, tuple(_BY_NAME[name] for name in names))


PAGES = (
    _page("arrival", "How did it arrive?", "How it arrived", "kind", "channel", "received_at"),
    _page("complainant", "Who is complaining?", "The person complaining", "complainant"),
    _page(
        "representative",
        "Is someone complaining for them?",
        "Their representative",
        "representative",
    ),
    _page(
        "support",
        "What support do they need?",
        "Support",
        "accessibility_needs",
        "advocacy",
    ),
    _page(
        "about",
        "What is it about?",
        "What it is about",
        "about",
        "subjects",
        "summary",
        "matter_occurred_on",
        "matter_noticed_on",
    ),
    _page(
        "procedure",
        "Which complaints procedure applies?",
        "Complaints procedure",
        "regime",
        "internal_target_working_days",
    ),
)
PAGES_BY_SLUG = {page.slug: page for page in PAGES}


def _inputs(each: FormField) -> Iterator[str]:
    if each.kind == Kind.GROUP:
        for child in each.children:
            yield from _inputs(child)
    elif each.kind in {Kind.DATE, Kind.INSTANT}:
        yield from (f"{each.id}-{part}" for part in each.parts)
    else:
        yield each.id


def leaves_and_groups(fields: Iterable[FormField]) -> Iterator[FormField]:
    for each in fields:
        yield each
        if each.kind == Kind.GROUP:
            yield from leaves_and_groups(each.children)


def initial_values() -> dict[str, list[str]]:
    """What the pages show before anything is entered: the body's defaults."""
    return {each.id: list(each.initial) for each in leaves_and_groups(ALL_FIELDS) if each.initial}


def check(
    values: Values, organisation: str
) -> tuple[ComplaintCreate | None, FormErrors, FilledForm]:
    """Every answer so far, checked as POST /complaints checks its body."""
    filled = FilledForm(ALL_FIELDS, values, {})
    fixed = {"organisation": organisation}
    body, errors = validated(ComplaintCreate, filled, FormErrors(), fixed)
    return body, errors, filled


def errors_on(page: QuestionPage, errors: FormErrors) -> FormErrors:
    """The errors about the page's own fields, in the order the page asks them."""
    mine = FormErrors()
    for each in leaves_and_groups(page.fields):
        if each.id in errors.by_field:
            mine.add(errors.by_field[each.id], each)
    return mine


def page_of(field_id: str | None) -> QuestionPage | None:
    """The page that asks for the field with this id."""
    return next((page for page in PAGES if field_id in page.ids()), None)
