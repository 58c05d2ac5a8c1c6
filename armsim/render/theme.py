"""The look every plot shares: colours, pens and sizes (:class:`Theme`), the run palette, the log floor, axis styling.

One place, so themes and presentation mode swap everything at once and no plot
keeps a copy of its own: the window's arm canvas and error curve, the Compare
overlay, the Landscape map, exported figures and videos all style their axes
with :func:`style_axes` and take their colours from here.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import pyqtgraph as pg
from PySide6.QtCore import Qt

#: Log axes cannot show 0: errors below this are drawn at it (an exact 0 happens when the arm hits the target).
#: The smallest nonzero error a unit-sized arm reaches is about 1e-33 (half a squared rounding step of a
#: position near 1), so no real error is moved, and an exact 0 reads as a drop a few decades lower instead
#: of stretching the axis over 300 decades.
LOG_FLOOR = 1e-40

#: Run colours of the Compare overlay: Okabe-Ito, less yellow (invisible on white) and vermillion (kept
#: for the red start pose). Six colours against four line styles repeat only after lcm(6, 4) = 12 runs.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#000000")
STYLES = (Qt.SolidLine, Qt.DashLine, Qt.DotLine, Qt.DashDotLine)
DETAIL_SHARE = 0.6         # of the arm's width: the lines drawn thinner than it (Theme.detail_width)
GHOST_ALPHA = 140           # final poses of compared runs are ghosts: overlapping ones stay visible through each other

#: Lines drawn over the Landscape's heat map: white with a dark shadow shows on every colour of the map,
#: from dark purple to yellow, whatever the theme.
MAP_LINE = "#ffffff"
MAP_SHADOW = "#000000"


def run_style(k: int) -> tuple[str, Qt.PenStyle]:
    """Colour and line style of the ``k``-th run added since the last clear (distinct for any 12 in a row)."""
    return PALETTE[k % len(PALETTE)], STYLES[k % len(STYLES)]


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

    @property
    def detail_width(self) -> float:
        """Width of the lines drawn thinner than the arm: the trail, the joints' ranges, the epoch cursor."""
        return max(1.5, DETAIL_SHARE * self.line_width)

    def pen(self, colour: str, width: float | None = None, style=Qt.SolidLine, alpha: int = 255):
        c = pg.mkColor(colour)
        c.setAlpha(alpha)
        return pg.mkPen(c, width=self.line_width if width is None else width, style=style)

    def brush(self, colour: str, alpha: int = 255):
        c = pg.mkColor(colour)
        c.setAlpha(alpha)
        return pg.mkBrush(c)


def no_si_prefix(axis) -> None:
    """Plain numbers on an axis, never SI-scaled ones, whatever its range now or later.

    pyqtgraph 0.14's ``enableAutoSIPrefix(False)`` computes the scale for the range
    the axis has at that moment and then freezes it, while dropping the "(x0.001)"
    from the label: called on a small range, an error of 0.037 reads as 37 for
    good (reproduced with pyqtgraph 0.14.0). Switching the feature off by its attribute stops the
    rescaling on every later range change (``AxisItem.setRange``), and a scale
    of 1 undoes whatever was frozen before.
    """
    axis.autoSIPrefix = False
    axis.autoSIPrefixScale = 1.0
    axis.labelUnitPrefix = ""
    axis.picture = None             # the tick labels are drawn again, unscaled
    axis.update()


def style_axis(axis, theme: Theme, font) -> None:
    """One axis in the theme's colour and text size (``font``, already at ``theme.font_px``), with plain numbers."""
    no_si_prefix(axis)
    axis.setTickFont(font)
    axis.setPen(theme.foreground)
    axis.setTextPen(theme.foreground)
    axis.label.setFont(font)


def style_axes(plot_item, theme: Theme, font, names=("bottom", "left")) -> None:
    """The axes ``names`` of ``plot_item`` in the theme's colour and text size, with plain numbers.

    Every plot calls this from its ``apply_theme``; ``font`` is a copy of the
    widget's font, set here to the theme's pixel size.
    """
    font.setPixelSize(theme.font_px)
    for name in names:
        style_axis(plot_item.getAxis(name), theme, font)


LIGHT = Theme()
# Okabe-Ito vermillion and bluish green-free pair: orange start, blue final, safe for red-green colour blindness.
COLOUR_SAFE = replace(LIGHT, start="#d55e00", final="#0072b2", target="#222222", error="#0072b2")
#: Presentation mode, read from the back of a room at 1920x1080: no text under 28 px and no line under 6 px,
#: so the arm is 10 px wide and its thinner lines (DETAIL_SHARE of it: trail, ranges, cursor) are 6.
PRESENTATION_SCALE = dict(line_width=10.0, joint_size=26.0, font_px=28)


def theme_for(colour_safe: bool, presentation: bool) -> Theme:
    """The theme for a palette choice and presentation mode (thick lines, large text)."""
    theme = COLOUR_SAFE if colour_safe else LIGHT
    return replace(theme, **PRESENTATION_SCALE) if presentation else theme
