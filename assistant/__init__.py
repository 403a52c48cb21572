"""One conversation turn and the process around it: settings, app factory, CLI, engine, storage."""

__version__ = "0.1.0"
