"""What every command body shares: unknown fields refused, frozen, and when it happened.

Field names are the HTTP contract and the CLI's option names.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from complaints_ledger.inputs import Instant

MAX_WORKING_DAYS = 260  # about one year of working days


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CommandBody(Body):
    """Every command body: its parameters, and when it happened (default: now)."""

    occurred_at: Instant | None = Field(
        default=None, description="When it happened (RFC 3339, with timezone); default now."
    )
