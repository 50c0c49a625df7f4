"""Generate docs/events.md, the catalogue of stored events, from the code.

    python scripts/gen_events_doc.py           write docs/events.md
    python scripts/gen_events_doc.py --check   exit 1 if docs/events.md is stale

Everything in the catalogue is read from the classes: the events are discovered on `Complaint`,
their payload fields from the dataclass annotations, the command that records each event by
scanning the aggregate's source for `trigger_event(self.<Event>` / `_create(cls.<Event>`.
Only the procedure order below (and the prose) is written by hand; a test checks that it names
every event, and an event missing from it still appears, under "Not yet placed".
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import difflib
import inspect
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eventsourcing.persistence import Transcoding
from eventsourcing.utils import get_topic

from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.calendar_adjustments import CalendarAdjustments
from complaints_ledger.domain.complaint import Complaint
from complaints_ledger.domain.values import Actor, Role
from complaints_ledger.persistence import transcodings

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "events.md"
PROJECT_PACKAGE = "complaints_ledger"
PERSONAL_FIELD = "personal"
ENVELOPE_FIELDS = (
    "originator_id",
    "originator_version",
    "originator_topic",
    "timestamp",
    "occurred_at",
    "actor",
    "correlation_id",
)
RECORDING_CALLS = frozenset({"trigger_event", "_create"})
UPCASTER = re.compile(r"^upcast_v(\d+)_v(\d+)$")
TRAILING_COMMENT = re.compile(r"^\s*(\w+)\s*:[^#=]*#\s*(.+?)\s*$")

# The procedure (as in the project's domain brief), step by step. Headings are prose; a test
# checks that every discovered event is named here exactly once.
PROCEDURE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("1. Receipt", ("Received", "LateComplaintAccepted")),
    ("1b. Not dealt with under the Regulations (SI 2009/309 reg 8)", ("ExclusionDecided",)),
    (
        "1a. No wrong door: referral",
        (
            "Referred",
            "ReferralAccepted",
            "ReferralDeclined",
            "ReferralRecalled",
            "ReferralPassedOn",
        ),
    ),
    (
        "2. Acknowledgement and response periods",
        ("Acknowledged", "ResponsePeriodAgreed", "DeadlineExtended"),
    ),
    ("3. Investigation", ("InvestigationStarted", "HandlerAssigned", "EvidenceRecorded")),
    (
        "4. Communication and the internal target",
        ("ComplainantUpdated", "TargetPaused", "TargetResumed", "LetterSent"),
    ),
    ("4a. Wales: local resolution (WSI 2014/1794 reg 16)", ("LocalResolutionDiscussed",)),
    (
        "5. Resolution: response and action plan",
        ("ResponseSent", "ActionPlanned", "ActionCompleted"),
    ),
    (
        "6. Escalation",
        (
            "Escalated",
            "OmbudsmanDecisionRecorded",
            "OmbudsmanOutcomeRecorded",
            "RemedyComplianceRecorded",
            "RegulatorNotificationAcknowledged",
        ),
    ),
    ("7. Learning", ("LessonRecorded",)),
    ("8. Follow-up", ("FeedbackRequested", "FeedbackReceived", "ForumReviewRecorded")),
    ("9. Withdrawal, closure, reopening", ("Withdrawn", "Closed", "Reopened")),
    ("9a. Corrections", ("FactCorrected",)),
    (
        "10. Personal data: erasure and litigation holds",
        ("SubjectErased", "LitigationHoldPlaced", "LitigationHoldLifted"),
    ),
)


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    personal: bool
    note: str


@dataclass(frozen=True)
class EventDoc:
    name: str
    topic: str
    declared_in: str
    class_version: int
    upcasters: tuple[str, ...]
    version_note: str
    upcaster_sources: tuple[str, ...]
    commands: tuple[str, ...]
    app_commands: tuple[str, ...]
    docstring: str
    fields: tuple[Field, ...]
    aggregate: str = "Complaint"
    application: str = "ComplaintsLedger"


# ---- discovery --------------------------------------------------------------------------------


def _project_classes() -> list[type]:
    """Complaint and the mixins it is composed of, most derived first."""
    return [c for c in Complaint.__mro__ if c.__module__.startswith(PROJECT_PACKAGE)]


def _class_node(cls: type) -> ast.ClassDef:
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    node = tree.body[0]
    if not isinstance(node, ast.ClassDef):  # pragma: no cover - getsource of a class
        raise TypeError(f"no class definition for {cls.__qualname__}")
    return node


def declared_event_names() -> set[str]:
    """Names of the classes nested in the source of Complaint and its mixins."""
    names: set[str] = set()
    for cls in _project_classes():
        names.update(n.name for n in _class_node(cls).body if isinstance(n, ast.ClassDef))
    return names


def discover_events() -> list[type]:
    """Every event class of Complaint declared by this project (not the library's implicit ones).

    Walks `dir(Complaint)` for subclasses of `Complaint.Event` (the created event `Received`
    included); the library's own `Complaint.Created`, never declared here nor recorded, is left out.
    """
    declared = declared_event_names()
    found = []
    for name in dir(Complaint):
        value = getattr(Complaint, name)
        if (
            isinstance(value, type)
            and issubclass(value, Complaint.Event)
            and value is not Complaint.Event
            and name in declared
        ):
            found.append(value)
    return found


def _declaring_class(event: type) -> type:
    """The class as written in the source (before eventsourcing re-nested it under Complaint)."""
    same_name = [
        c
        for c in event.__mro__
        if c.__name__ == event.__name__ and c.__module__.startswith(PROJECT_PACKAGE)
    ]
    return same_name[-1]


def _docstring(event: type) -> str:
    for cls in event.__mro__:
        if cls.__name__ != event.__name__ or not cls.__module__.startswith(PROJECT_PACKAGE):
            continue
        doc = vars(cls).get("__doc__")
        # dataclasses write "<Name>(self, ...)" as the docstring of an undocumented class.
        if doc and not doc.startswith(f"{event.__name__}("):
            return inspect.cleandoc(doc)
    return ""


def _field_notes(event: type) -> dict[str, str]:
    """Trailing comments on field annotations, e.g. `personal: dict  # notes: personal data`."""
    notes: dict[str, str] = {}
    for cls in reversed(event.__mro__):
        if cls.__name__ != event.__name__ or not cls.__module__.startswith(PROJECT_PACKAGE):
            continue
        try:
            lines = inspect.getsource(cls).splitlines()
        except (OSError, TypeError):  # pragma: no cover - classes made at run time
            continue
        for line in lines:
            match = TRAILING_COMMENT.match(line)
            if match and match.group(1) not in notes:
                notes[match.group(1)] = match.group(2)
    return notes


def _type_name(annotation: Any) -> str:
    return annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)


def _payload(event: type) -> tuple[Field, ...]:
    notes = _field_notes(event)
    return tuple(
        Field(
            name=f.name,
            type=_type_name(f.type),
            personal=f.name == PERSONAL_FIELD,
            note=notes.get(f.name, ""),
        )
        for f in dataclasses.fields(event)
        if f.name not in ENVELOPE_FIELDS
    )


def _upcasters(event: type) -> tuple[str, ...]:
    names = {n for n in dir(event) if UPCASTER.match(n)}
    return tuple(sorted(names, key=lambda n: tuple(int(g) for g in UPCASTER.findall(n)[0])))


def _version_note(declaring: type) -> str:
    """The comment written just above `class_version = N`, if any."""
    lines = inspect.getsource(declaring).splitlines()
    for index, line in enumerate(lines):
        if line.strip().startswith("class_version"):
            comment: list[str] = []
            for above in reversed(lines[:index]):
                if not above.strip().startswith("#"):
                    break
                comment.insert(0, above.strip().removeprefix("#").strip())
            return " ".join(comment)
    return ""


def _recorded_event(call: ast.Call) -> str | None:
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr in RECORDING_CALLS and call.args):
        return None
    first = call.args[0]
    if (
        isinstance(first, ast.Attribute)
        and isinstance(first.value, ast.Name)
        and first.value.id in {"self", "cls"}
    ):
        return first.attr
    return None


def _self_calls(node: ast.AST) -> set[str]:
    called: set[str] = set()
    for sub in ast.walk(node):
        if (
            isinstance(sub, ast.Call)
            and isinstance(sub.func, ast.Attribute)
            and isinstance(sub.func.value, ast.Name)
            and sub.func.value.id in {"self", "cls"}
        ):
            called.add(sub.func.attr)
    return called


def recording_commands() -> dict[str, tuple[str, ...]]:
    """Event name -> the public methods of Complaint that record it (directly or via a helper)."""
    triggers: dict[str, set[str]] = {}  # method -> events it records itself
    calls: dict[str, set[str]] = {}  # method -> methods of the case it calls
    for cls in _project_classes():
        for node in _class_node(cls).body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            recorded = {
                name
                for sub in ast.walk(node)
                if isinstance(sub, ast.Call) and (name := _recorded_event(sub)) is not None
            }
            triggers.setdefault(node.name, set()).update(recorded)
            calls.setdefault(node.name, set()).update(_self_calls(node))

    def reachable(method: str, seen: set[str]) -> set[str]:
        events = set(triggers.get(method, ()))
        for callee in calls.get(method, ()):
            if callee.startswith("_") and callee not in seen and callee not in RECORDING_CALLS:
                events |= reachable(callee, seen | {callee})
        return events

    by_event: dict[str, set[str]] = {}
    for method in triggers:
        if method.startswith("_"):
            continue
        for event in reachable(method, {method}):
            by_event.setdefault(event, set()).add(method)
    return {event: tuple(sorted(methods)) for event, methods in by_event.items()}


def application_commands(domain_commands: set[str]) -> dict[str, tuple[str, ...]]:
    """Domain command -> the public methods of ComplaintsLedger that call it on a case."""
    found: dict[str, set[str]] = {}
    for cls in ComplaintsLedger.__mro__:
        if not cls.__module__.startswith(PROJECT_PACKAGE):
            continue
        for node in _class_node(cls).body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            for sub in ast.walk(node):
                if (
                    isinstance(sub, ast.Call)
                    and isinstance(sub.func, ast.Attribute)
                    and isinstance(sub.func.value, ast.Name)
                    and sub.func.value.id != "self"
                    and sub.func.attr in domain_commands
                ):
                    found.setdefault(sub.func.attr, set()).add(node.name)
    return {command: tuple(sorted(apps)) for command, apps in found.items()}


def document(
    event: type,
    commands: dict[str, tuple[str, ...]],
    app_commands: dict[str, tuple[str, ...]] | None = None,
) -> EventDoc:
    if app_commands is None:
        app_commands = application_commands({c for cs in commands.values() for c in cs})
    declaring = _declaring_class(event)
    domain_commands = commands.get(event.__name__, ())
    return EventDoc(
        name=event.__name__,
        topic=get_topic(event),
        declared_in=f"{declaring.__module__}:{declaring.__qualname__}",
        class_version=int(getattr(event, "class_version", 1)),
        upcasters=_upcasters(event),
        version_note=_version_note(declaring),
        upcaster_sources=tuple(
            textwrap.dedent(inspect.getsource(getattr(event, u))).strip() for u in _upcasters(event)
        ),
        commands=domain_commands,
        app_commands=tuple(
            sorted({app for c in domain_commands for app in app_commands.get(c, ())})
        ),
        docstring=_docstring(event),
        fields=_payload(event),
    )


# ---- rendering --------------------------------------------------------------------------------

HEADER = """\
# Events

<!-- Generated by scripts/gen_events_doc.py from the code. Do not edit by hand: run `make docs`.
     tests/unit/test_events_doc.py fails when this file is stale. -->

The ledger stores one stream of events per case (one `Complaint` aggregate). This catalogue lists
every event the aggregate can record, in the order of the complaints procedure, with its stored
topic, its payload and the command that records it. The one-off bank holidays of the working-day
calendars are one stream per nation (`CalendarAdjustments`, last section; ADR 0016).
"""

RULES = """\
## Rules: events are forever

- **An event, once recorded, is never changed or deleted.** Facts are corrected by a new,
  privileged and reasoned `FactCorrected` event; the old value stays in the history.
- **The stored topic is `<module>:<qualified class name>`.** All events are declared in the
  procedure mixins (`lifecycle.py`, `handling.py`, `escalation.py`, `follow_up.py`,
  `corrections.py`, `privacy.py`) but eventsourcing re-nests them under `Complaint`, so their
  topics are
  `complaints_ledger.domain.complaint:Complaint.<Event>` whichever module declares them
  (see docs/adr/0001). Moving an event between mixins does not change its topic; **renaming an
  event class, renaming `Complaint`, or moving `complaint.py` does**, and needs a topic alias
  (`eventsourcing.utils.register_topic(old_topic, new_class)`) so that stored events still load.
- **A payload change needs an upcaster and a test.** Adding, removing, renaming or re-typing a
  field means: increment the event's `class_version`, add a static `upcast_vN_vN+1(state)` that
  turns the stored dict of version N into version N+1, and add a test that an event stored in
  the old shape loads. Upcasters run on load; the stored event is never rewritten.
- **Personal data lives only in the `personal` field** (a dict) of the payload. Each of its
  fields is stored sealed with the key of the data subject it belongs to (`representative` is the
  representative's, every other field the complainant's; see docs/privacy.md), and reads as
  `[erased]` once that subject is erased. Every other field must be safe to keep for the whole
  retention period and to show to auditors.
- **Values in events are plain JSON** (strings, numbers, booleans, lists, dicts) plus the
  library's transcodings (UUID, datetime, Decimal) and the ledger's own, whose names are stored
  and must never change: {transcodings}. Enums are stored as their string values.
"""


def transcoding_names() -> str:
    found = [
        value
        for value in vars(transcodings).values()
        if isinstance(value, type) and issubclass(value, Transcoding) and value is not Transcoding
    ]
    return ", ".join(f"`{t.name}` ({t.type.__name__})" for t in found)


def render_envelope() -> str:
    actor_keys = ", ".join(f"`{f.name}`" for f in dataclasses.fields(Actor))
    roles = ", ".join(f"`{r.value}`" for r in Role)
    types = {f.name: _type_name(f.type) for f in dataclasses.fields(Complaint.Received)}
    meaning = {
        "originator_id": "The case id (UUID). For `Received` it is derived from the command's "
        "correlation id (uuid5), so that a repeated receipt cannot create a second case.",
        "originator_version": "Position of the event in the case's stream: 1, 2, 3... "
        "Optimistic concurrency: two writers cannot both record version n.",
        "originator_topic": "`Received` only (the created event): the aggregate's topic, "
        "`complaints_ledger.domain.complaint:Complaint`.",
        "timestamp": "**Recorded at**: when the ledger recorded the event, from the ledger's "
        "clock (never supplied by a user), never earlier than the case's previous event. "
        "'What was known when' (`as_of`) replays by this time.",
        "occurred_at": "**Occurred at**: when it happened, as the user says (the letter's date, "
        "the call's time); timezone-aware, not after `timestamp`, not before the receipt. "
        "Deadlines and timeliness are computed from it.",
        "actor": f"Who did it: a dict with {actor_keys}. Roles: {roles}.",
        "correlation_id": "One per command (the Idempotency-Key when given). A case rejects a "
        "second command with a correlation id it has already applied.",
    }
    rows = [
        f"| `{name}` | `{types.get(name, 'str')}` | {meaning[name]} |" for name in ENVELOPE_FIELDS
    ]
    doc = _docstring(Complaint.Event)
    return "\n".join(
        [
            "## The envelope",
            "",
            (
                "Every event carries these fields besides its payload (declared on "
                "`CaseBase.Event` in `complaints_ledger.domain.case_state` and by the library)."
            ),
            "",
            *([f"> `CaseBase.Event`: {doc}", ""] if doc else []),
            "| field | type | meaning |",
            "|---|---|---|",
            *rows,
            "",
        ]
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_event(doc: EventDoc) -> str:
    lines = [f"### {doc.name}", ""]
    if doc.docstring:
        lines += [doc.docstring, ""]
    lines.append(f"- Stored topic: `{doc.topic}`")
    lines.append(f"- Declared in: `{doc.declared_in}`")
    if doc.class_version > 1:
        upcasters = ", ".join(f"`{u}`" for u in doc.upcasters) or "**none (add them)**"
        lines.append(f"- Class version: {doc.class_version} (upcasters: {upcasters})")
    else:
        lines.append("- Class version: 1")
    if doc.commands:
        recorded_by = ", ".join(f"`{doc.aggregate}.{c}`" for c in doc.commands)
        lines.append(f"- Recorded by: {recorded_by}")
    else:
        lines.append("- Recorded by: **no command records this event**")
    if doc.app_commands:
        app = ", ".join(f"`{doc.application}.{c}`" for c in doc.app_commands)
        lines.append(f"- Application command: {app}")
    lines.append("")
    if doc.version_note:
        lines += [f"Versions: {doc.version_note}", ""]
    for source in doc.upcaster_sources:
        lines += ["```python", source, "```", ""]
    if doc.fields:
        lines += ["| field | type | personal | note |", "|---|---|---|---|"]
        lines += [
            f"| `{f.name}` | `{_cell(f.type)}` | {'**PERSONAL**' if f.personal else 'no'} "
            f"| {_cell(f.note)} |"
            for f in doc.fields
        ]
    else:
        lines.append("No payload: the envelope says it all.")
    lines.append("")
    return "\n".join(lines)


def ordered_sections(docs: list[EventDoc]) -> list[tuple[str, list[EventDoc]]]:
    by_name = {d.name: d for d in docs}
    sections: list[tuple[str, list[EventDoc]]] = []
    placed: set[str] = set()
    for heading, names in PROCEDURE:
        present = [by_name[n] for n in names if n in by_name]
        placed.update(names)
        if present:
            sections.append((heading, present))
    unplaced = sorted((d for d in docs if d.name not in placed), key=lambda d: d.name)
    if unplaced:
        sections.append(("Not yet placed in the procedure order", unplaced))
    return sections


CALENDAR_SECTION = "11. Working-day calendars (one stream per nation, not per case)"


def calendar_docs() -> list[EventDoc]:
    """The adjustments of a nation's calendar: recorded by `CalendarAdjustments`, run through
    `application.calendar_service.CalendarBook`."""
    commands = {
        "Opened": ("open",),
        "HolidayAdded": ("add_holiday",),
        "HolidayRemoved": ("remove_holiday",),
    }
    apps = {
        "open": ("add_holiday", "remove_holiday"),
        "add_holiday": ("add_holiday",),
        "remove_holiday": ("remove_holiday",),
    }
    return [
        dataclasses.replace(
            document(event, commands, apps),
            aggregate="CalendarAdjustments",
            application="CalendarBook",
        )
        for event in (
            CalendarAdjustments.Opened,
            CalendarAdjustments.HolidayAdded,
            CalendarAdjustments.HolidayRemoved,
        )
    ]


def render() -> str:
    commands = recording_commands()
    apps = application_commands({c for cs in commands.values() for c in cs})
    docs = [document(event, commands, apps) for event in discover_events()]
    sections = [*ordered_sections(docs), (CALENDAR_SECTION, calendar_docs())]
    index = [
        f"- {title}: " + ", ".join(f"[`{d.name}`](#{d.name.lower()})" for d in events)
        for title, events in sections
    ]
    rules = RULES.format(transcodings=transcoding_names())
    body = [HEADER, rules, render_envelope(), "## Index", "", *index, ""]
    for title, events in sections:
        body += [f"## {title}", ""]
        body += [render_event(d) for d in events]
    return "\n".join(body).rstrip() + "\n"


# ---- entry point ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the file is stale; write nothing"
    )
    parser.add_argument("--output", type=Path, default=OUTPUT, help="default: docs/events.md")
    args = parser.parse_args(argv)
    output: Path = args.output
    text = render()
    if args.check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current == text:
            print(f"{output} is up to date")
            return 0
        diff = difflib.unified_diff(
            current.splitlines(keepends=True),
            text.splitlines(keepends=True),
            fromfile=f"{output} (on disk)",
            tofile=f"{output} (from the code)",
            n=1,
        )
        print(f"{output} is stale: run `make docs` (python scripts/gen_events_doc.py)")
        print("".join(list(diff)[:60]), end="")
        return 1
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
