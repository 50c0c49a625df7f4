"""Master key rotation: a new master key wraps every subject key; old ones are then retired.

Crash-safe in this order: the keyring file gains the new key first (both keys listed, so every
subject key still unwraps), then all subject keys are re-wrapped in one transaction, then the
old keys are dropped from the file. Running processes re-read the keyring when its file changes.
Retiring re-wraps any key a process still wrapped with an old master key before dropping it.
"""

from __future__ import annotations

from dataclasses import dataclass

from complaints_ledger.privacy.keyring import load_keyring, save_keyring
from complaints_ledger.privacy.subject_keys import SubjectKeys


@dataclass(frozen=True)
class RotationResult:
    new_master_key: str
    rewrapped: int
    retired: tuple[str, ...]


def rotate_master_key(keys: SubjectKeys, *, retire_old: bool = True) -> RotationResult:
    keyring = load_keyring(keys.keyring_file).with_new_master_key()
    save_keyring(keys.keyring_file, keyring)
    rewrapped = keys.rewrap_all(keyring)
    retired: tuple[str, ...] = ()
    if retire_old:
        retired, rewrapped_late = retire_master_keys(keys)
        rewrapped += rewrapped_late
    return RotationResult(keyring.current, rewrapped, retired)


def retire_master_keys(keys: SubjectKeys) -> tuple[tuple[str, ...], int]:
    """Drop every master key but the current one, re-wrapping stragglers first."""
    keyring = load_keyring(keys.keyring_file)
    rewrapped = keys.rewrap_all(keyring)
    old = tuple(sorted(k for k in keyring.master_keys if k != keyring.current))
    for key_id in old:
        keyring = keyring.without(key_id)
    save_keyring(keys.keyring_file, keyring)
    keys.rewrap_all(keyring)  # nothing left to do unless a writer raced the save: then it is done
    return old, rewrapped
