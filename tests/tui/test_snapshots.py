"""Snapshots of every screen at 80x24 and 120x40, with the clock stopped at the demo's anchor.

The stub linter keeps the pictures stable while the real rule families
grow; operators, hosts and the queue directory name are fixed too.
Update after a deliberate change with `--snapshot-update` and review
snapshot_report.html.
"""
from __future__ import annotations

import pytest

from .conftest import settle
from .fakes import fixed_terms

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


async def _ready(pilot):
    await settle(pilot)


def _open(case_id: str, rows_down: int | None = None):
    """Open a case as an operator does: j down to its row, enter. `rows_down` pins where the
    case is expected in the deadline order, so a change of the order shows as a failure."""

    async def run(pilot):
        await settle(pilot)
        table = pilot.app.screen.query_one("QueueTable")
        target = next(i for i, c in enumerate(table.rows) if c.id == case_id)
        if rows_down is not None:
            assert target == rows_down, f"{case_id} is row {target} now"
        await pilot.press(*["j"] * target, "enter")
        await settle(pilot)

    return run


@pytest.mark.parametrize("size", SIZES)
def test_queue_screen(snap_compare, make_app, size):
    assert snap_compare(make_app(), terminal_size=size, run_before=_ready)


@pytest.mark.parametrize("size", SIZES)
def test_case_screen_with_findings_marked(snap_compare, make_app, size):
    # CP-240518-0003: '!' (TONE004) and 'delivery delay' (TERM001) underlined in the editor
    assert snap_compare(make_app(), terminal_size=size, run_before=_open("CP-240518-0003", 8))


@pytest.mark.parametrize("size", SIZES)
def test_glossary_screen(snap_compare, make_app, size):
    async def run(pilot):
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        for ch in "deliv":
            await pilot.press(ch)
        await settle(pilot)

    assert snap_compare(make_app(term_source=fixed_terms), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_help_screen(snap_compare, make_app, size):
    async def run(pilot):
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=run)


def test_queue_screen_filtered_and_faceted(snap_compare, make_app):
    async def run(pilot):
        await settle(pilot)
        await pilot.press("p", "p")  # coupang
        await pilot.press("slash")
        for ch in "return":
            await pilot.press(ch)
        await settle(pilot)
        pilot.app.clear_notifications()  # the facet toasts last 1.5 s: on a loaded machine one may be gone already
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run)


def test_queue_screen_no_color(snap_compare, make_app, monkeypatch):
    """NO_COLOR: overdue rows stay marked (reverse), the cursor row too."""
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_ready)


def test_case_screen_read_only_when_locked_by_another_desk(snap_compare, make_app, queue_dir, clock):
    from replydesk.tui.queue.locks import Locks, Operator

    # Another host: never provably stale, and the pid in the banner is fixed.
    remote_bob = Operator(who="bob", host="night-shift", pid=4242, token="token-bob")
    Locks(queue_dir / ".locks", remote_bob, clock).acquire("CP-240518-0003")
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_open("CP-240518-0003", 8))


def test_mark_ready_confirmation_dialog(snap_compare, make_app):
    async def run(pilot):
        await _open("CP-240518-0003", 8)(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_stats_screen(snap_compare, make_app, size):
    """The demo queue's figures at its anchor: six answered cases over the last weeks, one late,
    three closed with an outcome; the chart shows the weeks, due against answered on time."""

    async def run(pilot):
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=run)


def test_receipt_question_when_marking_sent(snap_compare, make_app):
    async def run(pilot):
        await _open("CP-240517-0005")(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=run)
