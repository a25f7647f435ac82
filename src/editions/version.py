"""The version of editions (read by the build backend, and by the code that stamps it into outputs)."""

__version__ = "0.1.0"
