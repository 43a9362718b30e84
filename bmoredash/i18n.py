"""Which language a reader reads: English (the words in the code) or Spanish (the catalog).

Why one module: issue 13 asks that every sentence a visitor reads have a complete Spanish
translation, on the dashboard (``?lang=es``) and on the static site (``es/``). The English
text in the code is the message id itself; the Spanish is in the gettext catalog
``locale/es/LC_MESSAGES/bmoredash.po``, read with Babel at first use (no compiled ``.mo`` in
git). A dashboard kernel serves one visitor and a publish renders one language at a time, so
the current language is one module-level setting (``set_language``, ``using``).

How to write a sentence a reader sees:

- in Python, ``_("Part 1 crime, year to date")``; with values, a named placeholder:
  ``_("Council District %(number)s") % {"number": "9"}`` (never an f-string inside ``_``);
- a module constant is evaluated once, at import, in English: mark it with ``N_("...")`` (it
  stays English, a code and a message id) and translate where it is shown: ``_(CONSTANT)``;
- in a Jinja template (``install``): ``{{ _("Where") }}``, ``{{ _("%(n)s pages", n=count) }}``
  or ``{% trans %}...{% endtrans %}``;
- then run ``python scripts/update_translations.py`` (``make translations``): it extracts
  every message into ``locale/bmoredash.pot`` and adds the new ones to the ``.po``; write
  their Spanish there. ``tests/test_i18n.py`` fails, naming them, until every one has it.

Numbers keep US digits in Spanish too (``1,234`` and ``8.1%``): the es-US convention that
Baltimore's Spanish-language readers see in city and federal publications. Dates with month
names are Babel's ``es_US`` (``21 nov 2026``).
"""

from __future__ import annotations

import contextlib
import functools
import gettext as stdlib_gettext
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

#: The languages a reader can choose, the default first; each named in its own language.
LANGUAGES: tuple[str, ...] = ("en", "es")
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "es": "Español"}
DEFAULT = "en"
#: The gettext domain: ``locale/<code>/LC_MESSAGES/bmoredash.po``.
DOMAIN = "bmoredash"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
#: The Babel locale of each language's dates (Baltimore's Spanish: es-US).
BABEL_LOCALES: dict[str, str] = {"en": "en_US", "es": "es_US"}
#: Date patterns (CLDR) of each language: a short date, a month and day, a month alone.
DATE_PATTERNS: dict[str, dict[str, str]] = {
    "en": {"short": "MMM d, y", "month_day": "MMM d", "month": "MMM"},
    "es": {"short": "d MMM y", "month_day": "d MMM", "month": "MMM"},
}

_current = DEFAULT


def po_path(code: str) -> Path:
    """The catalog of a language (``locale/es/LC_MESSAGES/bmoredash.po``)."""
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def set_language(code: str) -> None:
    """Make ``code`` (one of ``LANGUAGES``) the language every message is read in."""
    global _current
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {code!r}: use one of {', '.join(LANGUAGES)}")
    _current = code


def current_language() -> str:
    """The language messages are read in now (``DEFAULT`` until ``set_language``)."""
    return _current


@contextlib.contextmanager
def using(code: str) -> Iterator[str]:
    """Read messages in ``code`` inside the block, then in the language before it."""
    before = _current
    set_language(code)
    try:
        yield code
    finally:
        set_language(before)


def language_from_query(value: str | None) -> tuple[str, str | None]:
    """The language a link asks for (``?lang=es``; ``ES``, ``es-US`` and ``español`` too):
    (code, None), or (``DEFAULT``, a one-line message) for a value that is no language."""
    if value is None or not value.strip():
        return DEFAULT, None
    wanted = value.strip().lower().replace("_", "-").split("-")[0]
    names = {name.lower(): code for code, name in LANGUAGE_NAMES.items()}
    code = wanted if wanted in LANGUAGES else names.get(wanted)
    if code is None:
        shown = value.strip()[:40]
        return DEFAULT, gettext("Ignored language %(value)s: use en or es.") % {
            "value": repr(shown)
        }
    return code, None


@functools.cache
def catalog(code: str) -> tuple[dict[Any, Any], Callable[[int], int]]:
    """The translated messages of ``code`` (msgid or (context, msgid) -> msgstr; a plural's
    msgstr is a tuple), and its plural rule (n -> form index). Fuzzy and empty entries are
    left out: the English reads instead."""
    from babel.messages.pofile import read_po

    path = po_path(code)
    if not path.exists():
        return {}, lambda n: int(n != 1)
    with path.open("rb") as handle:
        po = read_po(handle, locale=code, domain=DOMAIN)
    messages: dict[Any, Any] = {}
    for message in po:
        if not message.id or message.fuzzy:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            continue
        singular = message.id[0] if isinstance(message.id, tuple) else message.id
        key = (message.context, singular) if message.context else singular
        messages[key] = message.string
    return messages, stdlib_gettext.c2py(po.plural_expr)


def gettext(message: str) -> str:
    """``message`` in the current language (English is the message itself)."""
    if _current == DEFAULT:
        return message
    found = catalog(_current)[0].get(message)
    return found if isinstance(found, str) else message


#: The usual short name, for code and templates.
_ = gettext


def N_(message: str) -> str:  # noqa: N802 (gettext's name for it)
    """Mark a constant's English for extraction without translating it now (``_(CONSTANT)``
    translates it where it is shown)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """``singular`` or ``plural`` by ``n``, in the current language's plural rule."""
    if _current != DEFAULT:
        messages, plural_of = catalog(_current)
        found = messages.get(singular)
        if isinstance(found, tuple):
            return found[min(plural_of(n), len(found) - 1)]
    return singular if n == 1 else plural


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language where one English word reads two ways."""
    if _current == DEFAULT:
        return message
    found = catalog(_current)[0].get((context, message))
    return found if isinstance(found, str) else message


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    """``ngettext`` with a context."""
    if _current != DEFAULT:
        messages, plural_of = catalog(_current)
        found = messages.get((context, singular))
        if isinstance(found, tuple):
            return found[min(plural_of(n), len(found) - 1)]
    return singular if n == 1 else plural


def install(env: Any) -> Any:
    """Give a ``jinja2.Environment`` the i18n extension (newstyle gettext): ``{{ _("...") }}``,
    ``{% trans %}`` and ``current_language()`` read the language at each render, so an
    environment cached once translates into whatever language is current."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(
        gettext, ngettext, newstyle=True, pgettext=pgettext, npgettext=npgettext
    )
    env.globals["current_language"] = current_language
    env.globals["language_names"] = LANGUAGE_NAMES
    return env


@functools.cache
def _babel_date(day: date, pattern: str, locale: str) -> str:
    from babel.dates import format_date

    return format_date(day, pattern, locale=locale)


def format_date(day: date, form: str = "short") -> str:
    """A date with a month name in the current language: ``form`` ``short`` (``Nov 21,
    2026`` / ``21 nov 2026``), ``month_day`` (``Nov 21`` / ``21 nov``) or ``month`` (``Nov`` /
    ``nov``). English is written by Python itself (the words every test and report knew)."""
    if _current == DEFAULT:
        if form == "short":
            return f"{day:%b} {day.day}, {day.year}"
        if form == "month_day":
            return f"{day:%b} {day.day}"
        return f"{day:%b}"
    return _babel_date(day, DATE_PATTERNS[_current][form], BABEL_LOCALES[_current])


def short_date(day: date) -> str:
    """``Nov 21, 2026`` / ``21 nov 2026``."""
    return format_date(day, "short")
