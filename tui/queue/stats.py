"""`replydesk stats`: how the team answers, overall and per platform, kind, operator or week.

Figures (one `Figures` per group, the same in text and JSON):

- cases: the cases counted (after `--since`, which filters by `received_at`);
- answered: the reply has gone: the status is `sent`, `under-review` or
  `closed` (`casefile.ANSWERED`), or a send is still in the history (a case
  sent and then followed up is `drafting` again, but it was answered);
- due: answered, or not answered and its deadline has passed (`now`);
- overdue: not answered and the deadline has passed;
- on time: answered with the first send at or before the deadline; a case
  without a deadline that is answered is on time, and so is an answered case
  whose deadline is still ahead (whenever it went, it went before it);
- late: the first send after the deadline;
- untimed: answered, deadline passed, but the history says nothing of when
  it went (a case imported as `sent`): neither on time nor late;
- response rate = on time / due; on-time rate = on time / answered;
- median answer: the median of (first send − received_at) over the cases
  whose first send is known;
- under review: status `under-review`; outcomes: closed cases by `outcome`
  (`(none)` for a closed case without one).

The first send is the earliest seller message with `sent_by` still in the
history (an undone send's message is removed), else the earliest status
record to `sent` that no undo undid. The operator of a case is who sent it
first (`sent_by`, else that record's `who`), else its assignee, else
`(nobody)`. A week is the ISO week of `received_at` in KST (`2026-W48`).

The core is pure: `rows(...)` turns `Case` objects (the desk's), case
mappings or `CaseRow`s into `CaseRow`s; `compute(items, now, by=...)` gives
`Stats`; `weekly(items, now, weeks=8)` the per-week series a desk screen
draws. Only `load_rows` and `main` read files.

Speed: a 10,000-case queue must give its figures in a second, first run
included, and validating every case file the desk's way (`QueueStore.load`)
alone takes longer. So `load_rows` keeps a per-user cache beside the desk's
case index (`queue-stats-*.json` in `~/.cache/replydesk` or
`$REPLYDESK_CACHE_DIR`): one small `CaseRow` per valid case file, keyed by
file name, mtime and size, and discarded whole when the packs (platforms,
kinds, reply windows, calendars), the holidays library or the statuses
change. A file not in it is read directly where it is plainly valid (a
reader that accepts only what the desk's validation accepts, giving the
same values: see "a first run" below) and through the desk's `load_case`
where it is not, so a broken file is reported in the desk's words; its
deadline is the pack window's. The command's first run reads the files in
two processes, the helper starting before the store is even opened. The
desk's index is not used: loading its 7 MB and checking each mapping costs
as much as reading the 10,000 files, and a first run has none either. The
cache can be deleted at any time.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from stat import S_ISREG
from typing import Callable, Iterable, Mapping, NamedTuple

from replydesk.linting.casefile import (
    ANSWERED,
    ID_PATTERN,
    OUTCOMES,
    QUEUE_FILE_LIMIT,
    STATUSES,
    Case,
    CaseFileError,
    QueueFields,
    case_from_mapping,
    load_case,
)
from replydesk.linting.context import KST, ContextError, parse_datetime, time_or_none
from replydesk.linting.display import visible_controls
from replydesk.linting.packs import PRIORITIES

EXIT_OK, EXIT_ERROR = 0, 2
GROUPINGS = ("platform", "kind", "operator", "week")
NOBODY = "(nobody)"
NO_OUTCOME = "(none)"
CACHE_FORMAT = 1
CACHE_KIND = "stats"  # index.user_queue_file(root, "stats")
_EPOCH = datetime(2000, 1, 1, tzinfo=KST)


# --- one case, as the figures need it ----------------------------------------------------------


class CaseRow(NamedTuple):
    """What the figures need of one case; `first_sent` None when the history does not say.

    A named tuple, not a dataclass: a queue makes 10,000 of them per run,
    and a frozen dataclass takes four times as long to build.
    """

    id: str
    platform: str
    kind: str
    received_at: datetime
    deadline: datetime | None
    status: str
    outcome: str | None = None
    assignee: str | None = None
    first_sent: datetime | None = None
    sent_by: str | None = None
    sent_recorded: bool = False  # a send is still in the history (even without a time)

    @property
    def answered(self) -> bool:
        return self.status in ANSWERED or self.sent_recorded

    @property
    def operator(self) -> str:
        return self.sent_by or self.assignee or NOBODY

    @property
    def week(self) -> str:
        return iso_week(self.received_at)

    def to_list(self) -> list:
        """The cache's compact form (`from_list` reads it back)."""
        return [
            self.id, self.platform, self.kind, _iso(self.received_at), _iso(self.deadline), self.status,
            self.outcome, self.assignee, _iso(self.first_sent), self.sent_by, self.sent_recorded,
        ]

    @classmethod
    def from_list(cls, value) -> "CaseRow | None":
        """None for anything that is not exactly what `to_list` wrote (a cache is never trusted)."""
        if type(value) is not list or len(value) != 11:
            return None
        ident, platform, kind, received, deadline, status, outcome, assignee, first, sent_by, recorded = value
        if (
            type(ident) is not str or type(platform) is not str or type(kind) is not str
            or type(received) is not str or type(status) is not str or type(recorded) is not bool
            or not (outcome is None or type(outcome) is str) or not (assignee is None or type(assignee) is str)
            or not (sent_by is None or type(sent_by) is str)
        ):
            return None
        try:
            received = _from_iso(received)
            deadline = None if deadline is None else _from_iso(deadline)
            first = None if first is None else _from_iso(first)
        except (TypeError, ValueError):
            return None
        return cls(ident, platform, kind, received, deadline, status, outcome, assignee, first, sent_by, recorded)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _from_iso(text: str) -> datetime:
    moment = datetime.fromisoformat(text)  # TypeError for a non-string
    if moment.tzinfo is None:
        raise ValueError("no offset")
    return moment


def iso_week(moment: datetime) -> str:
    """`2026-W48`: the ISO week of a moment, in KST."""
    year, week, _day = moment.astimezone(KST).isocalendar()
    return f"{year}-W{week:02d}"


def _when(entry: Mapping) -> datetime | None:
    return time_or_none(entry.get("when"))


def first_send(history) -> tuple[datetime | None, str | None, bool]:
    """(when, by whom, whether any send is recorded) of a case's first send, from its history.

    The earliest message with `sent_by` still in the history; else the
    earliest status record to `sent` that no undo undid. Only the times of
    the entries that decide are read (the status records' only when no
    message says it): a queue has thousands of histories.
    """
    _entry, when, who, recorded = _first_send(history)
    return when, who, recorded


def _first_send(history) -> tuple[dict | None, datetime | None, str | None, bool]:
    """`first_send`, with the history entry whose `when` it is (None when no time is known)."""
    if not isinstance(history, list):
        return None, None, None, False
    messages: list[dict] = []
    records: list[dict] = []
    undone: set = set()
    for entry in history:
        if not isinstance(entry, dict):
            continue
        event = entry.get("event")
        if event is None:
            if entry.get("sent_by"):
                messages.append(entry)
        elif event == "status":
            if entry.get("to") == "sent":
                records.append(entry)
        elif event == "undo":
            target = entry.get("undoes")
            if isinstance(target, (str, int)):
                undone.add(target)
    if messages:
        return _earliest([(entry, _when(entry), _name(entry.get("sent_by"))) for entry in messages])
    live = [
        (entry, _when(entry), _name(entry.get("who")))
        for entry in records
        if not (isinstance(ident := entry.get("id"), (str, int)) and ident in undone)
    ]
    if live:
        return _earliest(live)
    return None, None, None, False


def _earliest(items: list[tuple[dict, datetime | None, str | None]]) -> tuple[dict | None, datetime | None, str | None, bool]:
    timed = [item for item in items if item[1] is not None]
    if not timed:
        return None, None, items[0][2], True
    entry, when, who = min(timed, key=lambda item: item[1])
    return entry, when, who, True


def _name(value) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def row_of(case: Case) -> CaseRow:
    """The figures' view of one validated case."""
    sent_at, sent_by, recorded = first_send(case.raw.get("history"))
    return CaseRow(
        id=case.id,
        platform=case.platform,
        kind=case.kind,
        received_at=case.received_at,
        deadline=case.deadline,
        status=case.status,
        outcome=getattr(case, "outcome", None) or None,
        assignee=case.assignee,
        first_sent=sent_at,
        sent_by=sent_by,
        sent_recorded=recorded,
    )


def rows(items: Iterable, *, packs: Mapping | None = None) -> list[CaseRow]:
    """`CaseRow`s of `Case` objects, case mappings (validated like the desk's, CaseFileError if not) or rows."""
    out = []
    for item in items:
        if isinstance(item, CaseRow):
            out.append(item)
        elif isinstance(item, Case):
            out.append(row_of(item))
        elif isinstance(item, Mapping):
            if packs is None:
                from replydesk.linting.loading import load_packs

                packs = load_packs()
            out.append(row_of(case_from_mapping(item, packs, thorough=False)))
        else:
            raise TypeError(f"not a case: {type(item).__name__}")
    return out


# --- figures -----------------------------------------------------------------------------------


@dataclass
class Figures:
    """The figures of one group of cases (see the module's docstring for each one's meaning)."""

    cases: int = 0
    due: int = 0
    answered: int = 0
    on_time: int = 0
    late: int = 0
    untimed: int = 0
    overdue: int = 0
    under_review: int = 0
    closed: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    median_answer_seconds: float | None = None
    _answer_seconds: list[float] = field(default_factory=list, repr=False)

    @property
    def response_rate(self) -> float | None:
        """On time / due (None when nothing is due)."""
        return self.on_time / self.due if self.due else None

    @property
    def on_time_rate(self) -> float | None:
        """On time / answered (None when nothing is answered)."""
        return self.on_time / self.answered if self.answered else None

    def add(self, row: CaseRow, now: datetime) -> None:
        self.cases += 1
        answered = row.answered
        overdue = not answered and row.deadline is not None and row.deadline < now
        if answered:
            self.answered += 1
            if row.deadline is None:
                self.on_time += 1
            elif row.first_sent is not None:
                if row.first_sent <= row.deadline:
                    self.on_time += 1
                else:
                    self.late += 1
            elif row.deadline >= now:
                self.on_time += 1  # answered, and the deadline has not come yet
            else:
                self.untimed += 1
            if row.first_sent is not None:
                self._answer_seconds.append((row.first_sent - row.received_at).total_seconds())
        if overdue:
            self.overdue += 1
        if answered or overdue:
            self.due += 1
        if row.status == "under-review":
            self.under_review += 1
        elif row.status == "closed":
            self.closed += 1
            key = row.outcome if row.outcome in OUTCOMES else NO_OUTCOME
            self.outcomes[key] = self.outcomes.get(key, 0) + 1

    def finish(self) -> "Figures":
        self.median_answer_seconds = _median(self._answer_seconds) if self._answer_seconds else None
        return self

    def to_dict(self) -> dict:
        out = {k: v for k, v in asdict(self).items() if not k.startswith("_")}
        out["outcomes"] = {name: self.outcomes.get(name, 0) for name in (*OUTCOMES, NO_OUTCOME)}
        out["response_rate"] = _round(self.response_rate)
        out["on_time_rate"] = _round(self.on_time_rate)
        return out


def _median(values: list[float]) -> float:
    """`statistics.median`, as it defines it (the middle value, or the mean of the two middle ones),
    without importing that module and its own imports (~8 ms of a command that has one second)."""
    ordered = sorted(values)
    n = len(ordered)
    middle = n // 2
    return ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


@dataclass
class Stats:
    """Figures overall and per group (`by`), computed at `now` over the cases received since `since`."""

    now: datetime
    by: str | None
    since: datetime | None
    overall: Figures
    groups: dict[str, Figures]

    def to_dict(self) -> dict:
        return {
            "now": self.now.astimezone(KST).isoformat(),
            "since": self.since.astimezone(KST).isoformat() if self.since else None,
            "by": self.by,
            "overall": self.overall.to_dict(),
            "groups": [{"group": key, **figures.to_dict()} for key, figures in self.groups.items()],
        }


def group_key(row: CaseRow, by: str) -> str:
    if by == "platform":
        return row.platform
    if by == "kind":
        return row.kind
    if by == "operator":
        return row.operator
    if by == "week":
        return row.week
    raise ValueError(f"unknown grouping {by!r} (known: {', '.join(GROUPINGS)})")


def _group_order(name: str):
    """Groups alphabetically (weeks, zero-padded, in time order); `(nobody)` last."""
    return (name == NOBODY, name.casefold(), name)


def compute(
    items: Iterable,
    now: datetime,
    by: str | None = None,
    *,
    since: datetime | None = None,
    packs: Mapping | None = None,
) -> Stats:
    """The figures of `items` (Cases, case mappings or CaseRows) at `now`, overall and per `by` group."""
    if by is not None and by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r} (known: {', '.join(GROUPINGS)})")
    if now.tzinfo is None:
        now = now.replace(tzinfo=KST)
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=KST)
    overall = Figures()
    groups: dict[str, Figures] = {}
    for row in rows(items, packs=packs):
        if since is not None and row.received_at < since:
            continue
        overall.add(row, now)
        if by is not None:
            name = group_key(row, by)
            figures = groups.get(name)
            if figures is None:
                figures = groups[name] = Figures()
            figures.add(row, now)
    ordered = {name: groups[name].finish() for name in sorted(groups, key=_group_order)}
    return Stats(now=now, by=by, since=since, overall=overall.finish(), groups=ordered)


@dataclass(frozen=True)
class WeekPoint:
    """One week of `weekly`: the cases received that week, as of `now`."""

    week: str  # 2026-W48
    start: date  # its Monday (KST)
    due: int
    on_time: int
    answered: int
    overdue: int

    @property
    def response_rate(self) -> float | None:
        return self.on_time / self.due if self.due else None

    def to_dict(self) -> dict:
        return {**asdict(self), "start": self.start.isoformat(), "response_rate": _round(self.response_rate)}


def weekly(items: Iterable, now: datetime, weeks: int = 8, *, packs: Mapping | None = None) -> list[WeekPoint]:
    """The last `weeks` ISO weeks up to `now`'s (oldest first), by the week each case was received:
    due vs answered on time, and the response rate, per week. Weeks without cases are zeros."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=KST)
    today = now.astimezone(KST).date()
    this_monday = today - timedelta(days=today.weekday())
    mondays = [this_monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    first = datetime.combine(mondays[0], time(0), tzinfo=KST) if mondays else now
    figures = {monday: Figures() for monday in mondays}
    for row in rows(items, packs=packs):
        if row.received_at < first:
            continue
        day = row.received_at.astimezone(KST).date()
        monday = day - timedelta(days=day.weekday())
        if monday in figures:
            figures[monday].add(row, now)
    out = []
    for monday in mondays:
        f = figures[monday]
        year, week, _ = monday.isocalendar()
        out.append(WeekPoint(f"{year}-W{week:02d}", monday, f.due, f.on_time, f.answered, f.overdue))
    return out


# --- text --------------------------------------------------------------------------------------


def duration_text(seconds: float | None) -> str:
    """`1d04h`, `3h12m`, `12m05s` (the desk's countdown form); `--` for none."""
    if seconds is None:
        return "--"
    from .deadlines import countdown

    return countdown(_EPOCH + timedelta(seconds=round(seconds)), _EPOCH)


def _percent(value: float | None) -> str:
    return "--" if value is None else f"{value * 100:.0f}%"


def _cell(text: str, width: int) -> str:
    """Untrusted text (an operator's name) for one column: controls visible, cut to fit, padded."""
    from rich.cells import cell_len, set_cell_size

    text = visible_controls(text)
    if cell_len(text) > width:
        text = set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


_COLUMNS = (  # header, value
    ("cases", lambda f: str(f.cases)),
    ("due", lambda f: str(f.due)),
    ("answd", lambda f: str(f.answered)),
    ("ontime", lambda f: str(f.on_time)),
    ("late", lambda f: str(f.late)),
    ("ovrdue", lambda f: str(f.overdue)),
    ("resp", lambda f: _percent(f.response_rate)),
    ("ontm%", lambda f: _percent(f.on_time_rate)),
    ("median", lambda f: duration_text(f.median_answer_seconds)),
    ("review", lambda f: str(f.under_review)),
)
_OUTCOME_COLUMNS = (*OUTCOMES, NO_OUTCOME)
WIDTH = 80


def _table(title: str, headers: list[str], body: list[tuple[str, list[str]]]) -> list[str]:
    """Right-aligned columns as wide as their widest cell; the first (group) column gets what is left of 80."""
    from rich.cells import cell_len

    widths = [max([len(h)] + [len(values[i]) for _name, values in body]) for i, h in enumerate(headers)]
    room = WIDTH - sum(w + 1 for w in widths)
    first = max(8, min(room, max(cell_len(visible_controls(t)) for t in [title] + [name for name, _v in body])))
    lines = [_cell(title, first) + "".join(f" {h:>{w}}" for h, w in zip(headers, widths))]
    for name, values in body:
        lines.append(_cell(name, first) + "".join(f" {v:>{w}}" for v, w in zip(values, widths)))
    return lines


def format_text(stats: Stats, *, queue: str | None = None) -> str:
    """Aligned tables (the figures; closed cases by outcome), readable at 80 columns."""
    title = f"{stats.by}" if stats.by else "queue"
    lines = [f"replydesk stats{' ' + visible_controls(queue) if queue else ''}"]
    lines.append(
        f"at {_kst(stats.now)}"
        + (f", cases received since {_kst(stats.since)}" if stats.since else "")
        + f": {stats.overall.cases} case(s)"
    )
    entries = [("(all)", stats.overall), *stats.groups.items()]
    lines.append("")
    lines += _table(title, [h for h, _v in _COLUMNS], [(name, [value(f) for _h, value in _COLUMNS]) for name, f in entries])
    closed = [(name, f) for name, f in entries if f.closed]
    if closed:
        lines.append("")
        lines += _table("closed", list(_OUTCOME_COLUMNS), [(name, [str(f.outcomes.get(o, 0)) for o in _OUTCOME_COLUMNS]) for name, f in closed])
    lines += [
        "",
        "due: answered or past its deadline   ovrdue: not answered, past its deadline",
        "resp: on time / due   ontm%: on time / answered   median: first send - received",
    ]
    if stats.overall.untimed:
        lines.append(f"{stats.overall.untimed} answered case(s) past their deadline do not say when they were sent:")
        lines.append("neither on time nor late.")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _kst(moment: datetime) -> str:
    from .deadlines import format_kst

    return format_kst(moment)


# --- reading a queue fast ----------------------------------------------------------------------


def packs_fingerprint(packs: Mapping) -> str:
    """Changes whenever a cached row could: platforms, kinds, reply windows, calendars, statuses."""
    parts: list = [CACHE_FORMAT, STATUSES, OUTCOMES, sorted(ANSWERED)]
    needs_holidays = False
    for name in sorted(packs):
        pack = packs[name]
        calendar = pack.business_calendar
        needs_holidays = needs_holidays or bool(calendar.country)
        parts.append((
            name,
            repr(pack.tz),
            calendar.country,
            sorted((d.isoformat(), str(n)) for d, n in calendar.extra.items()),
            sorted((kind, repr(rules.window), rules.priority) for kind, rules in pack.kinds.items()),
        ))
    if needs_holidays:  # its release says which holidays it knows; an upgrade rewrites its files
        parts.append(("holidays", _module_stamp("holidays")))
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:24]


def _module_stamp(name: str) -> tuple:
    """Where a module is installed and its file's mtime and size, without importing it (~1 ms, not ~40)."""
    from importlib.util import find_spec

    try:
        spec = find_spec(name)
        origin = spec.origin if spec is not None else None
        st = os.stat(origin) if origin else None
    except (ImportError, ValueError, OSError):
        return (name, None)
    return (origin, st.st_mtime_ns, st.st_size) if st is not None else (name, None)


def _read_cache(path: Path | None, root: Path, fingerprint: str) -> dict[str, list]:
    if path is None:
        return {}
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError, RecursionError):
        return {}
    if (
        not isinstance(data, dict)
        or data.get("format") != CACHE_FORMAT
        or data.get("queue") != str(root)
        or data.get("fingerprint") != fingerprint
        or not isinstance(data.get("rows"), dict)
    ):
        return {}
    return data["rows"]


def _write_cache(path: Path, root: Path, fingerprint: str, entries: dict[str, list]) -> None:
    from .atomic import atomic_write_text

    data = {"format": CACHE_FORMAT, "queue": str(root), "fingerprint": fingerprint, "rows": entries}
    try:
        # check_circular=False: a tree built here, and 30,000 containers need no id bookkeeping.
        atomic_write_text(path, json.dumps(data, ensure_ascii=False, separators=(",", ":"), check_circular=False))
    except OSError:
        pass  # a cache that cannot be written only costs speed


@dataclass
class Loaded:
    rows: list[CaseRow]
    errors: list[CaseFileError]
    from_cache: int = 0


# --- a first run: files not in the cache ------------------------------------------------------
#
# Validating a case the desk's way (`load_case(thorough=False)`) costs ~90 µs, most of it the
# general-purpose schema decoder, against ~25 µs to read and parse the file. The figures need
# eleven fields, so a file that is plainly well-formed is read here directly: `_plain_entry`
# and `_Windows.row` accept only what `case_from_mapping(thorough=False)` accepts, with the same
# values, and answer None for anything else, which then goes through `load_case` itself. So a
# broken file is reported exactly as the desk reports it (same message, same line), and an odd
# one (a required key set to null) gets whatever the desk makes of it. tests/tui/test_stats.py
# checks that the two agree, on hand-made and on hypothesis-made cases.
#
# The reading needs no pack: a forked helper can start on it before this process has even
# imported the store and loaded the packs (`main`). A file read plainly gives its cache entry
# (`CaseRow.to_list`, its deadline as the file gives it), which is what crosses from a helper
# (strings pickle ten times faster than aware datetimes); the process that has the packs checks
# platform and kind, puts in the window's deadline and reads the row back from the entry,
# exactly as the next, cached, run will.

_PLAIN_KEYS = frozenset(
    {"id", "subject", "received_at", "deadline", "priority", "status", "outcome", "assignee", "source_id",
     "platform_status", "platform_ids", "source_events", "notes", "language", "lock"}
)  # `QueueFields`' keys: each one checked in `_plain_entry` as its `key(check=..., convert=...)` does, or `accepts=Any` unchecked
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC | os.O_NOFOLLOW  # as load_case opens a queue file
_BOM = b"\xef\xbb\xbf"  # what decoding as utf-8-sig strips (that codec is Python code: 3x slower than utf-8)
FORK_WORTH_IT = 1500  # files to read before a second process pays for its fork and for sending its rows back


def plain_reader_matches_schema() -> bool:
    """False when `QueueFields` has a key `_plain_entry` does not know: every file then goes to the desk's reader."""
    from dataclasses import fields

    return {f.name for f in fields(QueueFields)} == _PLAIN_KEYS


def _plain_entry(data, stem: str) -> list | None:
    """The cache entry (`CaseRow.to_list`, its deadline as the file gives it) of a plainly valid case mapping, else None.

    Mirrors `case_from_mapping(thorough=False)` key by key, for what needs
    no pack: `id` a valid id equal to the file's stem; `subject` a
    non-empty string; the times ISO 8601 strings (`parse_datetime`: no
    offset is KST); `status`, `priority`, `outcome` among the allowed
    values (no status: `new`); `assignee` an operator's name (stripped);
    `platform` and `kind` non-empty strings, stripped and lower-cased
    (`_Windows.row` checks the packs know them). Anything else the desk
    would read its own way, or refuse: None. `source_id`, `platform_status`,
    `platform_ids`, `source_events`, `notes`, `language` and `lock` take any
    value, and the after-sending dates and
    the search text the desk also computes cannot fail.
    """
    if type(data) is not dict:
        return None
    get = data.get
    ident = get("id")
    if type(ident) is not str or ident != stem or not ID_PATTERN.fullmatch(ident):
        return None
    subject, platform, kind = get("subject"), get("platform"), get("kind")
    if type(subject) is not str or type(platform) is not str or type(kind) is not str or not subject.strip():
        return None
    platform, kind = platform.strip().lower(), kind.strip().lower()
    if not platform or not kind:
        return None
    status = get("status", "new")
    if type(status) is not str or status not in STATUSES:
        return None
    priority, outcome, assignee = get("priority"), get("outcome"), get("assignee")
    if priority is not None and (type(priority) is not str or priority not in PRIORITIES):
        return None
    if outcome is not None and (type(outcome) is not str or outcome not in OUTCOMES):
        return None
    if assignee is not None:
        if type(assignee) is not str or not (0 < len(assignee.strip()) <= 64 and assignee.isprintable()):
            return None
        assignee = assignee.strip()
    received, deadline = get("received_at"), get("deadline")
    if type(received) is not str or not (deadline is None or type(deadline) is str):
        return None
    try:
        received = _cache_text(received, parse_datetime("received_at", received))
        if deadline is not None:
            deadline = _cache_text(deadline, parse_datetime("deadline", deadline))
    except ContextError:
        return None
    sent, sent_at, sent_by, recorded = _first_send(get("history"))
    if sent_at is not None:
        sent_at = _cache_text(sent["when"], sent_at)
    return [ident, platform, kind, received, deadline, status, outcome, assignee, sent_at, sent_by, recorded]


def _cache_text(text, moment: datetime) -> str:
    """What the cache keeps of a time read from `text`: the text itself where the cache's reader
    (`datetime.fromisoformat`) reads it as this same moment, as it does the usual
    `2024-05-20T09:00:00+09:00`; else the moment in ISO form (a time written without an offset,
    which is KST, or with spaces around it). Formatting a datetime costs four times this check."""
    if type(text) is str:
        try:
            back = datetime.fromisoformat(text)
        except ValueError:
            back = None
        if back is not None and back.tzinfo is not None and back == moment:
            return text
    return moment.isoformat()


def _read_plain(dir_fd: int, name: str) -> tuple | None:
    """(mtime_ns, size, cache entry) of a case file that reads plainly, else None: `load_case` reads it.

    One open (relative to the folder: no path to resolve), one fstat, one
    read; opened as `load_case` opens it (no symlink followed, a FIFO never
    waited on). Anything but a regular file of at most `QUEUE_FILE_LIMIT`
    bytes, read whole at the size fstat gave, holding UTF-8 JSON (a BOM
    allowed, as `parse_case_json` allows it) that `_plain_entry` accepts,
    is None. The stamp is the descriptor's: that of the bytes read.
    """
    try:
        fd = os.open(name, _OPEN_FLAGS, dir_fd=dir_fd)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not S_ISREG(st.st_mode) or st.st_size > QUEUE_FILE_LIMIT:
            return None
        raw = os.read(fd, st.st_size + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(raw) != st.st_size:  # changed while being read
        return None
    try:
        data = json.loads(raw[3:].decode("utf-8") if raw.startswith(_BOM) else raw.decode("utf-8"))
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        return None
    entry = _plain_entry(data, name[:-5])
    return None if entry is None else (st.st_mtime_ns, st.st_size, entry)


def forks(jobs: int, files: int) -> bool:
    """Whether `read_plain_files` reads `files` files in a helper process too."""
    return jobs > 1 and files >= FORK_WORTH_IT and hasattr(os, "fork")


def read_plain_files(folder: Path, names: list[str], jobs: int = 1, before: Callable[[], None] | None = None) -> list:
    """`_read_plain` of each name, in order (all None if the folder cannot be opened: each file's own read says why).

    On `jobs` processes when there are enough files to pay for a fork
    (`forks`; os.fork, linting/parallel.py `map_forked`), `before` running
    in this process while the helper reads: work only this process needs,
    such as opening the store or importing the holidays library. `before`
    runs in any case, first when there is no helper.
    """
    try:
        dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        dir_fd = None
    try:
        if dir_fd is None or not plain_reader_matches_schema():
            if before is not None:
                before()
            return [None] * len(names)
        task = lambda name: _read_plain(dir_fd, name)  # noqa: E731 - also runs in the forked helper
        if forks(jobs, len(names)):
            from replydesk.linting.parallel import map_forked

            return map_forked(task, names, jobs, chunk_size=50, before=before)
        if before is not None:
            before()
        return [task(name) for name in names]
    finally:
        if dir_fd is not None:
            os.close(dir_fd)


class _Windows:
    """What a plainly read entry needs of the packs: its (platform, kind) known, and the window's deadline
    where the file has none, as `case_from_mapping` computes it (`Window.deadline`).

    Hours and calendar days are a sum. A business-day window walks the
    calendar day by day from the start's date, keeping the time of day (or
    ending at 23:59:59 with `end_of_day`); the walk is remembered per
    (platform, kind, start date) as the deadline of that day's midnight,
    which the start's time of day then shifts: 10,000 cases have a few
    hundred such dates.
    """

    def __init__(self, packs: Mapping):
        self.known: dict[tuple[str, str], tuple] = {}
        for name, pack in packs.items():
            tz, calendar = pack.tz, pack.business_calendar
            for kind in pack.kinds:
                self.known[(name, kind)] = (pack.kind(kind).window, tz, calendar)
        self._walks: dict[tuple, datetime] = {}

    def deadline(self, platform: str, kind: str, received_at: datetime) -> datetime | None:
        """As `Window.deadline`: OverflowError or ValueError where its window ends past the calendar."""
        window, tz, calendar = self.known[(platform, kind)]
        if window is None:
            return None
        if window.business_days is None:
            return window.deadline(received_at, tz, calendar)
        start = received_at.astimezone(tz)
        midnight = start.replace(hour=0, minute=0, second=0, microsecond=0)
        key = (platform, kind, midnight)
        end = self._walks.get(key)
        if end is None:
            end = self._walks[key] = window.deadline(midnight, tz, calendar)
        return end if window.end_of_day else start + (end - midnight)

    def row(self, entry: list) -> CaseRow | None:
        """The row of a cache entry `_read_plain` made, with the window's deadline put in (in the entry
        too); None when the packs do not know its platform or kind, or its window ends past the
        calendar: the desk's reader then says so. The entry is this module's own, made moments ago:
        its form is not checked again (`CaseRow.from_list`)."""
        ident, platform, kind, received, deadline, status, outcome, assignee, first, sent_by, recorded = entry
        if (platform, kind) not in self.known:
            return None
        received = datetime.fromisoformat(received)
        if deadline is None:
            try:
                deadline = self.deadline(platform, kind, received)
            except (OverflowError, ValueError):
                return None
            entry[4] = _iso(deadline)
        else:
            deadline = datetime.fromisoformat(deadline)
        first = None if first is None else datetime.fromisoformat(first)
        return CaseRow(ident, platform, kind, received, deadline, status, outcome, assignee, first, sent_by, recorded)

    def warm(self) -> None:
        """Import the holidays library (~0.2 s) if a business-day window has a country's calendar:
        done while a helper reads files, the deadlines then do not wait for it. (A big queue
        has such cases; were it to have none, the import only costs this process's share of
        the reading.)"""
        for window, _tz, calendar in self.known.values():
            if window is not None and window.business_days is not None and calendar.country:
                calendar.holiday(date.today())
                return


def _cores() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _listing(folder: Path, fail: Callable[[CaseFileError], None], *, stat: bool) -> list[tuple[str, os.stat_result | None]] | None:
    """The case files' names in order, each with its lstat when `stat` (None: the folder cannot be listed).

    Without a cache to compare with, nothing needs the stat before the file
    is read (~60 ms for 10,000 files): the read takes its own, and a file
    that does not read plainly gets one then (`_read_like_the_desk`).
    """
    try:
        if not stat:  # names only: os.listdir makes no DirEntry objects (half the time)
            return [(name, None) for name in sorted(n for n in os.listdir(folder) if n.endswith(".json") and not n.startswith("."))]
        with os.scandir(folder) as it:
            entries = sorted(
                (e for e in it if e.name.endswith(".json") and not e.name.startswith(".")), key=lambda e: e.name
            )
            items = []
            for entry in entries:
                try:
                    items.append((entry.name, entry.stat(follow_symlinks=False)))
                except FileNotFoundError:
                    continue
                except OSError as exc:
                    fail(CaseFileError(folder / entry.name, None, f"cannot read: {exc.strerror or exc}"))
            return items
    except OSError as exc:
        fail(CaseFileError(folder, None, f"cannot list the case files: {exc.strerror or exc}"))
        return None


@dataclass
class Prefetched:
    """`read_plain_files` results by file name, read from `folder` before the store was opened (`main`)."""

    folder: Path
    results: dict[str, tuple | None]


def load_rows(
    store,
    *,
    cache: bool = True,
    on_error: Callable[[CaseFileError], None] | None = None,
    jobs: int = 1,
    prefetched: Prefetched | None = None,
) -> Loaded:
    """Every valid case of a `QueueStore`'s queue as a CaseRow; broken files are errors (file:line), not fatal.

    The same cases as `store.load()` (same validation, same deadlines),
    through the stats cache described in the module's docstring. The files
    not in it are read plainly where they can be (`read_plain_files`, in
    `jobs` processes: os.fork, so `main` gives the CPU count and a caller
    that may have threads keeps 1; or already, `prefetched`), and through
    the desk's `load_case` where they cannot.
    """
    import gc

    errors: list[CaseFileError] = []

    def fail(exc: CaseFileError) -> None:
        errors.append(exc)
        if on_error is not None:
            on_error(exc)

    folder = store.cases_dir
    if not folder.is_dir():
        return Loaded([], errors)
    packs = store.packs
    fingerprint = packs_fingerprint(packs)
    cache_path = None
    if cache:
        from .index import user_queue_file

        cache_path = user_queue_file(store.root, CACHE_KIND)
    cached = _read_cache(cache_path, store.root, fingerprint)
    ready = prefetched.results if prefetched is not None and prefetched.folder == folder else {}
    if ready and not cached:
        items = [(name, None) for name in ready]  # listed moments ago, and nothing to compare stats with
    else:
        items = _listing(folder, fail, stat=bool(cached))
        if items is None:
            return Loaded([], errors)
    out: list[CaseRow] = []
    keep: dict[str, list] = {}
    misses: list[tuple[str, os.stat_result | None]] = []
    for name, st in items:
        if st is None:
            misses.append((name, st))
            continue
        if not S_ISREG(st.st_mode):
            fail(_not_regular(folder / name, st))
            continue
        hit = cached.get(name)
        if isinstance(hit, list) and len(hit) == 3 and hit[0] == st.st_mtime_ns and hit[1] == st.st_size:
            row = CaseRow.from_list(hit[2])
            if row is not None:
                out.append(row)
                keep[name] = hit
                continue
        misses.append((name, st))
    from_cache = len(out)
    if misses:
        # Parsing allocates containers by the hundred thousand, all freed by reference counting:
        # the cyclic collector's passes over them would cost a fifth of the parse.
        collecting = gc.isenabled()
        gc.disable()
        try:
            windows = _Windows(packs)
            unread = [name for name, _st in misses if name not in ready]
            # Forked, this process imports the holidays library meanwhile; else only a business-day deadline does.
            warm = windows.warm if forks(jobs, len(unread)) else None
            fresh = dict(zip(unread, read_plain_files(folder, unread, jobs, before=warm))) if unread else {}
            for name, st in misses:
                got = ready[name] if name in ready else fresh[name]
                row = windows.row(got[2]) if got is not None else None
                if row is not None:
                    mtime, size, entry = got
                else:
                    row, stamp = _read_like_the_desk(folder / name, st, packs, fail)
                    if row is None:
                        continue
                    mtime, size = stamp
                    entry = row.to_list()
                out.append(row)
                keep[name] = [mtime, size, entry]
        finally:
            if collecting:
                gc.enable()
    out.sort(key=lambda r: r.id)
    if cache_path is not None and (misses or len(keep) != len(cached)):
        _write_cache(cache_path, store.root, fingerprint, keep)
    return Loaded(out, errors, from_cache)


def _not_regular(path: Path, st: os.stat_result) -> CaseFileError:
    from replydesk.linting.tomldata import file_kind

    return CaseFileError(path, None, f"is {file_kind(st.st_mode)}, not a regular file; refusing to use it")


def _read_like_the_desk(
    path: Path, st: os.stat_result | None, packs: Mapping, fail: Callable[[CaseFileError], None]
) -> tuple[CaseRow | None, tuple]:
    """(row, (mtime_ns, size)) of one file read as `QueueStore.load` reads it (its lstat first), or
    (None, ()) once `fail` has been told, in the desk's words, why it cannot be used."""
    if st is None:
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            return None, ()  # removed since it was listed
        except OSError as exc:
            fail(CaseFileError(path, None, f"cannot read: {exc.strerror or exc}"))
            return None, ()
    if not S_ISREG(st.st_mode):
        fail(_not_regular(path, st))
        return None, ()
    try:
        case = load_case(path, packs, thorough=False)
    except CaseFileError as exc:
        fail(exc)
        return None, ()
    return row_of(case), (st.st_mtime_ns, st.st_size)


# --- the command -------------------------------------------------------------------------------


class CannotOpen(Exception):
    """The queue cannot be opened (the store's QueueError, or an OSError): the message says why."""


def _open_reading(root: Path, jobs: int):
    """(the queue's store, the case files read meanwhile as `Prefetched`, or None).

    On a first run (no stats cache for the queue yet) of a queue big enough
    to pay for a fork, a helper process starts reading the case files
    (`read_plain_files`) at once, while this process imports the store,
    loads the packs and imports the holidays library (~0.4 s together) and
    then joins in. Otherwise the store is opened and `load_rows` does the
    rest. CannotOpen for a queue that cannot be opened.
    """
    opened: list = []

    def open_store() -> None:
        from .store import QueueError, QueueStore

        try:
            opened.append(QueueStore(root))
        except (QueueError, OSError) as exc:
            raise CannotOpen(str(exc)) from None

    if forks(jobs, FORK_WORTH_IT):
        from .index import user_queue_file

        resolved = Path(root).expanduser().resolve()  # as QueueStore resolves it: the cache is named after it
        folder = resolved / "cases"  # store.CASES; load_rows takes the files read only if store.cases_dir is this
        if not user_queue_file(resolved, CACHE_KIND).exists():
            names = [name for name, _st in _listing(folder, lambda exc: None, stat=False) or ()]  # load_rows reports errors
            if forks(jobs, len(names)):

                def prepare() -> None:
                    open_store()
                    _Windows(opened[0].packs).warm()

                results = read_plain_files(folder, names, jobs, before=prepare)
                return opened[0], Prefetched(folder, dict(zip(names, results)))
    open_store()
    return opened[0], None


def parse_since(text: str) -> datetime:
    """`YYYY-MM-DD` (midnight KST) or an ISO date-time (no offset: KST); ValueError if neither."""
    text = text.strip()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is not None and len(text) == 10:
        return datetime.combine(day, time(0), tzinfo=KST)
    try:
        return parse_datetime("--since", text)
    except ContextError:
        raise ValueError(f"not a date (YYYY-MM-DD) or an ISO 8601 date-time: {text!r}") from None


def _moment(label: str):
    def convert(text: str) -> datetime:
        try:
            if label == "--now":
                return parse_datetime("--now", text.strip())
            return parse_since(text)
        except (ValueError, ContextError):
            raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD) or an ISO 8601 date-time: {text!r}") from None
    return convert


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="replydesk stats",
        description="How the team answers: cases, due, answered, on time, overdue, response and on-time rates, "
        "median time to answer, cases under review and outcomes; overall and per group.",
        epilog="due = answered or past its deadline; response rate = on time / due; on-time rate = on time / answered. "
        "Unreadable case files are named on stderr (file:line) and left out. Exit status: 0 figures printed, "
        "2 a usage error or a queue that cannot be opened.",
    )
    parser.add_argument("queue", nargs="?", metavar="QUEUE_DIR", help="the queue directory (default: $REPLYDESK_QUEUE, else the per-user queue)")
    parser.add_argument("--since", type=_moment("--since"), metavar="DATE", help="only cases received since: YYYY-MM-DD (KST) or an ISO date-time")
    parser.add_argument("--by", choices=GROUPINGS, help="one row per platform, kind, operator (who sent first, else the assignee) or ISO week received")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="an aligned table (default) or JSON")
    parser.add_argument("--now", type=_moment("--now"), metavar="ISO", help="the clock to count deadlines against (ISO date-time; default: now)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """The command.

    The cyclic garbage collector is off while it runs: a second of work
    that allocates (imports, 10,000 parsed files, rows) and frees it all by
    reference counting, where the collector's passes over the growing heap
    cost a sixth of it. And the process, when it exits, does not collect:
    the interpreter's shutdown runs full collections over everything still
    alive (the packs, the holidays library's 250 country modules), ~0.1 s
    for memory the exit frees anyway; `gc.freeze` at exit leaves it out
    (stdout is still flushed and atexit handlers run; in a test run, only
    the test process's own exit is concerned).
    """
    import atexit
    import gc

    global _FREEZE_AT_EXIT
    if not _FREEZE_AT_EXIT:
        atexit.register(gc.freeze)
        _FREEZE_AT_EXIT = True
    args = build_parser().parse_args(argv)
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(args)
    finally:
        if collecting:
            gc.enable()


_FREEZE_AT_EXIT = False


def _run(args: argparse.Namespace) -> int:
    from .location import named_queue

    root = named_queue(args.queue)
    jobs = _cores()
    try:
        store, prefetched = _open_reading(root, jobs)
    except CannotOpen as exc:
        sys.stderr.write(f"replydesk stats: error: {visible_controls(str(exc))}\n")
        return EXIT_ERROR

    def warn(exc: CaseFileError) -> None:
        sys.stderr.write(f"replydesk stats: warning: {visible_controls(str(exc))} (left out)\n")

    loaded = load_rows(store, on_error=warn, jobs=jobs, prefetched=prefetched)
    now = args.now or datetime.now(KST)
    stats = compute(loaded.rows, now, args.by, since=args.since)
    if args.format == "json":
        from replydesk.linting.reporters import dumps

        data = {"queue": str(store.root), **stats.to_dict(), "skipped": len(loaded.errors)}
        sys.stdout.write(dumps(data, indent=2) + "\n")
    else:
        sys.stdout.write(format_text(stats, queue=str(store.root)))
    return EXIT_OK
