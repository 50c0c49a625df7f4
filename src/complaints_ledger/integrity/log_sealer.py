"""The sealer: follows the event log, appends a leaf (and the case's chain hash) for every stored
event in commit order with a gap-free leaf index, and signs checkpoints of the Merkle root."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from complaints_ledger.integrity.checkpoints import Checkpoint, sign
from complaints_ledger.integrity.leaves import CHAIN_START, Leaf, as_uuid, chain_next
from complaints_ledger.integrity.merkle import MerkleLog
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.source import EventLog, raw_page
from complaints_ledger.readside.tracking import Position, Tracking

LEAVES = "integrity_leaves"
CHECKPOINTS = "integrity_checkpoints"
SEALER = "integrity_sealer"  # its row in readside_positions: position sealed, leaves so far
PAGE = 5000


@dataclass(frozen=True)
class Signer:
    key_id: str
    checkpoints: int
    first_signed: str
    last_signed: str


class LogSealer:
    def __init__(self, db: ViewDatabase) -> None:
        self.db = db
        self.log = EventLog(db)
        self.tracking = Tracking(db)
        with db.transaction():
            self.tracking.ensure()
            db.execute(
                f"CREATE TABLE IF NOT EXISTS {LEAVES} (leaf_index BIGINT PRIMARY KEY, "
                "position BIGINT NOT NULL UNIQUE, case_id TEXT NOT NULL, version BIGINT NOT NULL, "
                "leaf_hash TEXT NOT NULL, chain_hash TEXT NOT NULL)"
            )
            db.execute(f"CREATE INDEX IF NOT EXISTS {LEAVES}_case ON {LEAVES} (case_id, version)")
            db.execute(
                f"CREATE TABLE IF NOT EXISTS {CHECKPOINTS} (tree_size BIGINT PRIMARY KEY, "
                "root TEXT NOT NULL, time TEXT NOT NULL, key_id TEXT NOT NULL, "
                "public_key TEXT NOT NULL, signature TEXT NOT NULL)"
            )

    # ---- sealing -------------------------------------------------------------------------

    def seal(self) -> int:
        """Append a leaf for every event not yet sealed; returns how many were appended."""
        appended = 0
        while True:
            with self.db.transaction():
                state = self._state()
                head = self.log.head()
                events = raw_page(self.log, state.position, head, PAGE)
                chains: dict[str, bytes] = {}
                rows = []
                for number, (position, originator, version, topic, stored) in enumerate(events):
                    leaf = Leaf(position, as_uuid(originator), version, topic, stored)
                    case = str(leaf.case_id)
                    chain = chain_next(chains.get(case) or self._chain_head(case), leaf.hash)
                    chains[case] = chain
                    rows.append(
                        (
                            state.events + number,
                            position,
                            case,
                            version,
                            leaf.hash.hex(),
                            chain.hex(),
                        )
                    )
                self.db.insert_new(
                    LEAVES,
                    ["leaf_index", "position", "case_id", "version", "leaf_hash", "chain_hash"],
                    rows,
                )
                covered = min(state.position + PAGE, head)
                self.tracking.put(_advance(state, covered, state.events + len(rows)))
            appended += len(rows)
            if covered >= head:
                return appended

    def _state(self) -> Position:
        state = self.tracking.get(SEALER, lock=True)
        if state is None:
            state = Position(SEALER, 1, 0, 0, None, None)
            self.tracking.put(state)
        return state

    def _chain_head(self, case: str) -> bytes:
        rows = self.db.execute(
            f"SELECT chain_hash FROM {LEAVES} WHERE case_id = ? ORDER BY version DESC LIMIT 1",  # noqa: S608
            (case,),
        )
        return bytes.fromhex(rows[0][0]) if rows else CHAIN_START

    # ---- reading ---------------------------------------------------------------------------

    def _leaf_count(self) -> int:
        state = self.tracking.get(SEALER)
        return state.events if state is not None else 0

    def leaf_hashes(self) -> list[bytes]:
        rows = self.db.execute(f"SELECT leaf_hash FROM {LEAVES} ORDER BY leaf_index")  # noqa: S608
        return [bytes.fromhex(h) for (h,) in rows]

    def merkle_log(self) -> MerkleLog:
        log = MerkleLog()
        for leaf in self.leaf_hashes():
            log.append(leaf)
        return log

    def case_leaves(self, case_id: str) -> list[tuple[int, int, int, str, str]]:
        """(leaf index, position, version, leaf hash, chain hash) of one case's events."""
        rows = self.db.execute(
            f"SELECT leaf_index, position, version, leaf_hash, chain_hash FROM {LEAVES} "  # noqa: S608
            "WHERE case_id = ? ORDER BY version",
            (case_id,),
        )
        return [(int(i), int(p), int(v), str(h), str(c)) for i, p, v, h, c in rows]

    # ---- checkpoints ---------------------------------------------------------------------

    def checkpoint(self, key: Ed25519PrivateKey) -> Checkpoint | None:
        """Seal, then sign the root if the log grew since the last checkpoint; the latest one."""
        self.seal()
        latest = self.latest_checkpoint()
        if self._leaf_count() <= (latest.tree_size if latest is not None else 0):
            return latest  # nothing new to sign: skip rebuilding the whole tree
        log = self.merkle_log()
        signed = sign(key, log.size, log.root_at(log.size), datetime.now(UTC).isoformat())
        with self.db.transaction():
            self.db.execute(
                f"INSERT INTO {CHECKPOINTS} (tree_size, root, time, key_id, public_key, signature) "  # noqa: S608
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tree_size) DO NOTHING",
                (
                    signed.tree_size,
                    signed.root,
                    signed.time,
                    signed.key_id,
                    signed.public_key,
                    signed.signature,
                ),
            )
        return self.latest_checkpoint()

    def checkpoints(self) -> list[Checkpoint]:
        rows = self.db.execute(
            f"SELECT tree_size, root, time, key_id, public_key, signature FROM {CHECKPOINTS} "  # noqa: S608
            "ORDER BY tree_size"
        )
        return [Checkpoint(int(n), r, t, k, p, s) for n, r, t, k, p, s in rows]

    def signers(self) -> list[Signer]:
        """Each key that signed checkpoints: how many, the first and the latest (by key id)."""
        rows = self.db.execute(
            f"SELECT key_id, COUNT(*), MIN(time), MAX(time) FROM {CHECKPOINTS} "  # noqa: S608
            "GROUP BY key_id ORDER BY MIN(time)"
        )
        return [Signer(str(k), int(n), str(first), str(last)) for k, n, first, last in rows]

    def latest_checkpoint(self) -> Checkpoint | None:
        found = self.checkpoints()
        return found[-1] if found else None


def _advance(state: Position, position: int, leaves: int) -> Position:
    return Position(state.name, state.version, position, leaves, state.rebuilt_at, state.as_of)
