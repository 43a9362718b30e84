"""Spanish (issue 13): every message of the code and the templates has its Spanish, with the
same placeholders; ``?lang=`` is read; the current language changes what a template, a
vocabulary function and a date say, and numbers keep US digits."""

from __future__ import annotations

import re
from datetime import date

import pytest
from babel.messages.pofile import read_po

from bmoredash import i18n, vocabulary
from bmoredash.aggregate.comparisons import Comparison
from bmoredash.publish import render
from scripts.update_translations import extract

#: ``%(name)s`` (Python, newstyle Jinja) and ``{name}`` placeholders.
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


@pytest.fixture(scope="module")
def spanish():
    with i18n.po_path("es").open("rb") as handle:
        return read_po(handle)


def _key(message) -> object:
    singular = message.id[0] if isinstance(message.id, tuple) else message.id
    return (message.context, singular)


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not message.fuzzy and all(s.strip() for s in strings)


def test_every_message_of_the_code_and_templates_has_its_spanish(spanish) -> None:
    """The complete-translation check: run ``python scripts/update_translations.py`` after
    adding a sentence, then write its Spanish in the .po."""
    extracted = extract()
    assert len(extracted) > 150, "the extractor read nothing"
    ids = {_key(m) for m in extracted if m.id}
    assert (None, "Skip to the numbers") in ids  # a template's message
    assert (None, "Western District") in ids  # a vocabulary constant (N_)
    translated = {_key(m) for m in spanish if m.id and _translated(m)}
    missing = sorted((str(c or ""), str(m)) for c, m in ids - translated)
    if missing:
        print("messages without Spanish (context, msgid):")
        for context, msgid in missing:
            print(f"  {context!r} {msgid!r}")
    assert missing == []


def test_placeholders_are_the_same_in_english_and_spanish(spanish) -> None:
    checked, wrong = 0, []
    for message in spanish:
        if not message.id or not _translated(message):
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = sorted(_PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            checked += 1
            if sorted(_PLACEHOLDER.findall(string)) != expected:
                wrong.append((ids[0], string))
    assert checked > 150
    assert wrong == []


def test_the_placeholder_check_catches_a_dropped_placeholder() -> None:
    assert sorted(_PLACEHOLDER.findall("Council District %(number)s")) != sorted(
        _PLACEHOLDER.findall("Distrito del Concejo")
    )


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("es", "es"),
        ("ES", "es"),
        (" es-US ", "es"),
        ("es_MX", "es"),
        ("Español", "es"),
        ("en", "en"),
        ("English", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_lang_in_a_link_picks_the_language(value: str | None, code: str) -> None:
    assert i18n.language_from_query(value) == (code, None)


@pytest.mark.parametrize("value", ["fr", "xx-es", "<script>", "e" * 500])
def test_an_unknown_lang_reads_english_with_a_one_line_message(value: str) -> None:
    code, message = i18n.language_from_query(value)
    assert code == "en"
    assert message is not None and "\n" not in message and len(message) < 120
    assert message.startswith("Ignored language") and "use en or es" in message


def test_set_language_refuses_an_unknown_code_and_using_restores_the_language() -> None:
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        i18n.set_language("fr")
    assert i18n.current_language() == "en"
    with pytest.raises(RuntimeError), i18n.using("es"):
        assert i18n.current_language() == "es"
        raise RuntimeError
    assert i18n.current_language() == "en"


def test_switching_language_changes_a_rendered_template() -> None:
    env = render.environment()  # cached once: the language is read at each render
    template = env.from_string(
        '<html lang="{{ current_language() }}">{{ _("Where") }} · '
        '{{ _("Map: %(place)s", place=place) }}</html>'
    )
    assert template.render(place="<b>") == '<html lang="en">Where · Map: &lt;b&gt;</html>'
    with i18n.using("es"):
        assert render.environment() is env
        assert template.render(place="<b>") == '<html lang="es">Dónde · Mapa: &lt;b&gt;</html>'
    assert template.render(place="x") == '<html lang="en">Where · Map: x</html>'


def test_the_vocabulary_answers_in_the_current_language() -> None:
    assert vocabulary.district_name("WESTERN") == "Western District"
    assert vocabulary.OFFENSE_LABELS["SHOOTING"] == "Non-fatal shooting"  # codes stay English
    with i18n.using("es"):
        assert vocabulary.district_name("WESTERN") == "Distrito Oeste"
        assert vocabulary.council_name("9") == "Distrito del Concejo 9"
        assert vocabulary.place_subject("COUNCIL-9") == "el Distrito del Concejo 9"
        assert vocabulary.place_subject("CITYWIDE") == "la ciudad"
        assert vocabulary.label(vocabulary.OFFENSE_LABELS, "HOMICIDE") == "Homicidio"
        assert vocabulary.page_title("Resumen", "Distrito Oeste") == (
            "Resumen · Distrito Oeste · Delitos de la Parte 1 en Baltimore"
        )
        assert vocabulary.OFFENSE_LABELS["SHOOTING"] == "Non-fatal shooting"
        assert i18n.ngettext("%(n)s week", "%(n)s weeks", 1) == "%(n)s semana"
        assert i18n.ngettext("%(n)s week", "%(n)s weeks", 2) == "%(n)s semanas"
    assert vocabulary.place_subject("COUNCIL-9") == "Council District 9"


def test_dates_have_spanish_month_names_and_numbers_keep_us_digits() -> None:
    day = date(2026, 9, 5)
    assert i18n.short_date(day) == "Sep 5, 2026"
    assert i18n.format_date(day, "month_day") == "Sep 5"
    change = Comparison("Part 1 violent", 1_500, 1_000, dispersion_df=None)
    english = change.describe()
    with i18n.using("es"):
        assert i18n.short_date(day) == "5 sep 2026"
        assert i18n.format_date(date(2026, 1, 3), "month") == "ene"
        spanish = change.describe()
    assert english == "up 500 (+50.0%)"
    assert spanish == "sube 500 (+50.0%)"
