"""A case bundle: the case's events as stored, each with its inclusion proof against a signed
checkpoint, so that anyone holding the ledger's public key can check it offline.

`verify_bundle` uses nothing but this package and the bundle: no store, no settings.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any
from uuid import UUID

from complaints_ledger.integrity.checkpoints import Checkpoint
from complaints_ledger.integrity.leaves import CHAIN_START, Leaf, as_uuid, chain_next
from complaints_ledger.integrity.log_sealer import LogSealer
from complaints_ledger.integrity.merkle import verify_inclusion
from complaints_ledger.readside.source import as_bytes

FORMAT = "complaints-ledger case bundle v1"


def export_bundle(sealer: LogSealer, case_id: UUID, checkpoint: Checkpoint) -> dict[str, Any]:
    leaves = sealer.case_leaves(str(case_id))
    log = sealer.merkle_log()
    positions = {position: (index, chain) for index, position, _, _, chain in leaves}
    events = []
    for position, originator, version, topic, state in stored_events(sealer, list(positions)):
        index, chain = positions[position]
        events.append(
            {
                "leaf_index": index,
                "position": position,
                "originator_id": str(as_uuid(originator)),
                "version": version,
                "topic": topic,
                "state": base64.b64encode(state).decode(),
                "chain_hash": chain,
                "inclusion_proof": [
                    h.hex() for h in log.inclusion_proof(index, checkpoint.tree_size)
                ],
            }
        )
    return {
        "format": FORMAT,
        "case_id": str(case_id),
        "checkpoint": checkpoint.as_dict(),
        "events": sorted(events, key=lambda e: e["version"]),
    }


def stored_events(
    sealer: LogSealer, positions: list[int]
) -> list[tuple[int, Any, int, str, bytes]]:
    """(position, originator, version, topic, state) of the events stored at `positions`."""
    marks = ", ".join("?" for _ in positions)
    rows = sealer.db.execute(
        f"SELECT {sealer.log.position}, originator_id, originator_version, topic, state "  # noqa: S608
        f"FROM {sealer.log.table} WHERE {sealer.log.position} IN ({marks})",
        positions,
    )
    return [(int(p), o, int(v), str(t), as_bytes(s)) for p, o, v, t, s in rows]


def verify_bundle(bundle: dict[str, Any], public_key: str) -> list[str]:
    """Every problem found; an empty list means the bundle proves itself."""
    try:
        checkpoint = Checkpoint.from_dict(bundle["checkpoint"])
        events = list(bundle["events"])
        case_id = UUID(str(bundle["case_id"]))
    except (KeyError, TypeError, ValueError) as error:
        return [f"not a case bundle: {error}"]
    problems = [] if checkpoint.verifies_with(public_key) else ["the checkpoint's signature fails"]
    if bundle.get("format") != FORMAT:
        problems.append(f"unknown format {bundle.get('format')!r}")
    if [e.get("version") for e in events] != list(range(1, len(events) + 1)):
        problems.append("the case's versions are not 1, 2, 3... without gaps")
    chain = CHAIN_START
    for event in events:
        problems += _check_event(event, case_id, checkpoint)
        try:
            chain = chain_next(chain, _leaf(event).hash)
        except (KeyError, TypeError, ValueError, binascii.Error):
            continue
        if chain.hex() != event.get("chain_hash"):
            problems.append(f"version {event.get('version')}: the case's hash chain breaks")
            chain = bytes.fromhex(str(event.get("chain_hash") or CHAIN_START.hex()))
    return problems


def _leaf(event: dict[str, Any]) -> Leaf:
    return Leaf(
        int(event["position"]),
        UUID(str(event["originator_id"])),
        int(event["version"]),
        str(event["topic"]),
        base64.b64decode(event["state"], validate=True),
    )


def _check_event(event: dict[str, Any], case_id: UUID, checkpoint: Checkpoint) -> list[str]:
    where = f"version {event.get('version')}"
    try:
        leaf = _leaf(event)
        proof = [bytes.fromhex(h) for h in event["inclusion_proof"]]
        index = int(event["leaf_index"])
    except (KeyError, TypeError, ValueError, binascii.Error) as error:
        return [f"{where}: malformed ({error})"]
    problems = [] if leaf.case_id == case_id else [f"{where}: belongs to another case"]
    if not verify_inclusion(
        leaf.hash, index, checkpoint.tree_size, proof, bytes.fromhex(checkpoint.root)
    ):
        problems.append(f"{where}: not included in the signed log at leaf {index}")
    return problems
