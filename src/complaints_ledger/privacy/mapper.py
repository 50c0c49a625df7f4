"""The mapper that seals every event's and snapshot's personal part before it is stored.

It extends the library's Mapper: the same transcoding, compression and whole-event cipher, with
the personal part sealed per field first (see sealing.py) and opened again before upcasting, so
upcasters see the same state they always did. Events stored before sealing existed hold their
personal part in the clear; they still load.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, cast
from uuid import UUID

from eventsourcing.persistence import (
    Cipher,
    Compressor,
    Mapper,
    MapperDeserialisationError,
    StoredEvent,
    Transcoder,
    find_id_convertor,
)
from eventsourcing.utils import get_topic, resolve_topic

from complaints_ledger.domain.privacy import SubjectRole, role_of_field
from complaints_ledger.privacy.sealing import NOT_PERSONAL, FieldSealer, identity_for
from complaints_ledger.privacy.subject_keys import Identity


class PersonalDataMapper(Mapper[UUID]):
    def __init__(
        self,
        transcoder: Transcoder,
        compressor: Compressor | None = None,
        cipher: Cipher | None = None,
        *,
        sealer: FieldSealer,
    ) -> None:
        super().__init__(transcoder, compressor, cipher)
        self.sealer = sealer

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        state = vars(domain_event)
        holder = _personal_holder(state)
        if holder is None:
            return super().to_stored_event(domain_event)
        sealed = self.sealer.seal(
            holder["personal"],
            case_id=state["originator_id"],
            version=state["originator_version"],
            topic=get_topic(type(domain_event)),
        )
        copy = object.__new__(type(domain_event))
        object.__setattr__(copy, "__dict__", _replace_personal(state, sealed))
        return super().to_stored_event(copy)

    def prepare_keys(self, domain_events: Sequence[Any]) -> None:
        """Make the keys of every new case's subjects in a batch with one statement (a bulk
        import would otherwise make them one transaction each)."""
        wanted: dict[tuple[UUID, SubjectRole], Identity | None] = {}
        for event in domain_events:
            state = vars(event)
            holder = _personal_holder(state)
            if holder is None or state["originator_version"] != 1:
                continue
            for name, value in holder["personal"].items():
                if value in NOT_PERSONAL:
                    continue
                role = role_of_field(name)
                identity = identity_for(role, value)
                if wanted.get((state["originator_id"], role)) is None:
                    wanted[state["originator_id"], role] = identity
        if wanted:
            self.sealer.keys.make_keys(wanted)

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        cls = resolve_topic(stored_event.topic)
        state = self._decode(stored_event)
        holder = _personal_holder(state)
        if holder is not None:
            opened = self.sealer.unseal(
                holder["personal"],
                case_id=cast("UUID", stored_event.originator_id),
                version=stored_event.originator_version,
                topic=stored_event.topic,
            )
            state = _replace_personal(state, opened)
        # From here on, as the library's Mapper does.
        id_convertor = find_id_convertor(cls, cast("Hashable", type(stored_event.originator_id)))
        state["originator_id"] = id_convertor(stored_event.originator_id)
        state["originator_version"] = stored_event.originator_version
        class_version = getattr(cls, "class_version", 1)
        from_version = state.pop("class_version", 1)
        while from_version < class_version:
            getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(state)
            from_version += 1
        domain_event = object.__new__(cls)
        object.__setattr__(domain_event, "__dict__", state)
        return domain_event

    def _decode(self, stored_event: StoredEvent) -> dict[str, Any]:
        stored_state = stored_event.state
        try:
            if self.cipher:
                stored_state = self.cipher.decrypt(stored_state)
            if self.compressor:
                stored_state = self.compressor.decompress(stored_state)
            state: dict[str, Any] = self.transcoder.decode(stored_state)
        except Exception as error:
            msg = (
                f"Failed to deserialise state of stored event with topic '{stored_event.topic}', "
                f"originator_id '{stored_event.originator_id}' and originator_version "
                f"{stored_event.originator_version}: {error}"
            )
            raise MapperDeserialisationError(msg) from error
        return state


def _personal_holder(state: dict[str, Any]) -> dict[str, Any] | None:
    """The dict holding `personal`: the event's own state, or a snapshot's aggregate state."""
    if isinstance(state.get("personal"), dict):
        return state
    inner = state.get("state")
    if isinstance(inner, dict) and isinstance(inner.get("personal"), dict):
        return inner
    return None


def _replace_personal(state: dict[str, Any], personal: dict[str, Any]) -> dict[str, Any]:
    if isinstance(state.get("personal"), dict):
        return {**state, "personal": personal}
    return {**state, "state": {**state["state"], "personal": personal}}
