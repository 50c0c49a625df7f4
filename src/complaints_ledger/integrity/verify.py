"""Recompute everything from the stored events and say exactly what does not match.

The leaves table is only a cache: every leaf hash is recomputed from the event's stored bytes,
every case's chain from those hashes, and every checkpoint's root from them too, then compared
with the signed root. Editing an event and its cached leaf together is still caught.

Deleting the newest events together with their leaves and the checkpoints that covered them
leaves a log that agrees with itself, so the report also says how many events no verified
checkpoint covers; a checkpoint the auditor kept (`held`) is checked like a stored one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from complaints_ledger.integrity.checkpoints import Checkpoint
from complaints_ledger.integrity.leaves import CHAIN_START, Leaf, as_uuid, chain_next
from complaints_ledger.integrity.log_sealer import LEAVES, PAGE, LogSealer
from complaints_ledger.integrity.merkle import MerkleLog, verify_consistency
from complaints_ledger.readside.source import raw_page

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Finding:
    problem: str  # altered, missing, moved, inserted, chain, checkpoint, signature
    detail: str
    case_id: str | None = None
    version: int | None = None
    position: int | None = None

    def __str__(self) -> str:
        where = ", ".join(
            f"{name} {value}"
            for name, value in (
                ("case", self.case_id),
                ("version", self.version),
                ("position", self.position),
            )
            if value is not None
        )
        return f"{self.problem}: {self.detail}" + (f" ({where})" if where else "")


@dataclass
class Report:
    events: int = 0
    leaves: int = 0
    unsealed: int = 0
    checkpoints: int = 0
    covered: int = 0  # leaves covered by the largest checkpoint that verified
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def uncovered(self) -> int:
        """Events present that no verified checkpoint covers: not yet proved by a signature."""
        return max(self.events - self.covered, 0)


StoredLeaf = tuple[int, int, str, int, str, str]  # index, position, case, version, hash, chain


def verify(
    sealer: LogSealer,
    public_key: str | None,
    progress: Progress | None = None,
    held: Checkpoint | None = None,
) -> Report:
    """Everything recomputed from the stored events; `held` is a checkpoint kept elsewhere."""
    report = Report()
    # Checkpoints first: the sealer commits leaves before it signs them, so a checkpoint read
    # now covers only leaves read next; a seal while this runs never looks like a cut log.
    checkpoints = sealer.checkpoints()
    stored: list[StoredLeaf] = [
        (int(i), int(p), str(c), int(v), str(h), str(ch))
        for i, p, c, v, h, ch in sealer.db.execute(
            f"SELECT leaf_index, position, case_id, version, leaf_hash, chain_hash FROM {LEAVES} "  # noqa: S608
            "ORDER BY leaf_index"
        )
    ]
    report.leaves = len(stored)
    events = _read_events(sealer, report, progress)
    actual = _compare_leaves(stored, events, report)
    _check_chains(stored, actual, report)
    _check_checkpoints(checkpoints, actual, public_key, report, held)
    sealed_upto = stored[-1][1] if stored else 0
    for position, leaf in sorted(events.items()):
        if position > sealed_upto:
            report.unsealed += 1
        else:
            report.findings.append(
                Finding(
                    "inserted",
                    "an event appears where none was sealed",
                    str(leaf.case_id),
                    leaf.version,
                    position,
                )
            )
    return report


def _read_events(sealer: LogSealer, report: Report, progress: Progress | None) -> dict[int, Leaf]:
    head, position, events = sealer.log.head(), 0, {}
    while position < head:
        for p, originator, version, topic, state in raw_page(sealer.log, position, head, PAGE):
            events[p] = Leaf(p, as_uuid(originator), version, topic, state)
        position = min(position + PAGE, head)
        if progress:
            progress(position, head)
    report.events = len(events)
    return events


def _compare_leaves(
    stored: list[StoredLeaf], events: dict[int, Leaf], report: Report
) -> list[bytes | None]:
    actual: list[bytes | None] = []
    for _, position, case, version, leaf_hash, _ in stored:
        event = events.pop(position, None)
        if event is None:
            report.findings.append(
                Finding("missing", "a sealed event is gone", case, version, position)
            )
            actual.append(None)
            continue
        if (str(event.case_id), event.version) != (case, version):
            detail = f"holds case {event.case_id} version {event.version} instead"
            report.findings.append(Finding("moved", detail, case, version, position))
        elif event.hash.hex() != leaf_hash:
            report.findings.append(
                Finding("altered", "stored bytes differ from when sealed", case, version, position)
            )
        actual.append(event.hash)
    return actual


def _check_chains(stored: list[StoredLeaf], actual: list[bytes | None], report: Report) -> None:
    heads: dict[str, bytes] = {}
    for (_, position, case, version, _, chain), leaf_hash in zip(stored, actual, strict=True):
        if leaf_hash is None:
            continue
        heads[case] = chain_next(heads.get(case, CHAIN_START), leaf_hash)
        if heads[case].hex() != chain:
            report.findings.append(
                Finding("chain", "the case's hash chain breaks here", case, version, position)
            )
            heads[case] = bytes.fromhex(chain)  # report each break once, then follow the record


def _check_checkpoints(
    checkpoints: list[Checkpoint],
    actual: list[bytes | None],
    public_key: str | None,
    report: Report,
    held: Checkpoint | None,
) -> None:
    report.checkpoints = len(checkpoints)
    log = MerkleLog()
    for leaf_hash in actual:
        if leaf_hash is None:
            break  # roots past a missing event cannot be rebuilt: such checkpoints fail
        log.append(leaf_hash)
    named = [(checkpoint, "checkpoint") for checkpoint in checkpoints]
    if held is not None:
        named.append((held, "the held checkpoint"))
    for checkpoint, name in named:
        problems = _checkpoint_problems(checkpoint, name, log, public_key)
        report.findings.extend(problems)
        if not problems:
            report.covered = max(report.covered, checkpoint.tree_size)


def _checkpoint_problems(
    checkpoint: Checkpoint, name: str, log: MerkleLog, public_key: str | None
) -> list[Finding]:
    problems = []
    if not checkpoint.verifies_with(public_key or checkpoint.public_key):
        problems.append(
            Finding(
                "signature",
                f"{name} {checkpoint.tree_size} is not signed by key {checkpoint.key_id}",
            )
        )
    if checkpoint.tree_size > log.size:
        problems.append(
            Finding(
                "checkpoint",
                f"{name} {checkpoint.tree_size} covers leaves the log no longer has",
            )
        )
    elif log.root_at(checkpoint.tree_size).hex() != checkpoint.root:
        problems.append(
            Finding(
                "checkpoint",
                f"the log's root at size {checkpoint.tree_size} differs from the root signed "
                f"in {name}",
            )
        )
    return problems


def verify_since(sealer: LogSealer, earlier: Checkpoint, public_key: str) -> list[Finding]:
    """Prove the log now extends, unchanged, the one an auditor's earlier checkpoint signed."""
    if not earlier.verifies_with(public_key):
        return [Finding("signature", "the earlier checkpoint is not signed by this key")]
    latest = sealer.latest_checkpoint()
    if latest is None or latest.tree_size < earlier.tree_size:
        return [Finding("checkpoint", "no later checkpoint covers the earlier one")]
    log = MerkleLog()
    for leaf_hash in sealer.leaf_hashes()[: latest.tree_size]:
        log.append(leaf_hash)
    proof = log.consistency_proof(earlier.tree_size, latest.tree_size)
    if not verify_consistency(
        earlier.tree_size,
        latest.tree_size,
        bytes.fromhex(earlier.root),
        bytes.fromhex(latest.root),
        proof,
    ):
        return [
            Finding("checkpoint", f"the log is not an extension of checkpoint {earlier.tree_size}")
        ]
    return []
