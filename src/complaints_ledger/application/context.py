"""Who runs a command and when: what every command of the ledger is given besides its body."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import uuid4

from complaints_ledger.domain.values import Actor


@dataclass(frozen=True)
class CommandContext:
    """Who runs a command, when it happened, and which request it belongs to."""

    actor: Actor
    occurred_at: datetime | None = None  # defaults to the ledger's clock
    correlation_id: str = field(default_factory=lambda: uuid4().hex)
    expected_version: int | None = None
