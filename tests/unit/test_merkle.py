"""The Merkle log against RFC 9162 section 2.1 and the Certificate Transparency reference vectors.

Reference vectors (leaf inputs, roots of sizes 0..8, inclusion and consistency proofs) are those
of transparency-dev/merkle: `testonly/constants.go` (LeafInputs, RootHashes),
`testonly/reference_test.go` (TestRefInclusionProof, TestRefConsistencyProof) and
`proof/verify_test.go` (inclusionProofs, consistencyProofs, the corrupted-proof probes and the
edge cases of TestVerifyConsistency). The 7-leaf example is RFC 6962 section 2.1.3, repeated as
RFC 9162 section 2.1.5.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterator, Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaints_ledger.integrity.merkle import (
    EMPTY_ROOT,
    MerkleLog,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    verify_consistency,
    verify_inclusion,
)

LEAF_INPUTS = [
    bytes.fromhex(h)
    for h in (
        "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]  # fmt: skip
LEAVES = [leaf_hash(data) for data in LEAF_INPUTS]
ROOTS = [
    bytes.fromhex(h)
    for h in (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    )
]
SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


def hashes(*prefixes: str) -> list[bytes]:
    """The reference hashes, named by their first four bytes (see `_BY_PREFIX`)."""
    return [_BY_PREFIX[prefix] for prefix in prefixes]


_BY_PREFIX = {
    h[:8]: bytes.fromhex(h)
    for h in (
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
    )
}
INCLUSION_VECTORS = [  # (index, tree size, proof)
    (0, 1, []),
    (0, 2, hashes("96a296d2")),
    (1, 2, hashes("6e340b9c")),
    (2, 3, hashes("fac54203")),
    (1, 5, hashes("6e340b9c", "5f083f0a", "bc1a0643")),
    (0, 8, hashes("96a296d2", "5f083f0a", "6b47aaf2")),
    (5, 8, hashes("bc1a0643", "ca854ea1", "d37ee418")),
]
CONSISTENCY_VECTORS = [  # (old size, new size, proof)
    (1, 1, []),
    (1, 8, hashes("96a296d2", "5f083f0a", "6b47aaf2")),
    (2, 5, hashes("5f083f0a", "bc1a0643")),
    (6, 8, hashes("0ebc5d34", "ca854ea1", "d37ee418")),
    (6, 7, hashes("0ebc5d34", "b08693ec", "d37ee418")),
]


def flipped(proof: Sequence[bytes], element: int, bit: int) -> list[bytes]:
    changed = bytearray(proof[element])
    changed[bit // 8] ^= 0x80 >> (bit % 8)
    return [*proof[:element], bytes(changed), *proof[element + 1 :]]


def inclusion_probes(
    leaf: bytes, index: int, size: int, proof: list[bytes], tree_root: bytes
) -> Iterator[tuple[str, tuple[bytes, int, int, list[bytes], bytes]]]:
    """Every corruption of a good inclusion proof that must fail (after verify_test.go)."""
    yield "index - 1", (leaf, index - 1, size, proof, tree_root)
    yield "index + 1", (leaf, index + 1, size, proof, tree_root)
    yield "index ^ 2", (leaf, index ^ 2, size, proof, tree_root)
    yield "size * 2", (leaf, index, size * 2, proof, tree_root)
    yield "size // 2", (leaf, index, size // 2, proof, tree_root)
    yield "wrong leaf", (b"WrongLeaf", index, size, proof, tree_root)
    yield "other leaf", (leaf_hash(b"other"), index, size, proof, tree_root)
    yield "empty root", (leaf, index, size, proof, EMPTY_ROOT)
    yield "some root", (leaf, index, size, proof, SOME_HASH)
    yield "trailing garbage", (leaf, index, size, [*proof, b""], tree_root)
    yield "trailing root", (leaf, index, size, [*proof, tree_root], tree_root)
    yield "preceding garbage", (leaf, index, size, [b"", *proof], tree_root)
    yield "preceding root", (leaf, index, size, [tree_root, *proof], tree_root)
    for element in range(len(proof)):
        yield f"flip proof[{element}]", (leaf, index, size, flipped(proof, element, 4), tree_root)
    if proof:
        yield "truncated", (leaf, index, size, proof[:-1], tree_root)
    if len(proof) > 1:
        yield "inserted", (leaf, index, size, [proof[0], SOME_HASH, *proof[1:]], tree_root)


def consistency_probes(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: list[bytes]
) -> Iterator[tuple[str, tuple[int, int, bytes, bytes, list[bytes]]]]:
    """Every corruption of a good, non-empty consistency proof that must fail."""
    yield "old - 1", (old - 1, new, old_root, new_root, proof)
    yield "old + 1", (old + 1, new, old_root, new_root, proof)
    yield "old ^ 2", (old ^ 2, new, old_root, new_root, proof)
    yield "new * 2", (old, new * 2, old_root, new_root, proof)
    yield "new // 2", (old, new // 2, old_root, new_root, proof)
    yield "wrong old root", (old, new, b"WrongRoot", new_root, proof)
    yield "wrong new root", (old, new, old_root, b"WrongRoot", proof)
    yield "some old root", (old, new, SOME_HASH, new_root, proof)
    yield "some new root", (old, new, old_root, SOME_HASH, proof)
    yield "swapped roots", (old, new, new_root, old_root, proof)
    yield "empty proof", (old, new, old_root, new_root, [])
    yield "trailing garbage", (old, new, old_root, new_root, [*proof, b""])
    yield "trailing old root", (old, new, old_root, new_root, [*proof, old_root])
    yield "trailing new root", (old, new, old_root, new_root, [*proof, new_root])
    yield "preceding garbage", (old, new, old_root, new_root, [b"", *proof])
    yield "preceding old root", (old, new, old_root, new_root, [old_root, *proof])
    yield "preceding new root", (old, new, old_root, new_root, [new_root, *proof])
    yield "preceding proof[0]", (old, new, old_root, new_root, [proof[0], *proof])
    yield "truncated", (old, new, old_root, new_root, proof[:-1])
    for element in range(len(proof)):
        yield f"flip proof[{element}]", (old, new, old_root, new_root, flipped(proof, element, 3))


def accepted_inclusion_probes(
    leaf: bytes, index: int, size: int, proof: list[bytes], tree_root: bytes
) -> list[str]:
    probes = inclusion_probes(leaf, index, size, proof, tree_root)
    return [name for name, args in probes if verify_inclusion(*args)]


def accepted_consistency_probes(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: list[bytes]
) -> list[str]:
    probes = consistency_probes(old, new, old_root, new_root, proof)
    return [name for name, args in probes if verify_consistency(*args)]


# --------------------------------------------------------------------------- reference vectors


def test_hashes_are_domain_separated_sha256() -> None:
    assert leaf_hash(b"abc") == hashlib.sha256(b"\x00abc").digest()
    assert node_hash(b"l", b"r") == hashlib.sha256(b"\x01lr").digest()
    assert leaf_hash(b"") == ROOTS[1]


def test_empty_root_is_sha256_of_nothing() -> None:
    assert root([]) == EMPTY_ROOT == hashlib.sha256(b"").digest() == ROOTS[0]
    assert MerkleLog().root_at(0) == MerkleLog().root == EMPTY_ROOT


@pytest.mark.parametrize("size", range(9))
def test_reference_roots(size: int) -> None:
    log = MerkleLog(LEAVES)
    assert root(LEAVES[:size]) == ROOTS[size]
    assert log.root_at(size) == ROOTS[size]
    assert MerkleLog(LEAVES[:size]).root == ROOTS[size]


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION_VECTORS)
def test_reference_inclusion_proofs(index: int, size: int, proof: list[bytes]) -> None:
    assert inclusion_proof(LEAVES[:size], index) == proof
    assert MerkleLog(LEAVES).inclusion_proof(index, size) == proof
    assert verify_inclusion(LEAVES[index], index, size, proof, ROOTS[size])
    assert accepted_inclusion_probes(LEAVES[index], index, size, proof, ROOTS[size]) == []


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY_VECTORS)
def test_reference_consistency_proofs(old: int, new: int, proof: list[bytes]) -> None:
    assert consistency_proof(LEAVES, old, new) == proof
    assert MerkleLog(LEAVES).consistency_proof(old, new) == proof
    assert verify_consistency(old, new, ROOTS[old], ROOTS[new], proof)
    if proof:
        assert accepted_consistency_probes(old, new, ROOTS[old], ROOTS[new], proof) == []


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION_VECTORS[1:])
def test_every_bit_flip_in_a_reference_inclusion_proof_is_rejected(
    index: int, size: int, proof: list[bytes]
) -> None:
    for element in range(len(proof)):
        for bit in range(256):
            bad = flipped(proof, element, bit)
            assert not verify_inclusion(LEAVES[index], index, size, bad, ROOTS[size])


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY_VECTORS[1:])
def test_every_bit_flip_in_a_reference_consistency_proof_is_rejected(
    old: int, new: int, proof: list[bytes]
) -> None:
    for element in range(len(proof)):
        for bit in range(256):
            bad = flipped(proof, element, bit)
            assert not verify_consistency(old, new, ROOTS[old], ROOTS[new], bad)


def test_the_rfc_seven_leaf_example() -> None:
    """RFC 6962 section 2.1.3 / RFC 9162 section 2.1.5, node by node."""
    a, b, c, d, e, f, j = (leaf_hash(f"d{i}".encode()) for i in range(7))
    g, h, i = node_hash(a, b), node_hash(c, d), node_hash(e, f)
    k, l = node_hash(g, h), node_hash(i, j)  # noqa: E741 - the RFC's name
    leaves, log = [a, b, c, d, e, f, j], MerkleLog([a, b, c, d, e, f, j])
    assert root(leaves) == log.root == node_hash(k, l)
    assert root(leaves[:3]) == node_hash(g, c)  # hash0
    assert root(leaves[:6]) == node_hash(k, i)  # hash2
    for index, path in ((0, [b, h, l]), (3, [c, g, l]), (4, [f, j, k]), (6, [i, k])):
        assert inclusion_proof(leaves, index) == log.inclusion_proof(index) == path
    for old, proof in ((3, [c, d, g, l]), (4, [l]), (6, [i, j, k])):
        assert consistency_proof(leaves, old, 7) == log.consistency_proof(old) == proof


# --------------------------------------------------------------------------- edge cases


def test_single_entry_tree() -> None:
    """TestVerifyInclusionSingleEntry: the root of one leaf is the leaf hash, the proof empty."""
    one = leaf_hash(b"data")
    assert verify_inclusion(one, 0, 1, [], one)
    assert not verify_inclusion(one, 0, 1, [], b"")
    assert not verify_inclusion(b"", 0, 1, [], one)
    assert not verify_inclusion(b"", 0, 1, [], b"")


@pytest.mark.parametrize(("index", "size"), [(0, 0), (0, 1), (1, 0), (2, 1)])
def test_inclusion_in_impossible_positions_fails(index: int, size: int) -> None:
    assert not verify_inclusion(SOME_HASH, index, size, [], b"")
    assert not verify_inclusion(b"", index, size, [], EMPTY_ROOT)
    assert not verify_inclusion(SOME_HASH, index, size, [], EMPTY_ROOT)


@pytest.mark.parametrize(
    ("old", "new", "old_root", "new_root", "proof", "ok"),
    [
        (0, 0, EMPTY_ROOT, EMPTY_ROOT, [], True),
        (0, 1, EMPTY_ROOT, ROOTS[1], [], True),
        (1, 1, ROOTS[1], ROOTS[1], [], True),
        (0, 0, ROOTS[1], ROOTS[1], [], False),  # a non-empty root for the empty tree
        (0, 1, ROOTS[1], ROOTS[1], [], False),
        (1, 1, ROOTS[1], ROOTS[2], [], False),  # roots don't match
        (0, 0, EMPTY_ROOT, ROOTS[2], [], False),
        (1, 0, ROOTS[1], EMPTY_ROOT, [], False),  # time travel to the past
        (2, 1, ROOTS[2], ROOTS[1], [], False),
        (1, 2, ROOTS[1], ROOTS[2], [], False),  # empty proof
        (0, 0, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], False),  # roots match, proof not empty
        (0, 1, EMPTY_ROOT, ROOTS[1], [EMPTY_ROOT], False),
        (1, 1, ROOTS[1], ROOTS[1], [EMPTY_ROOT], False),
        (-1, 1, EMPTY_ROOT, ROOTS[1], [], False),
    ],
)
def test_consistency_edge_cases(
    *, old: int, new: int, old_root: bytes, new_root: bytes, proof: list[bytes], ok: bool
) -> None:
    assert verify_consistency(old, new, old_root, new_root, proof) is ok


@pytest.mark.parametrize(
    "junk", [None, "a string", 1.5, True, -1, [b"x"], bytearray(32), b"\x00" * 31, b"\x00" * 33]
)
def test_verifiers_answer_false_to_malformed_input(junk: object) -> None:
    incl = [LEAVES[0], 0, 8, hashes("96a296d2", "5f083f0a", "6b47aaf2"), ROOTS[8]]
    for position in range(5):
        args = list(incl)
        args[position] = junk
        assert verify_inclusion(*args) is False  # type: ignore[arg-type]
    cons = [1, 8, ROOTS[1], ROOTS[8], hashes("96a296d2", "5f083f0a", "6b47aaf2")]
    for position in range(5):
        args = list(cons)
        args[position] = junk
        assert verify_consistency(*args) is False  # type: ignore[arg-type]
    assert verify_inclusion(LEAVES[0], 0, 2, [junk], ROOTS[2]) is False  # type: ignore[list-item]


def test_generators_refuse_out_of_range_arguments() -> None:
    log = MerkleLog(LEAVES)
    calls: list[Callable[[], object]] = [
        lambda: inclusion_proof(LEAVES, 8),
        lambda: inclusion_proof(LEAVES, -1),
        lambda: inclusion_proof([], 0),
        lambda: consistency_proof(LEAVES, 3, 9),
        lambda: consistency_proof(LEAVES, 4, 3),
        lambda: consistency_proof(LEAVES, -1, 3),
        lambda: log.inclusion_proof(3, 3),
        lambda: log.inclusion_proof(0, 9),
        lambda: log.consistency_proof(5, 4),
        lambda: log.consistency_proof(1, 9),
        lambda: log.root_at(9),
        lambda: log.root_at(-1),
        lambda: log.leaf(8),
        lambda: log.append(b"short"),
    ]
    for call in calls:
        with pytest.raises(ValueError, match=r"."):
            call()


def test_log_basics() -> None:
    log = MerkleLog()
    assert [log.append(leaf) for leaf in LEAVES] == list(range(8))
    assert log.size == len(log) == 8
    assert log.leaf(3) == LEAVES[3]
    assert log.consistency_proof(0) == consistency_proof(LEAVES, 0, 8) == []


# --------------------------------------------------------------------------- every proof


SEVENTY = [leaf_hash(i.to_bytes(2, "big")) for i in range(70)]
SEVENTY_LOG = MerkleLog(SEVENTY)


@pytest.mark.parametrize("size", range(1, 71))
def test_every_inclusion_proof_up_to_seventy_leaves(size: int) -> None:
    tree_root = SEVENTY_LOG.root_at(size)
    for index in range(size):
        proof = SEVENTY_LOG.inclusion_proof(index, size)
        assert proof == inclusion_proof(SEVENTY[:size], index)
        assert verify_inclusion(SEVENTY[index], index, size, proof, tree_root)
        assert accepted_inclusion_probes(SEVENTY[index], index, size, proof, tree_root) == []


@pytest.mark.parametrize("new", range(71))
def test_every_consistency_proof_up_to_seventy_leaves(new: int) -> None:
    new_root = SEVENTY_LOG.root_at(new)
    assert new_root == root(SEVENTY[:new])
    for old in range(new + 1):
        proof = SEVENTY_LOG.consistency_proof(old, new)
        old_root = SEVENTY_LOG.root_at(old)
        assert proof == consistency_proof(SEVENTY, old, new)
        assert verify_consistency(old, new, old_root, new_root, proof)
        if proof:
            assert accepted_consistency_probes(old, new, old_root, new_root, proof) == []


# --------------------------------------------------------------------------- properties

distinct_entries = st.integers(1, 70).flatmap(
    lambda n: st.lists(st.binary(max_size=12), min_size=n, max_size=n, unique=True)
)


@given(distinct_entries)
def test_every_leaf_of_a_random_tree_is_proven_included(entries: list[bytes]) -> None:
    leaves = [leaf_hash(entry) for entry in entries]
    log, tree_root = MerkleLog(leaves), root(leaves)
    assert log.root == tree_root
    for index, leaf in enumerate(leaves):
        proof = log.inclusion_proof(index)
        assert proof == inclusion_proof(leaves, index)
        assert verify_inclusion(leaf, index, len(leaves), proof, tree_root)
        assert not verify_inclusion(leaf, index, len(leaves), proof, SOME_HASH)


@given(distinct_entries)
def test_every_pair_of_sizes_of_a_random_tree_is_consistent(entries: list[bytes]) -> None:
    log = MerkleLog(leaf_hash(entry) for entry in entries)
    roots = [log.root_at(size) for size in range(log.size + 1)]
    for new in range(log.size + 1):
        for old in range(new + 1):
            proof = log.consistency_proof(old, new)
            assert verify_consistency(old, new, roots[old], roots[new], proof)


@given(distinct_entries, st.data())
def test_the_log_agrees_with_the_functions(entries: list[bytes], data: st.DataObject) -> None:
    leaves = [leaf_hash(entry) for entry in entries]
    log = MerkleLog()
    for count, leaf in enumerate(leaves, start=1):
        assert log.append(leaf) == count - 1
        assert log.root == root(leaves[:count])
    new = data.draw(st.integers(0, len(leaves)), label="new")
    old = data.draw(st.integers(0, new), label="old")
    assert log.root_at(new) == root(leaves[:new])
    assert log.consistency_proof(old, new) == consistency_proof(leaves, old, new)
    if new:
        index = data.draw(st.integers(0, new - 1), label="index")
        assert log.inclusion_proof(index, new) == inclusion_proof(leaves[:new], index)


@given(distinct_entries, st.data())
def test_any_flipped_bit_in_an_inclusion_proof_is_rejected(
    entries: list[bytes], data: st.DataObject
) -> None:
    log = MerkleLog(leaf_hash(entry) for entry in entries)
    size = data.draw(st.integers(2, log.size), label="size") if log.size > 1 else 1
    index = data.draw(st.integers(0, size - 1), label="index")
    proof = log.inclusion_proof(index, size)
    leaf, tree_root = log.leaf(index), log.root_at(size)
    assert accepted_inclusion_probes(leaf, index, size, proof, tree_root) == []
    if proof:
        element = data.draw(st.integers(0, len(proof) - 1), label="element")
        bad = flipped(proof, element, data.draw(st.integers(0, 255), label="bit"))
        assert not verify_inclusion(leaf, index, size, bad, tree_root)


@given(distinct_entries, st.data())
def test_any_flipped_bit_in_a_consistency_proof_is_rejected(
    entries: list[bytes], data: st.DataObject
) -> None:
    log = MerkleLog(leaf_hash(entry) for entry in entries)
    new = data.draw(st.integers(1, log.size), label="new")
    old = data.draw(st.integers(1, new), label="old")
    proof = log.consistency_proof(old, new)
    old_root, new_root = log.root_at(old), log.root_at(new)
    if proof:
        assert accepted_consistency_probes(old, new, old_root, new_root, proof) == []
        element = data.draw(st.integers(0, len(proof) - 1), label="element")
        bad = flipped(proof, element, data.draw(st.integers(0, 255), label="bit"))
        assert not verify_consistency(old, new, old_root, new_root, bad)


# --------------------------------------------------------------------------- a large log


def test_a_log_of_100_000_leaves() -> None:
    """Correctness only; with O(n) roots or proofs the 300 queries below would take minutes."""
    leaves = [leaf_hash(i.to_bytes(4, "big")) for i in range(100_000)]
    log = MerkleLog(leaves)
    assert log.root == root(leaves)
    assert log.root_at(65_537) == root(leaves[:65_537])
    assert log.inclusion_proof(77_777) == inclusion_proof(leaves, 77_777)
    assert log.consistency_proof(65_537) == consistency_proof(leaves, 65_537, 100_000)
    rng = random.Random(9162)  # noqa: S311 - reproducible sampling, not cryptography
    for _ in range(300):
        new = rng.randint(1, log.size)
        old, index = rng.randint(1, new), rng.randrange(new)
        new_root = log.root_at(new)
        proof = log.inclusion_proof(index, new)
        assert verify_inclusion(leaves[index], index, new, proof, new_root)
        consistency = log.consistency_proof(old, new)
        assert verify_consistency(old, new, log.root_at(old), new_root, consistency)
