"""The timeliness dashboard is one document through the API and the CLI, on both stores: rows
with "% within target", the cases overdue now, and totals per organisation, month and overall."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.cli.main import app
from complaints_ledger.domain.values import Role
from projections.timeliness_queries import COUNT_KEYS
from tests.api.test_read_models_api import TODAY, auth, world

__all__ = ["world"]  # the demo world the read-model API tests use
LATER = TODAY + timedelta(days=90)  # some open deadlines are past due by then


def api_document(client: TestClient) -> dict[str, Any]:
    shown = client.get(
        "/dashboards/timeliness",
        params={"today": LATER.isoformat()},
        headers=auth(client, Role.ANALYST),
    )
    assert shown.status_code == 200, shown.text
    document: dict[str, Any] = shown.json()
    return document


def test_the_cli_json_is_the_api_document(
    world: tuple[TestClient, ComplaintsLedger], store_url: str
) -> None:
    client, _ = world
    document = api_document(client)
    printed = CliRunner().invoke(
        app,
        ["--store", store_url, "report", "dashboard", "--json", "--today", LATER.isoformat()],
    )
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.stdout) == document
    assert set(document) == {"today", "as_of", "rows", "overdue", "totals"}
    assert document["overdue"], "the demo has deadlines past due 90 days on"


def test_totals_add_up_the_rows_and_give_the_share_within_target(
    world: tuple[TestClient, ComplaintsLedger],
) -> None:
    client, _ = world
    document = api_document(client)
    rows, totals = document["rows"], document["totals"]
    for key, listed in (("organisation", "by_organisation"), ("month", "by_month")):
        expected: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNT_KEYS, 0))
        for row in rows:
            for count in COUNT_KEYS:
                expected[row[key]][count] += row[count]
        assert [t[key] for t in totals[listed]] == sorted(expected)
        for total in totals[listed]:
            assert {c: total[c] for c in COUNT_KEYS} == expected[total[key]]
    overall = totals["overall"]
    assert overall["received"] == sum(row["received"] for row in rows) > 0
    # every deadline counts, as for `late`: Wales's written resolution (reg 16(5)) too
    on_time = sum(overall[k] for k in overall if k.endswith("_on_time"))
    late = sum(overall[k] for k in overall if k.endswith("_late"))
    share = round(100 * on_time / (on_time + late + overall["overdue_now"]), 1)
    assert overall["within_target_percent"] == share
    assert 0 < share < 100, "the demo has deadlines met on time, met late and overdue"
    assert all("within_target_percent" in row for row in rows)
