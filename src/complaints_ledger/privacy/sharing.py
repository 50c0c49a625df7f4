"""The partner sharing feed of case facts: what happened, never to whom.

Seed 1's 'regular sharing of information between local partners': councils, providers and
Healthwatch see each other's cases as facts (kind, service, month received, how long each step
took, where it stands) with no case id, no free text and no identity. Each case carries the
complainant's pseudonym for that audience only, so a partner can see that one person raised
several concerns without anyone learning who they are. Months, not dates, keep rare cases from
being picked out by their day.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from complaints_ledger.domain.privacy import ERASED, SubjectRole
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.privacy.subject_keys import SubjectKeys
from complaints_ledger.readside.views import physical_name
from projections.timeliness import CASES, PROJECTION

FACT_COLUMNS = (
    "handling_organisation",
    "about_organisation",
    "kind",
    "service",
    "status",
    "stage",
    "received_month",
    "working_days_to_acknowledge",
    "working_days_to_respond",
)


def case_facts(
    db: ViewDatabase,
    keys: SubjectKeys,
    *,
    audience: str,
    namespace: str,
    organisation: str | None = None,
) -> list[dict[str, Any]]:
    """One entry per case, newest month first; `organisation` keeps one organisation's cases."""
    where, params = (
        ("WHERE handling_organisation = ? ", (organisation,)) if organisation else ("", ())
    )
    rows = db.execute(
        f"SELECT case_id, {', '.join(FACT_COLUMNS)} "  # noqa: S608
        f"FROM {physical_name(PROJECTION, CASES, namespace)} {where}"
        "ORDER BY received_month DESC, handling_organisation, service, kind",
        params,
    )
    pseudonyms = _complainant_pseudonyms(keys, audience)
    return [
        {
            **{
                ("organisation" if name == "handling_organisation" else name): value
                for name, value in zip(FACT_COLUMNS, row[1:], strict=True)
            },
            "complainant": pseudonyms.get(UUID(row[0])),
        }
        for row in rows
    ]


def _complainant_pseudonyms(keys: SubjectKeys, audience: str) -> dict[UUID, str]:
    """Case id -> the complainant's pseudonym, or `[erased]`. Cases recorded before personal
    data was sealed have no key, hence no pseudonym (None in the feed)."""
    return {
        record.case_id: ERASED if record.erased_at else keys.pseudonym(record, audience)
        for record in keys.subjects_of()
        if record.role == SubjectRole.COMPLAINANT
    }
