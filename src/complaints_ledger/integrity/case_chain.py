"""One case's hash chain checked against its stored events: for each sealed version, where it
sits in the signed log and whether its stored bytes and chain hash still match what was sealed.

A cheap, per-case cousin of `verify` (which recomputes the whole log): the case's leaf hashes
are recomputed from the stored events and chained again from the start, so an edited event
shows as "altered" and every version after a break as "chain".
"""

from __future__ import annotations

from dataclasses import dataclass

from complaints_ledger.integrity.bundle import stored_events
from complaints_ledger.integrity.leaves import CHAIN_START, Leaf, as_uuid, chain_next
from complaints_ledger.integrity.log_sealer import LogSealer

HOLDS, ALTERED, MISSING, CHAIN = "holds", "altered", "missing", "chain"


@dataclass(frozen=True)
class SealedVersion:
    version: int
    leaf_index: int  # its place in the signed log (0-based)
    position: int
    chain_hash: str  # hex, as sealed
    status: str  # HOLDS, ALTERED (bytes differ from when sealed), MISSING, CHAIN (breaks here)


def case_chain(sealer: LogSealer, case_id: str) -> dict[int, SealedVersion]:
    """The case's sealed versions by version number; a version not yet sealed is absent."""
    leaves = sealer.case_leaves(case_id)
    positions = [position for _, position, _, _, _ in leaves]
    stored = {
        position: Leaf(position, as_uuid(originator), version, topic, state)
        for position, originator, version, topic, state in (
            stored_events(sealer, positions) if positions else []
        )
    }
    chain, found = CHAIN_START, {}
    for index, position, version, leaf_hash, chain_hash in leaves:
        event = stored.get(position)
        if event is None:
            status = MISSING
        elif event.hash.hex() != leaf_hash or event.version != version:
            status = ALTERED
        else:
            chain = chain_next(chain, event.hash)
            status = HOLDS if chain.hex() == chain_hash else CHAIN
        if status != HOLDS:
            chain = bytes.fromhex(chain_hash)  # report the break once, then follow the record
        found[version] = SealedVersion(version, index, position, chain_hash, status)
    return found
