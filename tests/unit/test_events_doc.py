"""docs/events.md is generated from the code (scripts/gen_events_doc.py) and must be current."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest
from eventsourcing.utils import get_topic

from complaints_ledger.domain.complaint import Complaint
from tests.script_modules import load_script

ROOT = Path(__file__).resolve().parents[2]
EVENTS_DOC = ROOT / "docs" / "events.md"
COMPLAINT_MODULE = "complaints_ledger.domain.complaint"


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    return load_script("gen_events_doc")


def _all_event_classes() -> dict[str, type]:
    """Every event class reachable on Complaint, found independently of the generator."""
    return {
        name: value
        for name in dir(Complaint)
        if isinstance(value := getattr(Complaint, name), type)
        and issubclass(value, Complaint.Event)
        and value is not Complaint.Event
    }


def test_events_doc_is_current(gen):
    assert EVENTS_DOC.exists(), "docs/events.md is missing: run `make docs`"
    assert EVENTS_DOC.read_text(encoding="utf-8") == gen.render(), (
        "docs/events.md is stale: run `make docs` (python scripts/gen_events_doc.py)"
    )


def test_check_mode_passes_on_the_current_file_and_fails_on_a_stale_one(gen, tmp_path, capsys):
    assert gen.main(["--check", "--output", str(EVENTS_DOC)]) == 0
    stale = tmp_path / "events.md"
    stale.write_text("# Events\n\nsomething old\n", encoding="utf-8")
    assert gen.main(["--check", "--output", str(stale)]) == 1
    assert "stale" in capsys.readouterr().out
    assert gen.main(["--output", str(stale)]) == 0
    assert gen.main(["--check", "--output", str(stale)]) == 0


def test_every_event_class_of_complaint_is_documented(gen):
    text = EVENTS_DOC.read_text(encoding="utf-8")
    discovered = {cls.__name__ for cls in gen.discover_events()}
    every = _all_event_classes()
    # Only the library's implicit `Created` (never declared here, never recorded) is left out.
    assert set(every) - discovered <= {"Created"}
    assert Complaint.Received in gen.discover_events()
    for name in discovered:
        topic = get_topic(every[name])
        assert topic == f"{COMPLAINT_MODULE}:Complaint.{name}"
        assert f"### {name}\n" in text, f"{name} is missing from docs/events.md"
        assert f"`{topic}`" in text


def test_the_procedure_order_names_every_event_exactly_once(gen):
    listed = [name for _, names in gen.PROCEDURE for name in names]
    assert len(listed) == len(set(listed)), "an event is listed twice in PROCEDURE"
    discovered = {cls.__name__ for cls in gen.discover_events()}
    assert set(listed) == discovered, (
        f"PROCEDURE in scripts/gen_events_doc.py is out of date: missing "
        f"{sorted(discovered - set(listed))}, unknown {sorted(set(listed) - discovered)}"
    )


def test_every_event_is_recorded_by_a_public_command(gen):
    commands = gen.recording_commands()
    for event in gen.discover_events():
        methods = commands.get(event.__name__)
        assert methods, f"no command of Complaint records {event.__name__}"
        for method in methods:
            assert callable(getattr(Complaint, method))
            assert not method.startswith("_")


def test_known_facts_of_the_catalogue(gen):
    docs = {
        d.name: d
        for d in (gen.document(e, gen.recording_commands()) for e in gen.discover_events())
    }
    received = docs["Received"]
    assert received.commands == ("receive",)
    assert received.class_version == Complaint.Received.class_version
    assert "upcast_v1_v2" in received.upcasters
    assert received.app_commands == ("receive",)
    assert docs["FactCorrected"].commands == ("correct_fact",)
    # The library's Application.close is not a command: the ledger's is close_case.
    assert docs["Closed"].app_commands == ("close_case",)
    assert docs["Acknowledged"].declared_in.startswith("complaints_ledger.domain.lifecycle:")
    personal = {d.name for d in docs.values() if any(f.personal for f in d.fields)}
    assert {"Received", "EvidenceRecorded", "ResponseSent", "FactCorrected"} <= personal
    for doc in docs.values():
        names = {f.name for f in doc.fields}
        assert not names & set(gen.ENVELOPE_FIELDS), f"{doc.name} lists envelope fields"
