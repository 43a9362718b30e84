"""The PDF printer: one headless Chromium (Debian's, driven by Playwright) for many reports.

Never ``playwright install``: Playwright's own driver talks to ``config.CHROMIUM``.
Requests other than file: and data: are refused, so a page cannot reach the network. The
page header and footer are ``templates/pdf_header.html.j2`` and ``pdf_footer.html.j2``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from bmoredash import config, files
from bmoredash.report import render

#: Letter pages; the top and bottom margins hold the header and the page numbers.
MARGINS = {"top": "0.75in", "bottom": "0.7in", "left": "0.5in", "right": "0.5in"}


class PdfPrinter:
    """One browser, started on first use and reused until ``close``."""

    def __init__(self, executable: str = str(config.CHROMIUM)) -> None:
        self.executable = executable
        self._playwright: Any = None
        self._browser: Any = None

    def start(self) -> PdfPrinter:
        if self._browser is None:
            from playwright.sync_api import sync_playwright

            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=self.executable, args=list(config.CHROMIUM_ARGS)
            )
        return self

    def close(self) -> None:
        if self._browser is not None:
            self._browser.close()
            self._playwright.stop()
            self._browser = self._playwright = None

    def __enter__(self) -> PdfPrinter:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def print_pdf(
        self, html_path: Path, pdf_path: Path, district: str, week_end: date, *, demo: bool
    ) -> Path:
        """Letter pages, a header naming the place and week (and the demo mark), page
        numbers in the footer; written atomically (``files.atomic_write``)."""
        self.start()
        page = self._browser.new_page()
        try:
            page.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith(("file:", "data:"))
                    else route.abort()
                ),
            )
            page.goto(Path(html_path).resolve().as_uri(), wait_until="load")
            pdf = page.pdf(
                format="Letter",
                print_background=True,
                display_header_footer=True,
                margin=MARGINS,
                header_template=render.pdf_header_html(district, week_end, demo=demo),
                footer_template=render.pdf_footer_html(),
            )
        finally:
            page.close()
        with files.atomic_write(pdf_path, "wb") as handle:
            handle.write(pdf)
        return pdf_path
