"""`verify-bundle --public-key` with a malformed key is a usage error (exit 2, one line), kept
apart from a failed verification (exit 1); a checkpoint never raises on a malformed key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner

from complaints_ledger.cli.main import app
from complaints_ledger.integrity.checkpoints import sign
from complaints_ledger.integrity.keys import public_key_text
from tests.builders import assert_one_error_line

MALFORMED_KEYS = ["abc", "not base64 at all!", "YWJj", ""]


@pytest.mark.parametrize("bad_key", MALFORMED_KEYS)
def test_a_malformed_public_key_is_exit_2_in_one_line(tmp_path: Path, bad_key: str) -> None:
    bundle = tmp_path / "bundle.json"
    bundle.write_text(json.dumps({"format": "x", "events": []}))
    result = CliRunner().invoke(app, ["verify-bundle", str(bundle), "--public-key", bad_key])
    assert_one_error_line(result, "public key", "public_key")


@pytest.mark.parametrize("bad_key", MALFORMED_KEYS)
def test_a_checkpoint_does_not_verify_with_a_malformed_key(bad_key: str) -> None:
    checkpoint = sign(Ed25519PrivateKey.generate(), 1, b"\0" * 32, "2026-01-01T00:00:00Z")
    assert not checkpoint.verifies_with(bad_key)


def test_a_checkpoint_verifies_only_with_its_own_key() -> None:
    key = Ed25519PrivateKey.generate()
    checkpoint = sign(key, 1, b"\0" * 32, "2026-01-01T00:00:00Z")
    assert checkpoint.verifies_with(public_key_text(key))
    assert not checkpoint.verifies_with(public_key_text(Ed25519PrivateKey.generate()))
