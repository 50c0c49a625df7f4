"""Every organisation of the demo world, and who receives new feedback how often."""

from __future__ import annotations

from complaints_ledger.demo import devolved
from complaints_ledger.demo import organisations as orgs

ALL: tuple[orgs.Organisation, ...] = (
    *orgs.ENGLISH_COUNCILS,
    orgs.GLENBURN,
    *orgs.PROVIDERS,
    orgs.NHS,
    orgs.HEALTHWATCH_NORTHSHIRE,
    *devolved.ALL,
)
# Who receives new feedback, and how often (Healthwatch passes everything on: no wrong door):
# in England and Scotland...
RECEIVERS: tuple[tuple[orgs.Organisation, int], ...] = (
    (orgs.NORTHSHIRE, 24),
    (orgs.RIVERSIDE, 20),
    (orgs.GLENBURN, 13),
    (orgs.PROVIDERS[0], 8),
    (orgs.PROVIDERS[1], 5),
    (orgs.PROVIDERS[2], 3),
    (orgs.PROVIDERS[3], 5),
    (orgs.NHS, 9),
    (orgs.HEALTHWATCH_NORTHSHIRE, 8),
)
# ...and in Wales and Northern Ireland, on the same scale.
DEVOLVED_RECEIVERS: tuple[tuple[orgs.Organisation, int], ...] = (
    (devolved.CWMDERWEN, 6),
    (devolved.LAGAN_VALE, 5),
)
DEVOLVED_SHARE = sum(w for _, w in DEVOLVED_RECEIVERS) / sum(
    w for _, w in (*RECEIVERS, *DEVOLVED_RECEIVERS)
)
