"""A deterministic, realistic demo dataset, written through the ledger on a simulated clock."""

from __future__ import annotations

from complaints_ledger.demo.runner import (
    DemoPlan,
    DemoPlanError,
    SimulatedClock,
    plan_dataset,
    write_plan,
)
from complaints_ledger.demo.summary import DemoSummary, Examples, summarise

__all__ = [
    "DemoPlan",
    "DemoPlanError",
    "DemoSummary",
    "Examples",
    "SimulatedClock",
    "plan_dataset",
    "summarise",
    "write_plan",
]
