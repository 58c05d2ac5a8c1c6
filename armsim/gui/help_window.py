"""The Help page (the glossary, searchable, one anchor per term) and the About box.

The words come from :mod:`armsim.core.glossary`, which the controls' tooltips
quote too; the page is a non-modal window, so it can stay open beside the arm.
"""
from __future__ import annotations

import html

from PySide6.QtWidgets import QDialog, QLineEdit, QMessageBox, QTextBrowser, QVBoxLayout, QWidget

from armsim import __version__
from armsim.core.glossary import FIELDS, GLOSSARY, TERMS

ABOUT = (f"<h3>armsim {__version__}</h3>"
         "<p>An n-link arm learns to reach its target by gradient descent: the post's delta rule, its numbers "
         "to the last digit, and the learners robotics and machine learning use.</p>"
         "<p>Help &gt; Glossary explains the words on the screen; Help &gt; Keyboard shortcuts lists the keys. "
         "<code>armsim solve</code> prints the post's numbers without a window.</p>"
         "<p>Built with PySide6, pyqtgraph and numpy.</p>")


def anchor(name: str) -> str:
    return "term-" + "-".join(name.lower().split())


def glossary_html(query: str = "") -> str:
    """The glossary as HTML, terms whose name or definition contain ``query`` (case-insensitive)."""
    q = query.strip().lower()
    parts = []
    for field in FIELDS:
        terms = [t for t in TERMS if t.field == field and (q in t.name.lower() or q in t.definition.lower())]
        if not terms:
            continue
        parts.append(f"<h3>{html.escape(field.capitalize())}</h3><dl>")
        for t in terms:
            parts.append(f'<dt><a name="{anchor(t.name)}"></a><b>{html.escape(t.name)}</b></dt>'
                         f"<dd>{html.escape(t.definition)}</dd>")
        parts.append("</dl>")
    return "".join(parts) or f"<p>No term matches <i>{html.escape(query)}</i>.</p>"


class HelpWindow(QDialog):
    """Help > Glossary: a search line over the terms and their definitions."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("armsim help: glossary")
        self.resize(720, 640)
        self.search = QLineEdit()
        self.search.setPlaceholderText("search the glossary (eta, Jacobian, softmax, ...)")
        self.search.setClearButtonEnabled(True)
        self.page = QTextBrowser()
        self.page.setOpenLinks(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.page)
        self.search.textChanged.connect(self._filter)
        self._filter("")

    def _filter(self, text: str) -> None:
        self.page.setHtml(glossary_html(text))

    def show_term(self, name: str) -> None:
        """Open at ``name``'s entry (the whole glossary shown)."""
        if name.lower() not in GLOSSARY:
            raise KeyError(name)
        self.search.clear()
        self.show()
        self.raise_()
        self.page.scrollToAnchor(anchor(GLOSSARY[name.lower()].name))


def show_about(parent: QWidget) -> None:
    QMessageBox.about(parent, "About armsim", ABOUT)
