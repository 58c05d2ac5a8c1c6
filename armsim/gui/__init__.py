"""The window: its app state, actions, panels, plots and worker threads."""
