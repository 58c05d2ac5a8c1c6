"""Help: the glossary (its page, its search, the tooltips that quote it) and the About box."""
import re

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget

from armsim import Params, __version__
from armsim.core.glossary import GLOSSARY, TERMS, define, tip
from armsim.gui import help_window
from tests.helpers import press_in_menu

#: The words the issue names, and the ones the window's readouts show.
REQUIRED = ("epoch", "eta", "S", "eta_crit", "residual", "Jacobian", "gradient", "chain rule", "diverged",
            "converged", "lambda_max", "momentum", "damped least squares", "softmax", "sigmoid", "loss")


@pytest.mark.parametrize("word", REQUIRED)
def test_the_glossary_defines_every_word_on_the_screen(word):
    assert len(define(word)) > 20


def test_terms_are_unique_and_their_tips_quote_them():
    assert len(GLOSSARY) == len(TERMS)
    assert tip("eta", "learning rate").startswith("learning rate\n\neta: " + define("eta"))
    with pytest.raises(KeyError):
        tip("no such word")


def test_every_control_tooltip_that_names_a_term_quotes_its_definition(make_window):
    window = make_window(Params())
    quoted = 0
    for widget in window.findChildren(QWidget):
        text = widget.toolTip()
        m = re.search(r"\n\n([^:\n]+): (.*)\n\(Help > Glossary\)$", text)
        if m:
            quoted += 1
            assert define(m.group(1)) == m.group(2), widget
    assert quoted >= 6


def test_the_help_page_searches_and_opens_at_a_term(qtbot, make_window):
    window = make_window(Params())
    press_in_menu(qtbot, window, "Help", "Glossary")
    page = window._help
    qtbot.waitUntil(page.isVisible, timeout=3000)
    text = page.page.toPlainText()
    assert all(t.name in text for t in TERMS)
    qtbot.keyClicks(page.search, "jacobian")
    shown = page.page.toPlainText()
    assert "Jacobian" in shown and "sigmoid" not in shown
    page.search.clear()
    qtbot.keyClicks(page.search, "zzzz")
    assert "No term matches" in page.page.toPlainText()
    window.show_glossary("softmax")
    assert page.search.text() == "" and "softmax" in page.page.toPlainText()


def test_about_shows_the_version(qtbot, make_window, monkeypatch):
    window = make_window(Params())
    said = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: said.append((title, text)))
    press_in_menu(qtbot, window, "Help", "About armsim")
    assert said and said[0][0] == "About armsim" and f"armsim {__version__}" in said[0][1]
    assert help_window.ABOUT in said[0][1]
