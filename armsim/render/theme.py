"""Colours, pens and sizes shared by the plots, in one place so themes and presentation mode can swap them."""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import pyqtgraph as pg
from PySide6.QtCore import Qt


@dataclass(frozen=True)
class Theme:
    """Everything visual the plots draw with. Widths are in pixels (cosmetic pens)."""

    background: str = "#ffffff"
    foreground: str = "#202020"
    start: str = "#d62728"             # red: the start pose (the post's convention)
    final: str = "#2ca02c"             # green: the current / final pose
    target: str = "#1f3fbf"
    base: str = "#202020"
    error: str = "#1f3fbf"
    line_width: float = 3.0
    joint_size: float = 11.0
    font_px: int = 18
    start_style: Qt.PenStyle = Qt.DashLine   # differs from the final pose by style as well as colour

    def pen(self, colour: str, width: float | None = None, style=Qt.SolidLine, alpha: int = 255):
        c = pg.mkColor(colour)
        c.setAlpha(alpha)
        return pg.mkPen(c, width=self.line_width if width is None else width, style=style)

    def brush(self, colour: str, alpha: int = 255):
        c = pg.mkColor(colour)
        c.setAlpha(alpha)
        return pg.mkBrush(c)


def no_si_prefix(axis) -> None:
    """Plain numbers on an axis, never an SI-scaled one.

    pyqtgraph 0.14's ``enableAutoSIPrefix(False)`` still rescales the tick values for ranges below 1
    (``updateAutoSIPrefix`` ignores the flag) while dropping the "(x0.001)" label: an error of 0.037
    would read as 37. Allowing the prefix in no range at all keeps the scale at 1.
    """
    axis.setSIPrefixEnableRanges(((math.inf, math.inf),))
    axis.enableAutoSIPrefix(False)


def style_axes(plot_item, theme: Theme, font) -> None:
    """Bottom and left axes in the theme's colour and text size, with plain numbers."""
    font.setPixelSize(theme.font_px)
    for name in ("bottom", "left"):
        axis = plot_item.getAxis(name)
        axis.setTickFont(font)
        axis.setPen(theme.foreground)
        axis.setTextPen(theme.foreground)
        axis.label.setFont(font)
        no_si_prefix(axis)


LIGHT = Theme()
# Okabe-Ito vermillion and bluish green-free pair: orange start, blue final, safe for red-green colour blindness.
COLOUR_SAFE = replace(LIGHT, start="#d55e00", final="#0072b2", target="#222222", error="#0072b2")
PRESENTATION_SCALE = dict(line_width=6.0, joint_size=20.0, font_px=28)


def theme_for(colour_safe: bool, presentation: bool) -> Theme:
    """The theme for a palette choice and presentation mode (thick lines, large text)."""
    theme = COLOUR_SAFE if colour_safe else LIGHT
    return replace(theme, **PRESENTATION_SCALE) if presentation else theme
