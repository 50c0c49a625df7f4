"""The rule tables of the six regimes: names, calendars, extension limits and time limits.

Sources for every figure are in docs/regimes.md. The computations are in clocks.py.
"""

from __future__ import annotations

from complaints_ledger.domain.calendars import Calendar
from complaints_ledger.domain.values import ExtendedDeadline, Nation, RegimeId

REGIME_NAMES: dict[RegimeId, str] = {
    RegimeId.ENGLAND_2009: "Local Authority Social Services and National Health Service "
    "Complaints (England) Regulations 2009",
    RegimeId.LGSCO_CODE: "LGSCO Complaint Handling Code",
    RegimeId.HOUSING_OMBUDSMAN_CODE: "Housing Ombudsman Complaint Handling Code",
    RegimeId.SPSO_MCHP: "SPSO Model Complaints Handling Procedure",
    RegimeId.WALES_2014: "Social Services Complaints Procedure (Wales) Regulations 2014",
    RegimeId.NI_HSC: "HSC Complaints Procedure (Northern Ireland)",
}
NATIONS: dict[RegimeId, Nation] = {
    RegimeId.ENGLAND_2009: Nation.ENGLAND,
    RegimeId.LGSCO_CODE: Nation.ENGLAND,
    RegimeId.HOUSING_OMBUDSMAN_CODE: Nation.ENGLAND,
    RegimeId.SPSO_MCHP: Nation.SCOTLAND,
    RegimeId.WALES_2014: Nation.WALES,
    RegimeId.NI_HSC: Nation.NORTHERN_IRELAND,
}
NATION_CALENDARS: dict[Nation, Calendar] = {
    Nation.ENGLAND: Calendar.ENGLAND,
    Nation.WALES: Calendar.WALES,
    Nation.SCOTLAND: Calendar.SCOTLAND,
    Nation.NORTHERN_IRELAND: Calendar.NORTHERN_IRELAND,
}
CALENDARS: dict[RegimeId, Calendar] = {
    RegimeId.ENGLAND_2009: Calendar.ENGLAND,
    RegimeId.LGSCO_CODE: Calendar.ENGLAND,
    RegimeId.HOUSING_OMBUDSMAN_CODE: Calendar.ENGLAND,
    RegimeId.SPSO_MCHP: Calendar.SCOTLAND,
    RegimeId.WALES_2014: Calendar.WALES,
    RegimeId.NI_HSC: Calendar.NORTHERN_IRELAND,
}
EXTENSION_LIMITS: dict[tuple[RegimeId, ExtendedDeadline], int] = {
    (RegimeId.LGSCO_CODE, ExtendedDeadline.RESPONSE): 10,  # LGSCO code para 6.4
    (RegimeId.LGSCO_CODE, ExtendedDeadline.STAGE_2_RESPONSE): 20,
    (RegimeId.HOUSING_OMBUDSMAN_CODE, ExtendedDeadline.RESPONSE): 10,
    (RegimeId.HOUSING_OMBUDSMAN_CODE, ExtendedDeadline.STAGE_2_RESPONSE): 20,
    (RegimeId.SPSO_MCHP, ExtendedDeadline.RESPONSE): 5,  # at most 10 working days in total
}
WARN = "the Ombudsman may disapply the limit, so this is a warning, not a block"
LIMIT_RULES: dict[RegimeId, str] = {
    RegimeId.ENGLAND_2009: "SI 2009/309 reg 12: made not later than 12 months after the matter "
    "occurred or, if later, came to the complainant's notice",
    RegimeId.SPSO_MCHP: "SPSO MCHP: normally made within 6 months of the event or of finding out "
    "there is reason to complain",
    RegimeId.LGSCO_CODE: "s26B Local Government Act 1974: made within 12 months beginning with "
    "the day the person affected first had notice of the matter",
    RegimeId.HOUSING_OMBUDSMAN_CODE: "12 months beginning with the day of notice (s26B Local "
    "Government Act 1974, applied by this ledger to housing complaints as the comparable limit)",
    RegimeId.WALES_2014: "normally made within 12 months of the matter or of its notice (limit "
    "taken from secondary sources, not verified in WSI 2014/1794)",
    RegimeId.NI_HSC: "normally made within 12 months of the matter or of its notice (limit "
    "taken from secondary sources, not verified in the HSC guidance)",
}
IF_LATE: dict[RegimeId, str] = {
    RegimeId.ENGLAND_2009: "it may be handled only if the body accepts both that there was good "
    "reason for the delay and that it can still be investigated effectively and fairly (reg 12(2))",
    RegimeId.SPSO_MCHP: "the organisation may accept it in exceptional circumstances (a warning)",
    RegimeId.LGSCO_CODE: WARN,
    RegimeId.HOUSING_OMBUDSMAN_CODE: WARN,
    RegimeId.WALES_2014: "it may still be accepted where there was good reason for the delay "
    "(a warning)",
    RegimeId.NI_HSC: "it may still be accepted where there was good reason for the delay "
    "(a warning)",
}
