"""Tamper evidence: hash chains, Merkle log, signed checkpoints, bundles."""
