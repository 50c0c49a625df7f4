"""Which ombudsman and which regulator a case may go to, by its regime's nation.

Sources are in docs/regimes.md ("Ombudsmen and regulators"). The check is keyed on the nation, so
a regime added with its nation in `regime_rules.NATIONS` needs nothing here; an English regime
narrows England's three ombudsmen to those its own rules name.
"""

from __future__ import annotations

from complaints_ledger.domain.errors import InvalidValueError
from complaints_ledger.domain.regime_rules import NATIONS
from complaints_ledger.domain.values import Nation, Ombudsman, RegimeId, Regulator

NATION_OMBUDSMEN: dict[Nation, frozenset[Ombudsman]] = {
    Nation.ENGLAND: frozenset({Ombudsman.LGSCO, Ombudsman.PHSO, Ombudsman.HOUSING_OMBUDSMAN}),
    Nation.WALES: frozenset({Ombudsman.PSOW}),
    Nation.SCOTLAND: frozenset({Ombudsman.SPSO}),
    Nation.NORTHERN_IRELAND: frozenset({Ombudsman.NIPSO}),
}
REGIME_OMBUDSMEN: dict[RegimeId, frozenset[Ombudsman]] = {
    # SI 2009/309 covers social services and the NHS: the Local and the Health Service
    # Commissioner (docs/regimes.md).
    RegimeId.ENGLAND_2009: frozenset({Ombudsman.LGSCO, Ombudsman.PHSO}),
    # Council complaints; joint health and social care ones go to the LGSCO and PHSO together.
    RegimeId.LGSCO_CODE: frozenset({Ombudsman.LGSCO, Ombudsman.PHSO}),
    RegimeId.HOUSING_OMBUDSMAN_CODE: frozenset({Ombudsman.HOUSING_OMBUDSMAN}),
}
NATION_REGULATORS: dict[Nation, frozenset[Regulator]] = {
    Nation.ENGLAND: frozenset({Regulator.CQC}),
    Nation.WALES: frozenset({Regulator.CIW, Regulator.HIW}),
    Nation.SCOTLAND: frozenset({Regulator.CARE_INSPECTORATE, Regulator.HIS}),
    Nation.NORTHERN_IRELAND: frozenset({Regulator.RQIA}),
}


def ombudsmen_for(regime: RegimeId) -> frozenset[Ombudsman]:
    return REGIME_OMBUDSMEN.get(regime, NATION_OMBUDSMEN[NATIONS[regime]])


def check_ombudsman(regime: RegimeId, body: Ombudsman) -> None:
    allowed = ombudsmen_for(regime)
    if body not in allowed:
        names = ", ".join(sorted(allowed))
        raise InvalidValueError(
            f"{body} does not deal with {regime} complaints ({NATIONS[regime]}); "
            f"the ombudsman for them is {names}",
            field="body",
        )


def check_regulator(regime: RegimeId, regulator: Regulator) -> None:
    allowed = NATION_REGULATORS[NATIONS[regime]]
    if regulator not in allowed:
        names = ", ".join(sorted(allowed))
        raise InvalidValueError(
            f"{regulator} does not regulate care in {NATIONS[regime]}; the regulator there is "
            f"{names}",
            field="regulator",
        )
