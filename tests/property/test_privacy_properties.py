"""Sealing personal data, for any personal part (issue 6).

For random personal parts (people, free text, lists, empty values, `[erased]`) and random
places (case, version, event type): what is sealed opens to exactly what went in, no clear text
survives in the sealed form, and a sealed field opened anywhere else (another case, version,
event type or field name) fails its integrity check instead of opening.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, UUIDAsHex
from hypothesis import given
from hypothesis import strategies as st

from complaints_ledger.domain.errors import IntegrityFailureError
from complaints_ledger.domain.privacy import SubjectRole, subject_id_for
from complaints_ledger.persistence.transcodings import register_ledger_transcodings
from complaints_ledger.privacy.sealing import NOT_PERSONAL, FieldSealer, is_sealed

TOPICS = (
    "complaints_ledger.domain.complaint:Complaint.Received",
    "complaints_ledger.domain.complaint:Complaint.EvidenceRecorded",
    "complaints_ledger.domain.complaint:Complaint.FeedbackReceived",
)
FIELDS = ("complainant", "representative", "summary", "notes", "message", "comments")
# Marker text long enough never to appear by chance in base64 ciphertext.
MARKER = "Zebedee-Quartermaine"


class MemoryKeys:
    """Stands in for SubjectKeys: one AES-256 key per data subject."""

    def __init__(self) -> None:
        self.keys: dict[UUID, bytes] = {}

    def key_for_writing(
        self,
        case_id: UUID,
        role: SubjectRole,
        identity: object,
        *,
        probably_new: bool = False,
    ) -> tuple[UUID, bytes]:
        subject = subject_id_for(case_id, role)
        return subject, self.keys.setdefault(subject, AESGCM.generate_key(256))

    def key_for_reading(self, subject_id: UUID) -> bytes | None:
        return self.keys[subject_id]


def make_sealer() -> FieldSealer:
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(transcoding)
    register_ledger_transcodings(transcoder)
    return FieldSealer(MemoryKeys(), transcoder)  # type: ignore[arg-type]


text = st.text(min_size=1, max_size=40).map(lambda t: f"{MARKER} {t}")
person = st.fixed_dictionaries(
    {"name": text, "email": st.none() | text, "phone": st.none() | st.from_regex(r"0\d{10}")}
)
value = st.one_of(
    text,
    person,
    st.lists(text, min_size=1, max_size=3),
    st.integers(),
    st.sampled_from(NOT_PERSONAL),
)
personal_parts = st.dictionaries(st.sampled_from(FIELDS), value, min_size=1)
places = st.tuples(st.uuids(), st.integers(1, 10_000), st.sampled_from(TOPICS))


@given(personal=personal_parts, place=places)
def test_what_is_sealed_opens_to_what_went_in(
    personal: dict[str, Any], place: tuple[UUID, int, str]
) -> None:
    sealer = make_sealer()
    case_id, version, topic = place
    sealed = sealer.seal(personal, case_id=case_id, version=version, topic=topic)
    assert MARKER not in json.dumps(sealed)
    for name, original in personal.items():
        assert is_sealed(sealed[name]) == (original not in NOT_PERSONAL)
        if is_sealed(sealed[name]):
            role = (
                SubjectRole.REPRESENTATIVE
                if name == "representative"
                else (SubjectRole.COMPLAINANT)
            )
            assert sealed[name]["subject"] == str(subject_id_for(case_id, role))
    assert sealer.unseal(sealed, case_id=case_id, version=version, topic=topic) == personal


def elsewhere(case_id: UUID, version: int, topic: str, name: str) -> st.SearchStrategy[Any]:
    """Another place for a sealed field: one of case, version, event type or field changed."""
    return st.one_of(
        st.uuids().filter(lambda u: u != case_id).map(lambda u: (u, version, topic, name)),
        st.integers(1, 10_000)
        .filter(lambda v: v != version)
        .map(lambda v: (case_id, v, topic, name)),
        st.sampled_from([t for t in TOPICS if t != topic]).map(
            lambda t: (case_id, version, t, name)
        ),
        st.sampled_from([f for f in FIELDS if f != name]).map(
            lambda f: (case_id, version, topic, f)
        ),
    )


@given(
    personal=personal_parts.filter(lambda p: any(v not in NOT_PERSONAL for v in p.values())),
    place=places,
    data=st.data(),
)
def test_a_sealed_field_opens_nowhere_else(
    personal: dict[str, Any], place: tuple[UUID, int, str], data: st.DataObject
) -> None:
    sealer = make_sealer()
    case_id, version, topic = place
    sealed = sealer.seal(personal, case_id=case_id, version=version, topic=topic)
    name = data.draw(st.sampled_from(sorted(n for n, v in sealed.items() if is_sealed(v))))
    other_case, other_version, other_topic, other_name = data.draw(
        elsewhere(case_id, version, topic, name)
    )
    with pytest.raises(IntegrityFailureError) as caught:
        sealer.unseal(
            {other_name: sealed[name]}, case_id=other_case, version=other_version, topic=other_topic
        )
    assert caught.value.field == other_name
    opened = sealer.unseal({name: sealed[name]}, case_id=case_id, version=version, topic=topic)
    assert opened == {name: personal[name]}
