"""The bar at the top of every screen: where the learner is.

Textual's ``Header`` updates itself from an async watcher that fails when a screen closes just
after its title changed (a learner typing ahead); this bar is updated synchronously instead.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class TitleBar(Static):
    """Shows a screen's title and sub-title; its screen calls ``show`` when they change."""

    def show(self, title: str, sub_title: str) -> None:
        self.update(
            Content.assemble(
                ("dlpath", "bold $accent"),
                ("  ·  ", "$text-muted"),
                (title, "bold"),
                *((("  —  ", "$text-muted"), (sub_title, "$text-muted")) if sub_title else ()),
            )
        )
