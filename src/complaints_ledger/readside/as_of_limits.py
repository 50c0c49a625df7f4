"""How many as-of builds, of how many view rows in all, the cache keeps (as_of_cache.py)."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_BUILDS = 20
DEFAULT_MAX_ROWS = 1_000_000


@dataclass(frozen=True)
class AsOfLimits:
    max_builds: int = DEFAULT_MAX_BUILDS
    max_rows: int = DEFAULT_MAX_ROWS  # all as-of builds' view rows together
