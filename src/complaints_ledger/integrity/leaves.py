"""What a leaf of the log is: one stored event, byte for byte, whichever store holds it.

leaf data = originator id (16 bytes) || version (8 bytes, big-endian) || length of topic (4 bytes,
big-endian) || topic (UTF-8) || state (the stored bytes). Hashing the stored state, not the
decoded payload, keeps verification independent of later decryption or key erasure.
Each case also has a hash chain over its own leaves: chain(v) = SHA-256(chain(v-1) || leaf hash),
starting from 32 zero bytes, so one case can be checked on its own.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from uuid import UUID

from complaints_ledger.integrity.merkle import leaf_hash

CHAIN_START = bytes(32)


@dataclass(frozen=True)
class Leaf:
    position: int  # the store's notification id (may have gaps)
    case_id: UUID  # the originator: a case, an organisation or an access log
    version: int
    topic: str
    state: bytes

    @property
    def data(self) -> bytes:
        topic = self.topic.encode()
        return b"".join(
            (
                self.case_id.bytes,
                self.version.to_bytes(8, "big"),
                len(topic).to_bytes(4, "big"),
                topic,
                self.state,
            )
        )

    @property
    def hash(self) -> bytes:
        return leaf_hash(self.data)


def as_uuid(originator_id: object) -> UUID:
    return originator_id if isinstance(originator_id, UUID) else UUID(str(originator_id))


def chain_next(previous: bytes, this_leaf_hash: bytes) -> bytes:
    return hashlib.sha256(previous + this_leaf_hash).digest()
