"""Palette commands that belong to one screen: the queue's facets, sorts and cases; a case's statuses.

Each list is built from the definitions the screens already act on
(`view.FACETS`, `view.SORTS`, `cases.STATUSES`, the queue's own facet
values), so a new sort or status reaches the palette without being
written here. Screens name their provider in `COMMANDS`; Textual asks it
only while that screen is the one under the palette.
"""
from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Iterator

from textual.app import SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider

from replydesk.linting.casefile import ANSWERED
from replydesk.tui.plain import as_markup
from replydesk.tui.queue.cases import STATUSES
from replydesk.tui.queue.view import FACETS, SORTS

if TYPE_CHECKING:
    from replydesk.tui.screens.case import CaseScreen
    from replydesk.tui.screens.queue import QueueScreen

# Above this many cases, "Open <id>" commands would slow the palette down more than they help.
MAX_OPEN_COMMANDS = 2000


def queue_commands(screen: QueueScreen) -> Iterator[SystemCommand]:
    view = screen.desk.view
    for facet in FACETS:
        for value in [None, *view.facet_values(facet)]:
            # The palette parses names as markup too; a kind comes from a (user's) pack file.
            yield SystemCommand(
                f"Show {facet}: {as_markup(value or 'all')}",
                f"filter the queue by {facet}",
                partial(screen.show_facet, facet, value),
                discover=False,
            )
    for sort in SORTS:
        yield SystemCommand(f"Sort by {sort}", "order the queue", partial(screen.sort_by, sort), discover=False)
    if view.total <= MAX_OPEN_COMMANDS:
        for case in view.rows:
            # The palette parses help text as markup: the buyer's subject is escaped.
            yield SystemCommand(
                f"Open {case.id}", as_markup(case.subject), partial(screen.desk.open_case, case.id), discover=False
            )


def case_commands(screen: CaseScreen) -> Iterator[SystemCommand]:
    if screen.read_only:
        return
    for status in STATUSES:
        if status == "sent":  # the sent text, its receipt and attachments are recorded: the guarded path
            yield SystemCommand("Set status: sent", "mark sent (ctrl+t): asks for the receipt", screen.action_mark_sent)
        elif status in ANSWERED:  # the platform's answer, with its outcome when closed
            yield SystemCommand(f"Set status: {status}", "record the platform's answer (v)", screen.action_record_result)
        else:
            yield SystemCommand(
                f"Set status: {status}", "write the status into the case file", partial(screen.set_status, status)
            )


class _ScreenCommands(Provider):
    """Offers `commands()` to the palette as Textual's system commands are offered (same matching)."""

    def commands(self) -> Iterator[SystemCommand]:
        raise NotImplementedError

    async def discover(self) -> Hits:
        for command in sorted(self.commands(), key=lambda command: command.title):
            if command.discover:
                yield DiscoveryHit(command.title, command.callback, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self.commands():
            if (score := matcher.match(command.title)) > 0:
                yield Hit(score, matcher.highlight(command.title), command.callback, help=command.help)


class QueueCommands(_ScreenCommands):
    def commands(self) -> Iterator[SystemCommand]:
        return queue_commands(self.screen)


class CaseCommands(_ScreenCommands):
    def commands(self) -> Iterator[SystemCommand]:
        return case_commands(self.screen)
