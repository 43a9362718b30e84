"""Spanish on the dashboard (issue 13): every page built with ``?lang=es`` reads no English
sentence of the catalog, and the English build reads no Spanish one.

The check walks each page's widget tree and gathers what a visitor reads: HTML values
without their tags, descriptions, tooltips, placeholders, option labels and chart titles,
axis labels and tooltip labels. A catalog message longer than ``MIN_CHARS`` whose Spanish
differs from its English must not appear in the other language's text (a message with
placeholders is looked for by its longest fixed part). Reference data published in English
(the official tallies' reasons, the CVI programs' descriptions) stays English by design and
is taken out of the Spanish text first; the pages say so in Spanish.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bmoredash import i18n
from bmoredash.app.registry import PAGES
from tests.test_app_widgets import _write

#: Shorter messages ("Homicide", "Victims") are words both languages may share.
MIN_CHARS = 16
_TAG = re.compile(r"<[^>]+>")
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")
#: Traits whose text a visitor reads (or hears, for a tooltip).
_TEXT_TRAITS = ("description", "tooltip", "placeholder", "title", "label", "button_text")
_LIST_TRAITS = ("_options_labels", "tooltips", "labels", "text")


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory):
    from bmoredash.app.context import DashboardContext

    return DashboardContext.from_store(_write(tmp_path_factory.mktemp("real"), demo=False))


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.set_language("en")


def _fixed_part(text: str) -> str:
    """The longest part of a message without a placeholder."""
    return max(_PLACEHOLDER.split(text), key=len).strip()


@pytest.fixture(scope="module")
def pairs() -> list[tuple[str, str]]:
    """(English, Spanish) fixed parts of every translated message that reads differently."""
    with i18n.po_path("es").open("rb") as handle:
        catalog = read_po(handle)
    found = []
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english, spanish in zip(ids, strings, strict=False):
            english, spanish = _fixed_part(english), _fixed_part(spanish)
            if spanish and english != spanish and min(len(english), len(spanish)) >= MIN_CHARS:
                found.append((english, spanish))
    assert len(found) > 250, "the catalog holds too few translated sentences"
    return found


def visible_text(root) -> str:
    """Every text a visitor reads in the widget tree under ``root``, one per line."""
    from ipywidgets import Widget

    seen: set[int] = set()
    texts: list[str] = []

    def visit(widget) -> None:
        if id(widget) in seen:
            return
        seen.add(id(widget))
        for name in widget.keys:
            if name.startswith("_") and name != "_options_labels":
                continue
            value = getattr(widget, name, None)
            if isinstance(value, Widget):
                visit(value)
            elif isinstance(value, list | tuple):
                for item in value:
                    if isinstance(item, Widget):
                        visit(item)
                    elif isinstance(item, str) and name in _LIST_TRAITS:
                        texts.append(item)
            elif isinstance(value, str) and name == "value" and "HTML" in type(widget).__name__:
                texts.append(html.unescape(_TAG.sub(" ", value)))
            elif isinstance(value, str) and name in _TEXT_TRAITS:
                texts.append(value)
        labels = getattr(widget, "_options_labels", None)
        if labels:
            texts.extend(labels)

    visit(root)
    return re.sub(r"[ \t]+", " ", "\n".join(texts))


def _page_text(context, slug: str, lang: str, extra: str = "") -> str:
    from bmoredash.app import build_app

    app = build_app(context=context, query=f"lang={lang}&page={slug}{extra}")
    assert i18n.current_language() == lang
    page = app.pages[slug]
    assert page.message.value == "", f"{slug}{extra} showed an error in {lang}"
    return visible_text(page.widget) + "\n" + visible_text(app.widget)


#: Every page, and the in-page choices and switches that draw other sentences.
VIEWS: list[tuple[str, str]] = [(p.slug, "") for p in PAGES] + [
    ("overview", "&measure=rates&offense=HOMICIDE"),
    ("neighborhoods", "&measure=rates&district=WESTERN"),
    ("trends", "&interval=monthly&count=incidents"),
    ("victims", "&victims=both"),
    ("arrests", "&district=WESTERN"),
    ("when-where", "&district=SOUTHERN"),
    ("since-2012", "&count=incidents"),
    ("cvi", "&district=WESTERN"),
    ("map", "&measure=rates"),
    ("map", "&areas=neighborhoods&district=WESTERN&count=incidents"),
]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _without_english_data(text: str) -> str:
    """``text`` less the reference data published in English (reasons, programs)."""
    from bmoredash import official
    from bmoredash.reference import cvi

    reasons = official.load_reasons()
    programs = cvi.load_programs()
    columns = ("name", "operator", "description", "area_served", "address", "notes")
    data = [*reasons["label"], *reasons["explanation"]]
    data += [str(v) for c in columns for v in programs[c].dropna()]
    for value in sorted({_flat(v) for v in data if v}, key=len, reverse=True):
        text = text.replace(value, " ")
    return text


@pytest.mark.parametrize(("slug", "extra"), VIEWS)
def test_a_spanish_page_reads_no_english_sentence(context, pairs, slug: str, extra: str) -> None:
    text = _without_english_data(_flat(_page_text(context, slug, "es", extra)))
    assert len(text) > 200
    english = sorted({en for en, _ in pairs if en in text})
    for sentence in english:
        print(f"English on the Spanish {slug} page: {sentence!r}")
    assert english == []


@pytest.mark.parametrize(("slug", "extra"), VIEWS)
def test_an_english_page_reads_no_spanish_sentence(context, pairs, slug: str, extra: str) -> None:
    text = _flat(_page_text(context, slug, "en", extra))
    spanish = sorted({es for _, es in pairs if es in text})
    for sentence in spanish:
        print(f"Spanish on the English {slug} page: {sentence!r}")
    assert spanish == []


def test_the_check_finds_an_untranslated_sentence(pairs) -> None:
    """The walk reads HTML without tags and a button's description."""
    from ipywidgets import HTML, Button, VBox

    english, _ = next((en, es) for en, es in pairs if "<" not in en)
    tree = VBox([HTML(f"<p><b>{html.escape(english)}</b></p>"), Button(description="Go on")])
    text = _flat(visible_text(tree))
    assert english in text
    assert "Go on" in text


def test_the_spanish_build_sets_the_page_title_in_spanish(context) -> None:
    text = _page_text(context, "overview", "es")
    assert "Resumen" in text
    assert Path(i18n.po_path("es")).exists()


@pytest.fixture(scope="module")
def arrest_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the real legacy arrest sample (2017-01-01 to 2018-02-17)."""
    from bmoredash import ingest
    from tests.conftest import require_shared

    path = require_shared("arrests", "BPD_Arrests.csv")
    data_dir = tmp_path_factory.mktemp("arrest-store") / "data"
    ingest.ingest_paths([path], data_dir)
    return data_dir


@pytest.mark.parametrize("district", ["", "WESTERN"])
def test_the_arrests_page_with_arrests_reads_spanish(pairs, arrest_store, district) -> None:
    """With arrests to count (the summary, the comparison, charge groups, places, people)."""
    from bmoredash.app.context import DashboardContext, FilteredView
    from bmoredash.app.pages.arrests import ArrestsPage
    from bmoredash.app.state import FilterState

    i18n.set_language("es")
    context = DashboardContext.from_store(arrest_store)
    filters = FilterState(year=2017, district=district or "CITYWIDE")
    page = ArrestsPage(context, filters)
    page.refresh(FilteredView(context, filters))
    assert page.message.value == ""
    text = _flat(visible_text(page.widget))
    assert "arrestos</strong>" not in text and "arrestos" in text
    assert "Grupo de cargos" in text
    english = sorted({en for en, _ in pairs if en in text})
    for sentence in english:
        print(f"English on the Spanish arrests page ({district or 'citywide'}): {sentence!r}")
    assert english == []


@pytest.mark.parametrize("name", ["methodology", "arrests"])
def test_each_long_text_has_a_spanish_twin_with_the_same_sections_and_facts(name: str) -> None:
    from importlib import resources

    from bmoredash import text

    folder = resources.files("bmoredash.text")
    english = folder.joinpath(f"{name}.md").read_text(encoding="utf-8")
    spanish = folder.joinpath(f"{name}.es.md").read_text(encoding="utf-8")
    for mark in ("### ", "- **", "{{ "):
        assert english.count(mark) == spanish.count(mark), mark
    assert text.text_file(name, "es") == f"{name}.es.md"
    assert text.text_file(name, "en") == f"{name}.md"
    english_html = text.arrests_html() if name == "arrests" else text.methodology_html()
    with i18n.using("es"):
        spanish_html = text.arrests_html() if name == "arrests" else text.methodology_html()
    assert spanish_html != english_html
    # The sentence a fact carries is in Spanish too.
    assert "Un cambio entre dos períodos" in spanish_html
    assert "A change between two periods" in english_html
    assert "A change between two periods" not in spanish_html
