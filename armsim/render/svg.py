"""A figure as one SVG document, assembled from pyqtgraph's SVG exports of its two plots.

This module owns the SVG format of :func:`armsim.render.figure.export_figure`:
pyqtgraph's ``SVGExporter`` on each of the two plot items of a
:class:`~armsim.render.figure.RunFigure`, combined into one document of the
figure's size. Each plot's drawing is a group translated to where the plot sits
in the figure (its ids prefixed ``arm_`` / ``error_`` so the two clip paths
cannot collide), plus the title as ``<text>``.
"""
from __future__ import annotations

import re
from xml.sax.saxutils import escape

from PySide6.QtWidgets import QWidget


def figure_svg(figure: QWidget) -> str:
    """``figure`` as one SVG document: both plots (pyqtgraph's SVGExporter) and the title."""
    from pyqtgraph.exporters import SVGExporter
    figure.render_image()       # lays out and ranges the views exactly as a PNG would
    w, h, t = figure.width(), figure.height(), figure.theme
    title = figure.title.geometry()
    font_px = figure.title.font().pixelSize()
    out = [f'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
           f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
           f'version="1.2" baseProfile="tiny" width="{w}" height="{h}" viewBox="0 0 {w} {h}">\n'
           f'<title>armsim: {escape(figure.title.text())}</title>\n'
           f'<rect width="100%" height="100%" fill="{t.background}"/>\n'
           f'<text x="{title.center().x()}" y="{title.y() + title.height() / 2 + 0.35 * font_px:.1f}" '
           f'text-anchor="middle" font-family="sans-serif" font-size="{font_px}" '
           f'fill="{t.foreground}">{escape(figure.title.text())}</text>\n']
    for prefix, view in (("arm", figure.arm), ("error", figure.errors)):
        item = view.getPlotItem()
        svg = SVGExporter(item).export(toBytes=True).decode("utf-8")
        rect = item.sceneBoundingRect()
        corner = view.mapTo(figure, view.mapFromScene(rect.topLeft()))
        out.append(f'<g id="{prefix}" transform="translate({corner.x()},{corner.y()})">\n'
                   f'{_svg_body(svg, prefix, rect.width(), rect.height())}</g>\n')
    out.append("</svg>\n")
    return "".join(out)


def _svg_body(svg: str, prefix: str, width: float, height: float) -> str:
    """The drawing inside one of pyqtgraph's SVG documents, ready to sit in a ``<g>`` of another.

    A group rather than a nested ``<svg>``: SVG Tiny 1.2 (which the exporter declares,
    and which Qt's own SVG renderer follows) has no nested ``<svg>`` elements.
    """
    body = svg[svg.index(">", svg.index("<svg")) + 1:svg.rindex("</svg>")]
    body = re.sub(r"<(title|desc|style)>.*?</\1>", "", body, flags=re.S)
    # The background rect says 100 %, which inside a group would mean the whole figure.
    body = body.replace('<rect width="100%" height="100%"', f'<rect width="{width:g}" height="{height:g}"', 1)
    # Two exports number their ids alike (ViewBox_1_clip): keep each plot's clip path its own.
    body = re.sub(r'\bid="', f'id="{prefix}_', body)
    return body.replace("url(#", f"url(#{prefix}_")
