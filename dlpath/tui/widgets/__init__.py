"""Widgets of the tutor: the live loss plot, the check panel, the verdict, hints, charts."""
