"""Extract every message of the package and its templates, and bring the catalogs up to date.

Run after adding or changing a sentence a reader sees (``make translations``)::

    python scripts/update_translations.py

It writes ``bmoredash/locale/bmoredash.pot`` (every message, from ``babel.cfg``) and adds
the new messages to each language's ``bmoredash/locale/<code>/LC_MESSAGES/bmoredash.po``
with an empty translation (a changed message is a new one: no guessed, fuzzy translation);
messages no longer in the code are dropped. Write the Spanish in the
``.po``; ``tests/test_i18n.py`` names every message still without one.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bmoredash import i18n  # noqa: E402

MAPPING = ROOT / "babel.cfg"
TEMPLATE = i18n.LOCALE_DIR / f"{i18n.DOMAIN}.pot"
#: gettext's usual keywords (``_``, ``gettext``, ``ngettext``, ``pgettext``, ``N_``, ...).
KEYWORDS = DEFAULT_KEYWORDS


def extract() -> Catalog:
    """Every message of the package's code and templates (``babel.cfg``), with where it is."""
    with MAPPING.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, str(MAPPING))
    template = Catalog(project="bmoredash", domain=i18n.DOMAIN, charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def update(template: Catalog) -> dict[str, int]:
    """Write the template and update each language's catalog; language -> messages missing."""
    TEMPLATE.parent.mkdir(parents=True, exist_ok=True)
    with TEMPLATE.open("wb") as handle:
        write_po(handle, template, width=100, omit_header=False, sort_output=False)
    missing = {}
    for code in i18n.LANGUAGES:
        if code == i18n.DEFAULT:
            continue
        path = i18n.po_path(code)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as handle:
                po = read_po(handle, locale=code, domain=i18n.DOMAIN)
        else:
            po = Catalog(locale=code, project="bmoredash", domain=i18n.DOMAIN, charset="utf-8")
        po.update(template, no_fuzzy_matching=True, update_header_comment=False)
        po.obsolete.clear()
        with path.open("wb") as handle:
            write_po(handle, po, width=100, omit_header=False, include_previous=False)
        missing[code] = sum(1 for m in po if m.id and (m.fuzzy or not _complete(m.string)))
    return missing


def _complete(string: str | tuple[str, ...]) -> bool:
    return all(string) if isinstance(string, tuple) else bool(string)


def main() -> None:
    template = extract()
    missing = update(template)
    print(f"{len(template)} messages -> {TEMPLATE.relative_to(ROOT)}")
    for code, n in missing.items():
        print(f"{code}: {n} without a translation in {i18n.po_path(code).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
