"""The letter sandbox: the shipped templates fill in from a case's facts; a template reaches
nothing of Python (no attributes, methods, globals, imports or macros), cannot blow up in size,
and an unknown placeholder is an error rather than an empty gap in a letter."""

from __future__ import annotations

import pytest

from complaints_ledger.domain.letters import LetterKind
from complaints_ledger.domain.values import RegimeId
from complaints_ledger.letters.defaults import DEFAULT_TEMPLATES
from complaints_ledger.letters.drafting import (
    LETTER_MAX,
    LetterTemplateError,
    check_template,
    fill,
)
from complaints_ledger.letters.facts import SAMPLE_FACTS, ombudsman_for

ESCAPES = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ case.__class__ }}",
    "{{ case['__class__'] }}",
    "{{ case.items() }}",
    "{{ case.reference.upper() }}",
    "{{ self.__init__.__globals__ }}",
    "{{ lipsum.__globals__.os }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ namespace() }}",
    "{{ range(10) | list }}",
    "{{ config }}",
    "{% include 'layout.html' %}",
    "{% import 'x' as y %}",
    "{% extends 'layout.html' %}",
    "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "{% for x in case.subjects recursive %}{{ loop(x) }}{% endfor %}",
    "{{ case.subjects | map('upper') | list }}",
    "{{ case | attr('reference') }}",
    "{{ '%s' % case.reference }}",
    "{{ 'x' * 9999999 }}",
    "{{ 9 ** 9999999 }}",
]


@pytest.mark.parametrize("kind", list(LetterKind))
def test_every_default_template_fills_in_with_no_placeholder_left(kind: LetterKind) -> None:
    letter = fill(DEFAULT_TEMPLATES[kind], SAMPLE_FACTS)
    assert "Dear Sam Sample," in letter
    assert "0A1B2C3D" in letter
    assert "Local Government and Social Care Ombudsman" in letter
    assert "{{" not in letter
    assert "{%" not in letter


@pytest.mark.parametrize("source", ESCAPES)
def test_a_template_reaches_nothing_of_python(source: str) -> None:
    with pytest.raises(LetterTemplateError):
        check_template(source)


def test_an_unknown_placeholder_is_named() -> None:
    with pytest.raises(LetterTemplateError, match="letters do not have: nmae"):
        check_template("Dear {{ complainant.nmae }}")


def test_loops_nest_two_deep_at_most_and_a_letter_is_bounded() -> None:
    fill(
        "{% for a in actions %}{% for s in case.subjects %}{{ s }}{% endfor %}{% endfor %}",
        {**SAMPLE_FACTS},
    )
    with pytest.raises(LetterTemplateError, match="nested 2 deep"):
        check_template(
            "{% for a in [1] %}{% for b in [1] %}{% for c in [1] %}{% endfor %}"
            "{% endfor %}{% endfor %}"
        )
    wide = (
        "{% for a in ["
        + ",".join(["1"] * 200)
        + "] %}{% for b in ["
        + ",".join(["1"] * 200)
        + "] %}"
        + "x" * 50
        + "{% endfor %}{% endfor %}"
    )
    with pytest.raises(LetterTemplateError, match=f"longer than {LETTER_MAX}"):
        check_template(wide)


def test_each_regime_names_its_ombudsman() -> None:
    names = {regime: str(ombudsman_for(regime)) for regime in RegimeId}
    assert names == {
        RegimeId.ENGLAND_2009: "LGSCO",
        RegimeId.LGSCO_CODE: "LGSCO",
        RegimeId.HOUSING_OMBUDSMAN_CODE: "Housing Ombudsman",
        RegimeId.SPSO_MCHP: "SPSO",
        RegimeId.WALES_2014: "PSOW",
        RegimeId.NI_HSC: "NIPSO",
    }
