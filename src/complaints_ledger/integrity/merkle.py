"""Merkle log of leaf hashes, following RFC 9162 (Certificate Transparency v2) section 2.1.

The same tree (and the same proofs) as RFC 6962 section 2.1, with SHA-256:

- `leaf_hash`, `node_hash`: the domain-separated hashes of section 2.1.1 (0x00 / 0x01 prefixes).
- `root`: the Merkle Tree Hash MTH of section 2.1.1; split at the largest power of two smaller
  than n; MTH({}) is SHA-256 of the empty string (`EMPTY_ROOT`).
- `inclusion_proof`: PATH(m, D[n]) of section 2.1.3.1.
- `verify_inclusion`: the verification algorithm of section 2.1.3.2, step by step.
- `consistency_proof`: PROOF(m, D[n]) = SUBPROOF(m, D[n], true) of section 2.1.4.1.
- `verify_consistency`: the verification algorithm of section 2.1.4.2, step by step.
- `MerkleLog`: an append-only list of leaf hashes answering the same questions for any earlier
  size; it keeps every complete, aligned power-of-two subtree, so roots and proofs cost O(log n)
  node hashes (the result of section 2.1.2, without re-hashing the entries).

Section 2.1.4.1 defines consistency proofs only for 0 < m < n. Here, as in most implementations,
a tree is also consistent with itself (equal sizes, equal roots, empty proof) and the empty tree
(root `EMPTY_ROOT`) with every tree (empty proof). The generators raise ValueError on sizes or
indexes out of range; the verifiers never raise and answer False to any malformed input.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


def leaf_hash(data: bytes) -> bytes:
    """MTH({d}) = SHA-256(0x00 || d) (RFC 9162 section 2.1.1)."""
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right): an interior node (RFC 9162 section 2.1.1)."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def _split(n: int) -> int:
    """k, the largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes) and len(value) == HASH_SIZE


def _is_size(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_proof(value: object) -> bool:
    """A sequence of hashes (a list or tuple, not a bytes object read as a sequence of ints)."""
    if isinstance(value, bytes | bytearray | memoryview | str) or not isinstance(value, Sequence):
        return False
    return all(_is_hash(item) for item in value)


def _equal(left: bytes, right: bytes) -> bool:
    return hmac.compare_digest(left, right)


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH(D[n]) over leaf hashes (RFC 9162 section 2.1.1)."""
    n = len(leaf_hashes)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaf_hashes[0]
    k = _split(n)
    return node_hash(root(leaf_hashes[:k]), root(leaf_hashes[k:]))


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int) -> list[bytes]:
    """PATH(index, D[n]) (RFC 9162 section 2.1.3.1), n = len(leaf_hashes)."""
    if not 0 <= index < len(leaf_hashes):
        raise ValueError(f"leaf index {index} is outside a tree of {len(leaf_hashes)} leaves")
    return _path(index, leaf_hashes)


def _path(m: int, leaves: Sequence[bytes]) -> list[bytes]:
    n = len(leaves)
    if n == 1:
        return []
    k = _split(n)
    if m < k:
        return [*_path(m, leaves[:k]), root(leaves[k:])]
    return [*_path(m - k, leaves[k:]), root(leaves[:k])]


def consistency_proof(leaf_hashes: Sequence[bytes], old_size: int, new_size: int) -> list[bytes]:
    """PROOF(old_size, D[new_size]) = SUBPROOF(m, D[n], true) (RFC 9162 section 2.1.4.1)."""
    if not 0 <= old_size <= new_size <= len(leaf_hashes):
        raise ValueError(
            f"need 0 <= old size {old_size} <= new size {new_size} <= {len(leaf_hashes)} leaves"
        )
    if old_size == 0:
        return []
    return _subproof(old_size, leaf_hashes[:new_size], known=True)


def _subproof(m: int, leaves: Sequence[bytes], *, known: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if known else [root(leaves)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, leaves[:k], known=known), root(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], known=False), root(leaves[:k])]


def _shift_until_odd_or_zero(fn: int, sn: int) -> tuple[int, int]:
    """Right-shift fn and sn equally until LSB(fn) is set or fn is 0."""
    while not (fn & 1 or fn == 0):
        fn >>= 1
        sn >>= 1
    return fn, sn


def verify_inclusion(
    leaf_hash: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 section 2.1.3.2: is `leaf_hash` at `index` in the tree of `tree_size`/`root`?"""
    if not (_is_hash(leaf_hash) and _is_hash(root) and _is_proof(proof)):
        return False
    if not (_is_size(index) and _is_size(tree_size)):
        return False
    if index >= tree_size:  # step 1
        return False
    fn, sn = index, tree_size - 1  # step 2
    r = leaf_hash  # step 3
    for p in proof:  # step 4
        if sn == 0:  # 4a
            return False
        if fn & 1 or fn == sn:  # 4b
            r = node_hash(p, r)
            if not fn & 1:
                fn, sn = _shift_until_odd_or_zero(fn, sn)
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1  # 4c
    return sn == 0 and _equal(r, root)  # step 5


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 section 2.1.4.2: is the tree `new_size`/`new_root` an extension of the old one?"""
    if not (_is_hash(old_root) and _is_hash(new_root) and _is_proof(proof)):
        return False
    if not (_is_size(old_size) and _is_size(new_size)) or old_size > new_size:
        return False
    if old_size == new_size:
        empty_ok = old_size > 0 or _equal(old_root, EMPTY_ROOT)
        return not proof and empty_ok and _equal(old_root, new_root)
    if old_size == 0:
        return not proof and _equal(old_root, EMPTY_ROOT)
    return _verify_consistency_path(old_size, new_size, old_root, new_root, list(proof))


def _verify_consistency_path(
    first: int, second: int, first_hash: bytes, second_hash: bytes, path: list[bytes]
) -> bool:
    """Steps 1 to 7 of RFC 9162 section 2.1.4.2, for 0 < first < second."""
    if not path:  # step 1
        return False
    if first & (first - 1) == 0:  # step 2
        path = [first_hash, *path]
    fn, sn = first - 1, second - 1  # step 3
    while fn & 1:  # step 4
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]  # step 5
    for c in path[1:]:  # step 6
        if sn == 0:  # 6a
            return False
        if fn & 1 or fn == sn:  # 6b
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                fn, sn = _shift_until_odd_or_zero(fn, sn)
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1  # 6c
    return sn == 0 and _equal(fr, first_hash) and _equal(sr, second_hash)  # step 7


class MerkleLog:
    """Append-only leaf hashes with roots and proofs for every size up to the current one.

    `_levels[h][j]` is the hash of the complete subtree of leaves [j * 2**h, (j + 1) * 2**h);
    every RFC 9162 subtree of a prefix of the log is either one of these or a node over one of
    these and a smaller subtree on the right edge, so each root or proof costs O(log n).
    """

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self._levels: list[list[bytes]] = [[]]
        for leaf in leaf_hashes:
            self.append(leaf)

    @property
    def size(self) -> int:
        return len(self._levels[0])

    def __len__(self) -> int:
        return self.size

    def leaf(self, index: int) -> bytes:
        self._check_index(index, self.size)
        return self._levels[0][index]

    def append(self, leaf_hash: bytes) -> int:
        """Add one leaf hash (see `leaf_hash`); return its index."""
        if not _is_hash(leaf_hash):
            raise ValueError(f"a leaf hash is {HASH_SIZE} bytes")
        index = self.size
        level, position, node = 0, index, leaf_hash
        self._levels[0].append(node)
        while position & 1:
            node = node_hash(self._levels[level][position - 1], node)
            level, position = level + 1, position >> 1
            if level == len(self._levels):
                self._levels.append([])
            self._levels[level].append(node)
        return index

    def root_at(self, size: int) -> bytes:
        """MTH of the first `size` leaves."""
        self._check_size(size)
        return self._mth(0, size)

    @property
    def root(self) -> bytes:
        return self._mth(0, self.size)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """PATH(index, D[size]); `size` defaults to the current size."""
        size = self.size if size is None else size
        self._check_size(size)
        self._check_index(index, size)
        return self._path(index, 0, size)

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """PROOF(old_size, D[new_size]); `new_size` defaults to the current size."""
        new_size = self.size if new_size is None else new_size
        self._check_size(new_size)
        if not 0 <= old_size <= new_size:
            raise ValueError(f"need 0 <= old size {old_size} <= new size {new_size}")
        if old_size == 0:
            return []
        return self._subproof(old_size, 0, new_size, known=True)

    def _check_size(self, size: int) -> None:
        if not 0 <= size <= self.size:
            raise ValueError(f"tree size {size} is outside 0..{self.size}")

    @staticmethod
    def _check_index(index: int, size: int) -> None:
        if not 0 <= index < size:
            raise ValueError(f"leaf index {index} is outside a tree of {size} leaves")

    def _mth(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) for a subtree of the RFC 9162 tree of some prefix."""
        n = end - start
        if n == 0:
            return EMPTY_ROOT
        if n & (n - 1) == 0 and start % n == 0:
            level = n.bit_length() - 1
            return self._levels[level][start >> level]
        k = _split(n)
        return node_hash(self._mth(start, start + k), self._mth(start + k, end))

    def _path(self, index: int, start: int, end: int) -> list[bytes]:
        if end - start == 1:
            return []
        middle = start + _split(end - start)
        if index < middle:
            return [*self._path(index, start, middle), self._mth(middle, end)]
        return [*self._path(index, middle, end), self._mth(start, middle)]

    def _subproof(self, m: int, start: int, end: int, *, known: bool) -> list[bytes]:
        if m == end:
            return [] if known else [self._mth(start, end)]
        middle = start + _split(end - start)
        if m <= middle:
            return [*self._subproof(m, start, middle, known=known), self._mth(middle, end)]
        return [*self._subproof(m, middle, end, known=False), self._mth(start, middle)]
