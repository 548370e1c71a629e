"""Driving the tutor in tests: run a scenario with a Pilot, wait for a state, read a widget."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

SIZE = (100, 32)

Scenario = Callable[[Any], Awaitable[None]]


def drive(app, scenario: Scenario, size: tuple[int, int] = SIZE) -> None:
    """Run ``scenario(pilot)`` against the app, headless, at a fixed terminal size."""

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await scenario(pilot)

    asyncio.run(main())


async def wait_until(pilot, condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Let the app run until ``condition()`` holds (a worker finished, a screen opened)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await pilot.pause(0.02)


def text_of(widget) -> str:
    """The plain text a Static-like widget shows."""
    visual = widget.render()
    return getattr(visual, "plain", str(visual))


async def wait_for_screen(pilot, kind: type, timeout: float = 5.0):
    """Wait until a screen of ``kind`` is on top and mounted; returns it."""
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, kind) and app.screen.is_mounted, timeout)
    await pilot.pause()
    return app.screen
