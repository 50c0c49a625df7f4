"""A deterministic, realistic demo dataset, written through the ledger on a simulated clock."""

from __future__ import annotations

from complaints_ledger.demo.runner import (
    DemoPlan,
    DemoPlanError,
    SimulatedClock,
    first_recorded_at,
    plan_dataset,
    register_organisations,
    write_plan,
)
from complaints_ledger.demo.summary import DemoSummary, Examples, summarise

__all__ = [
    "DemoPlan",
    "DemoPlanError",
    "DemoSummary",
    "Examples",
    "SimulatedClock",
    "first_recorded_at",
    "plan_dataset",
    "register_organisations",
    "summarise",
    "write_plan",
]
