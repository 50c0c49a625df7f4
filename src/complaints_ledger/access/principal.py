"""Who is calling: a principal of an organisation, in one role."""

from __future__ import annotations

from dataclasses import dataclass

from complaints_ledger.domain.values import Actor, Role


@dataclass(frozen=True)
class Principal:
    principal: str
    organisation: str
    role: Role
    token_id: str

    @property
    def actor(self) -> Actor:
        return Actor(self.principal, self.organisation, self.role)
