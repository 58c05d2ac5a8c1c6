"""Everything that imports PySide6 or pyqtgraph lives here, and nothing else does."""
