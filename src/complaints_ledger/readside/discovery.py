"""Finding projections: the built-in read models, installed plug-ins, an analyst's own module."""

from __future__ import annotations

import importlib
import importlib.util
from importlib.metadata import entry_points

from complaints_ledger.domain.errors import InvalidValueError
from complaints_ledger.readside.read_model import ReadModel

BUILT_IN_MODULES = (
    "projections.timeliness",
    "projections.worklist",
    "projections.learning_register",
    "projections.audit_trail",
    "projections.annual_report",
)
ENTRY_POINT_GROUP = "complaints_ledger.projections"
DEFAULT_ATTRIBUTE = "PROJECTION"


def load_projection(reference: str) -> ReadModel:
    """Load `package.module` (its PROJECTION) or `package.module:ATTRIBUTE`."""
    module_name, _, attribute = reference.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise InvalidValueError(
            f"cannot import projection module {module_name!r}: {error}", field="projection"
        ) from None
    projection = getattr(module, attribute or DEFAULT_ATTRIBUTE, None)
    if not isinstance(projection, ReadModel):
        raise InvalidValueError(
            f"{reference!r} does not define a Projection ({attribute or DEFAULT_ATTRIBUTE})",
            field="projection",
        )
    return projection


def available_projections(extra: tuple[str, ...] = ()) -> dict[str, ReadModel]:
    """Built-in read models, then installed entry points, then `extra` dotted paths."""
    found: dict[str, ReadModel] = {}
    for reference in BUILT_IN_MODULES:
        projection = load_projection(reference)
        found[projection.name] = projection
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        projection = load_projection(entry_point.value)
        found[projection.name] = projection
    for reference in extra:
        projection = load_projection(reference)
        found[projection.name] = projection
    return found


def _is_module(name: str) -> bool:
    """An analyst's module on PYTHONPATH may be named bare (`channel_mix`)."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def select_projections(names: tuple[str, ...], extra: tuple[str, ...] = ()) -> list[ReadModel]:
    """Projections by name (or by dotted path); every available one when `names` is empty."""
    available = available_projections(extra)
    if not names:
        return list(available.values())
    selected = []
    for name in names:
        if name in available:
            selected.append(available[name])
        elif "." in name or ":" in name or _is_module(name):
            selected.append(load_projection(name))
        else:
            known = ", ".join(sorted(available))
            raise InvalidValueError(
                f"no projection named {name!r} (available: {known})", field="projection"
            )
    return selected
