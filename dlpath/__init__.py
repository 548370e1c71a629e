"""dlpath: a terminal tutor for deep learning."""

__version__ = "0.1.0"
