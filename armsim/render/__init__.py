"""A Result drawn at a pixel size: the arm and error plots, figures and videos (Qt + pyqtgraph; never the window)."""
