"""Recording reads in groups (access_logs.py), on both stores: every read is in the case's access
log before its caller returns, reads queued together share one transaction, and one bad read,
a stale log or a failing store never loses or blocks the others."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import OperationalError

from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger, system_clock
from complaints_ledger.application.read_audit import ReadRecorder
from complaints_ledger.domain.errors import InvalidValueError, StoreUnavailableError
from complaints_ledger.domain.registry import OrganisationKind
from complaints_ledger.domain.values import Actor, Role
from complaints_ledger.settings import Settings
from tests.builders import intake

COUNCIL = "Northshire County Council"
OFFICER = Actor("jo.bloggs", COUNCIL, Role.OFFICER)
WAIT_SECONDS = 10


@pytest.fixture
def clock() -> Callable[[], datetime]:
    return system_clock


@pytest.fixture
def ledger_settings() -> dict[str, Any]:
    return {"snapshot_interval": 0}


@pytest.fixture
def ledger(ledger: ComplaintsLedger) -> ComplaintsLedger:
    admin = CommandContext(Actor("admin", "complaints-ledger", Role.ADMIN))
    ledger.register_organisation(admin, name=COUNCIL, kind=OrganisationKind.COUNCIL)
    return ledger


def _case(ledger: ComplaintsLedger) -> UUID:
    return ledger.receive(
        intake(receiving_organisation=COUNCIL, about_organisation=COUNCIL),
        CommandContext(OFFICER),
    )


class GatedSave:
    """The ledger's save, except that the first call waits until `queued` more reads wait
    behind it, so the next group is known in advance; counts the transactions."""

    def __init__(self, ledger: ComplaintsLedger) -> None:
        self.ledger, self.calls = ledger, 0
        self.first_started = threading.Event()
        self.release = threading.Event()

    def __call__(self, *logs: Any) -> object:
        self.calls += 1
        if self.calls == 1:
            self.first_started.set()
            assert self.release.wait(WAIT_SECONDS)
        return self.ledger.save(*logs)


def _recorder(ledger: ComplaintsLedger, save: Any) -> ReadRecorder:
    return ReadRecorder(
        ledger._access_log,
        save,
        lambda actor: ledger._stamp(CommandContext(actor), None),
    )


def _queue_behind_leader(
    recorder: ReadRecorder, gate: GatedSave, reads: list[tuple[UUID, str]]
) -> tuple[Future[None], list[Future[None]]]:
    """One read leads and is held in its save; then `reads` queue behind it."""
    pool = ThreadPoolExecutor(len(reads) + 1)
    first_case = reads[0][0]
    leader = pool.submit(recorder.record, first_case, OFFICER, what="case", purpose=None)
    assert gate.first_started.wait(WAIT_SECONDS)
    followers = [
        pool.submit(recorder.record, case_id, OFFICER, what=what, purpose="checking")
        for case_id, what in reads
    ]
    while len(recorder._queued) < len(reads):
        threading.Event().wait(0.01)
    gate.release.set()
    pool.shutdown(wait=False)
    return leader, followers


def test_reads_queued_together_are_written_in_one_transaction(ledger: ComplaintsLedger) -> None:
    cases = [_case(ledger) for _ in range(3)]
    gate = GatedSave(ledger)
    recorder = _recorder(ledger, gate)
    reads = [(cases[n % 3], "case") for n in range(7)]
    leader, followers = _queue_behind_leader(recorder, gate, reads)
    for future in [leader, *followers]:
        future.result(timeout=WAIT_SECONDS)
    assert gate.calls == 2  # the leader's read, then all seven queued reads at once
    assert [len(ledger.reads_of(case_id)) for case_id in cases] == [4, 2, 2]


def test_a_bad_read_in_a_group_fails_alone(ledger: ComplaintsLedger) -> None:
    case_id = _case(ledger)
    gate = GatedSave(ledger)
    recorder = _recorder(ledger, gate)
    reads = [(case_id, "case"), (case_id, "   "), (case_id, "history")]
    leader, followers = _queue_behind_leader(recorder, gate, reads)
    leader.result(timeout=WAIT_SECONDS)
    followers[0].result(timeout=WAIT_SECONDS)
    with pytest.raises(InvalidValueError):
        followers[1].result(timeout=WAIT_SECONDS)
    followers[2].result(timeout=WAIT_SECONDS)
    assert [r["what"] for r in ledger.reads_of(case_id)] == ["case", "case", "history"]


def test_a_log_appended_by_another_process_is_reloaded(
    ledger: ComplaintsLedger, store_url: str
) -> None:
    case_id = _case(ledger)
    ledger.record_read(case_id, OFFICER, what="case", purpose=None)  # this process keeps v2
    other = ComplaintsLedger(Settings(store=store_url, snapshot_interval=0))
    try:
        other.record_read(case_id, OFFICER, what="history", purpose=None)
    finally:
        other.close()
    ledger.record_read(case_id, OFFICER, what="audit trail", purpose=None)  # stale: v2 again
    assert [r["what"] for r in ledger.reads_of(case_id)] == ["case", "history", "audit trail"]


def test_a_failing_store_fails_every_queued_read_and_blocks_none(
    ledger: ComplaintsLedger,
) -> None:
    case_id = _case(ledger)
    failures = {"left": 1}

    def failing_save(*logs: Any) -> object:
        if failures["left"]:
            failures["left"] -= 1
            raise OperationalError("the server closed the connection")
        return ledger.save(*logs)

    recorder = _recorder(ledger, failing_save)
    with ThreadPoolExecutor(4) as pool:
        futures = [
            pool.submit(recorder.record, case_id, OFFICER, what="case", purpose=None)
            for _ in range(4)
        ]
    outcomes = [future.exception(timeout=WAIT_SECONDS) for future in futures]
    failed = [o for o in outcomes if o is not None]
    assert len(failed) >= 1  # the first group, whatever its size
    assert all(isinstance(o, StoreUnavailableError) for o in failed)
    recorder.record(case_id, OFFICER, what="history", purpose=None)
    recorded = [r["what"] for r in ledger.reads_of(case_id)]
    assert recorded == ["case"] * (4 - len(failed)) + ["history"]


def test_many_threads_and_two_processes_record_every_read(
    ledger: ComplaintsLedger, store_url: str
) -> None:
    cases = [_case(ledger) for _ in range(3)]
    other = ComplaintsLedger(Settings(store=store_url, snapshot_interval=0))
    try:
        with ThreadPoolExecutor(8) as pool:
            futures = [
                pool.submit(
                    (ledger if n % 2 else other).record_read,
                    cases[n % 3],
                    OFFICER,
                    what=f"read {n}",
                    purpose=None,
                )
                for n in range(60)
            ]
            for future in futures:
                future.result(timeout=60)
    finally:
        other.close()
    recorded = sorted(r["what"] for c in cases for r in ledger.reads_of(c))
    assert recorded == sorted(f"read {n}" for n in range(60))
