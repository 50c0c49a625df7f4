"""The rest of the statute (issue 15 section 6) through HTTP and the CLI on both stores: reg 8
exclusions stop the clocks and are reported apart; Welsh and Northern Irish cases run their own
clocks; an extension that needs the complainant's agreement is refused without it."""

from __future__ import annotations

from typing import Any

from complaints_ledger.domain.values import Role
from tests.api.test_hostile_input import ANNUAL, Ledger, assert_refused
from tests.api.test_hostile_input import ledger as ledger  # noqa: PLC0414 - the fixture
from tests.contract.test_case_cli import Terminal, refusal
from tests.contract.test_case_cli import terminal as terminal  # noqa: PLC0414 - the fixture

ORAL = "oral_resolved_by_next_working_day"


def post(ledger: Ledger, case_id: str, path: str, body: dict[str, Any]) -> Any:
    return ledger.client.post(
        f"/complaints/{case_id}{path}", json=body, headers=ledger.headers(Role.OFFICER)
    )


def created(ledger: Ledger, **changes: Any) -> str:
    response = ledger.create(ledger.body(**changes))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_an_unknown_ground_or_a_missing_reason_is_a_422_naming_the_field(ledger: Ledger) -> None:
    before = ledger.events()
    assert_refused(
        post(ledger, ledger.case_id, "/exclusion", {"ground": "z", "reason": "r"}), "ground"
    )
    assert_refused(post(ledger, ledger.case_id, "/exclusion", {"ground": ORAL}), "reason")
    assert ledger.events() == before


def test_an_emailed_complaint_cannot_be_excluded_as_resolved_orally(ledger: Ledger) -> None:
    refused = post(ledger, ledger.case_id, "/exclusion", {"ground": ORAL, "reason": "sorted"})
    assert_refused(refused, "ground")
    assert "made orally" in refused.json()["detail"]


def test_an_exclusion_stops_the_clocks_and_is_reported_apart(ledger: Ledger) -> None:
    case_id = created(ledger, channel="phone")
    reason = {"ground": ORAL, "reason": "Visit times rearranged on the call; Pat is satisfied"}
    decided = post(ledger, case_id, "/exclusion", reason)
    assert decided.status_code == 200, decided.text
    view = decided.json()
    assert view["status"] == "closed"
    assert view["exclusion"]["rule"] == "SI 2009/309 reg 8(1)(c)"
    assert view["exclusion"]["reason"] == reason["reason"]
    assert "reg 8(1)(c)" in view["exclusion"]["clocks_stopped"]
    statutory = [d for d in view["deadlines"] if d["statutory"]]
    assert {d["status"] for d in statutory} == {"stopped"}
    assert all("Stopped: on Tue 02 Jun 2026" in d["explanation"] for d in statutory)

    manager = ledger.headers(Role.MANAGER)
    report = ledger.client.get("/reports/annual", params=ANNUAL, headers=manager).json()
    assert report["regs_16_18"]["complaints_refused"] == 1
    assert report["regs_16_18"]["refused_by_ground"][ORAL] == 1
    assert report["ko41"]["resolutions"]["refused"] == 1
    assert "complaints_refused" in report["definitions"]
    # A year on, the excluded case is stopped, never overdue; only the fixture's case is overdue
    # (its acknowledgement and its six-month response).
    later = {"today": "2027-06-01"}
    dashboard = ledger.client.get("/dashboards/timeliness", params=later, headers=manager).json()
    rows = dashboard["rows"] if isinstance(dashboard, dict) else dashboard
    assert sum(r["acknowledgement_stopped"] for r in rows) == 1
    assert sum(r["response_stopped"] for r in rows) == 1
    assert sum(r["overdue_now"] for r in rows) == 2


def test_a_closed_case_cannot_be_excluded(ledger: Ledger) -> None:
    case_id = created(ledger, channel="phone")
    assert post(ledger, case_id, "/exclusion", {"ground": ORAL, "reason": "r"}).status_code == 200
    again = post(ledger, case_id, "/exclusion", {"ground": ORAL, "reason": "r"})
    assert again.status_code == 409, again.text


def test_a_welsh_extension_without_agreement_is_a_422_naming_complainant_consent(
    ledger: Ledger,
) -> None:
    case_id = created(ledger, regime="wales-2014")
    extension = {"deadline": "response", "working_days": 5, "reason": "exceptional: leave"}
    before = ledger.events()
    refused = post(ledger, case_id, "/extensions", {**extension, "complainant_consent": False})
    assert_refused(refused, "complainant_consent")
    assert "reg 16(4)" in refused.json()["detail"]
    assert ledger.events() == before
    agreed = post(ledger, case_id, "/extensions", {**extension, "complainant_consent": True})
    assert agreed.status_code == 200, agreed.text
    response = next(d for d in agreed.json()["deadlines"] if d["name"] == "response")
    # received Mon 1 Jun, acknowledgement due Wed 3 Jun, then 10 + 5 working days: Wed 24 Jun
    assert (response["due"], response["rule"]) == ("2026-06-24", "WSI 2014/1794 reg 16(3)-(4)")


def test_a_northern_irish_case_runs_the_hsc_clocks(ledger: Ledger) -> None:
    case_id = created(ledger, regime="ni-hsc")
    view = ledger.client.get(f"/complaints/{case_id}", headers=ledger.headers()).json()
    due = {d["name"]: d["due"] for d in view["deadlines"] if d["statutory"]}
    assert due == {"acknowledgement": "2026-06-03", "response": "2026-06-29"}
    refused = post(
        ledger,
        case_id,
        "/extensions",
        {"deadline": "response", "working_days": 5, "reason": "r", "complainant_consent": False},
    )
    assert_refused(refused, "complainant_consent")


def test_the_terminal_decides_an_exclusion_and_refuses_a_wrong_one(terminal: Terminal) -> None:
    emailed = terminal.receive()
    words = ["--ground", ORAL, "--reason", "Sorted on the phone"]
    line = refusal(terminal.run("decide-exclusion", emailed, *words))
    assert "(field: ground" in line
    assert "(field: ground" in refusal(
        terminal.run("decide-exclusion", emailed, "--ground", "x", "--reason", "r")
    )
    phoned = terminal.receive(channel="phone")
    next_day = ["--occurred-at", "2026-06-02T15:00:00+00:00"]
    result = terminal.run("decide-exclusion", phoned, *words, *next_day)
    assert result.exit_code == 0, result.output
    assert '"rule": "SI 2009/309 reg 8(1)(c)"' in result.stdout


def test_the_terminal_refuses_a_welsh_extension_without_agreement(terminal: Terminal) -> None:
    case_id = terminal.receive(regime="wales-2014")
    words = ["--deadline", "response", "--working-days", "5", "--reason", "leave"]
    line = refusal(terminal.run("extend-deadline", case_id, *words, "--no-complainant-consent"))
    assert "(field: complainant_consent" in line
