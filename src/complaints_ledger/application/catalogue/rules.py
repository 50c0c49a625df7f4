"""The sources the catalogue's commands serve, as the `rule` of each (see docs/regimes.md)."""

SI_2009 = "SI 2009/309"
NO_WRONG_DOOR = "'No wrong door' (Healthwatch Quality Matters)"
RECORDS = "CQC Regulation 16 (2014): complaint records kept"
REVIEW = "regular review (Healthwatch toolkit, LGSCO Code para 8)"
RETENTION = "NHS Records Management Code: retention until litigation ends"
