"""Verifying a ledger that is being sealed, as the server's sealer and the integrity page's
"Verify now" do at once, on both stores: events sealed and a checkpoint signed while the
verification runs are no discrepancy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.values import Actor
from complaints_ledger.integrity.keys import generate_key, public_key_text
from complaints_ledger.integrity.log_sealer import LEAVES, LogSealer
from complaints_ledger.integrity.verify import verify
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.settings import Settings
from tests import builders


def test_a_checkpoint_signed_during_verification_is_no_discrepancy(
    store_url: str, tmp_path: Path
) -> None:
    key = generate_key(tmp_path / "key.pem")
    settings = Settings(store=store_url)
    officer = Actor("o.khan", builders.COUNCIL)
    with ComplaintsLedger(settings) as ledger:
        ledger.receive(builders.intake(), CommandContext(officer))
        checking, sealing = ViewDatabase(settings.store_url), ViewDatabase(settings.store_url)
        try:
            LogSealer(sealing).checkpoint(key)
            sealed_meanwhile: list[int] = []

            def execute(statement: str, params: Any = ()) -> list[Any]:
                rows = ViewDatabase.execute(checking, statement, params)
                if f"FROM {LEAVES}" in statement and "ORDER BY leaf_index" in statement:
                    # the leaves are read: now the server records and seals more, and signs
                    ledger.receive(builders.intake(), CommandContext(officer))
                    signed = LogSealer(sealing).checkpoint(key)
                    assert signed is not None
                    sealed_meanwhile.append(signed.tree_size)
                return rows

            sealer = LogSealer(checking)
            checking.execute = execute  # type: ignore[method-assign]
            report = verify(sealer, public_key_text(key))
        finally:
            checking.close()
            sealing.close()
    assert sealed_meanwhile, "the leaves were never read"
    assert report.ok, [str(finding) for finding in report.findings]
    assert report.unsealed > 0  # what was sealed meanwhile counts as recorded since the seal
