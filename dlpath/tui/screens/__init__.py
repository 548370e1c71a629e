"""Screens of the tutor, one module each."""
