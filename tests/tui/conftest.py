"""Desk fixtures: a copy of the demo queue, a stopped clock, fixed operators, app factories.

freezegun hangs Textual, so time is stopped by injecting `FixedClock`.
Operators get fixed names, hosts and tokens so that lock columns and
banners are the same on every machine.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from replydesk.tui.clock import FixedClock
from replydesk.tui.queue.location import demo_anchor, install_demo
from replydesk.tui.queue.locks import Operator

from .fakes import stub_linter_factory


@pytest.fixture(autouse=True)
def _plain_terminal(monkeypatch, tmp_path_factory):
    """Snapshots and flows depend neither on the developer's terminal nor on their caches."""
    monkeypatch.setenv("REPLYDESK_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    for name in ("NO_COLOR", "TEXTUAL_THEME", "TEXTUAL_COLOR_SYSTEM", "REPLYDESK_QUEUE", "REPLYDESK_OPERATOR"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def queue_dir(tmp_path) -> Path:
    """The bundled demo queue, unshifted (its times are written for DEMO ANCHOR)."""
    target = tmp_path / "queue"
    install_demo(target, shift=False)
    return target


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(demo_anchor())


@pytest.fixture
def alice() -> Operator:
    return Operator(who="alice", host="desk-host", pid=os.getpid(), token="token-alice")


@pytest.fixture
def bob() -> Operator:
    return Operator(who="bob", host="desk-host", pid=os.getpid(), token="token-bob")


@pytest.fixture(scope="session")
def real_linter():
    from replydesk.linting.loading import build_linter

    return build_linter()


@pytest.fixture
def make_app(queue_dir, clock, alice):
    """make_app(linter=..., operator=..., **kwargs) -> ReplydeskApp on the demo queue copy."""
    from replydesk.tui.app import ReplydeskApp
    from replydesk.tui.queue.store import QueueStore

    def build(*, linter="stub", operator=None, queue=None, **kwargs) -> ReplydeskApp:
        if linter == "stub":
            factory = stub_linter_factory
        elif linter is None:
            factory = None
        else:
            factory = lambda store: linter  # noqa: E731
        kwargs.setdefault("cursor_blink", False)
        kwargs.setdefault("lint_delay", 0.01)
        return ReplydeskApp(
            QueueStore(queue or queue_dir),
            clock=clock,
            operator=operator or alice,
            linter_factory=factory,
            **kwargs,
        )

    return build


async def wait_for(pilot, predicate, timeout: float = 10.0) -> None:
    """Pause until `predicate()` holds (a dialog mounted, a save landed); fail after `timeout`.

    Fixed pauses are flaky on a loaded 2-core machine; polling is not.
    """
    import time

    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {predicate}")
        await pilot.pause(0.05)


async def settle(pilot, rounds: int = 3) -> None:
    """Let workers finish and the screen catch up (linter load, lint debounce, counts)."""
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.05)


async def open_case(pilot, case_id: str, *, edit: bool = True):
    """Move the cursor to a case with j/k and open it with enter, as an operator would.

    A case opens with the focus outside the editor (the notice is read
    first); `edit` then presses `e`, as an operator does to start typing.
    """
    from replydesk.tui.screens.case import CaseScreen

    table = pilot.app.screen.query_one("QueueTable")
    target = next(i for i, c in enumerate(table.rows) if c.id == case_id)
    while table.cursor < target:
        await pilot.press("j")
    while table.cursor > target:
        await pilot.press("k")
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    if isinstance(screen, CaseScreen) and screen.case.id == case_id and edit and not screen.read_only:
        await pilot.press("e")
    return pilot.app.screen


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press("enter" if ch == "\n" else "space" if ch == " " else ch)
