"""Extensions that a regime allows only by agreement with the complainant.

Sources are in docs/regimes.md ("Extensions that need the complainant's agreement"). A deadline
listed here may be extended only when `complainant_consent` is recorded; without it the extension
is refused as an invalid value naming that field.
"""

from __future__ import annotations

from complaints_ledger.domain.errors import InvalidValueError
from complaints_ledger.domain.values import ExtendedDeadline, RegimeId

CONSENT_RULES: dict[tuple[RegimeId, ExtendedDeadline], str] = {
    # "may, in exceptional circumstances, be extended by agreement between the local authority
    # and the complainant"
    (RegimeId.WALES_2014, ExtendedDeadline.RESPONSE): "WSI 2014/1794 reg 16(4)",
    # the formal investigation's 25 working days: a longer time only by agreement (unverified)
    (RegimeId.WALES_2014, ExtendedDeadline.STAGE_2_RESPONSE): "WSI 2014/1794, formal "
    "investigation: a longer time agreed with the complainant",
    # "both parties need to agree" (MDU, secondary: the DoH guidance was not found)
    (RegimeId.NI_HSC, ExtendedDeadline.RESPONSE): "HSC Complaints Procedure (NI): extending the "
    "timescale needs the complainant's agreement",
    # no fixed limit at stage 2: revised limits are agreed with the complainant
    (RegimeId.SPSO_MCHP, ExtendedDeadline.STAGE_2_RESPONSE): "SPSO MCHP stage 2: revised time "
    "limits agreed with the complainant",
}


def consent_rule(regime: RegimeId, deadline: ExtendedDeadline) -> str | None:
    """The rule that makes this extension need the complainant's agreement; None: it does not."""
    return CONSENT_RULES.get((regime, deadline))


def require_consent(regime: RegimeId, deadline: ExtendedDeadline, consent: bool) -> None:
    rule = consent_rule(regime, deadline)
    if rule is not None and not consent:
        raise InvalidValueError(
            f"under {regime} this extension needs the complainant's agreement ({rule}); record "
            "complainant_consent: true once they have agreed",
            field="complainant_consent",
            rule=rule,
        )
