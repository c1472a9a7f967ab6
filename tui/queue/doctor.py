"""`replydesk doctor QUEUE`: is this queue ready for a team, and if not, what exactly to run.

Checks what makes a shared queue fail its operators, each with the command
that fixes it: the queue directory (one group, setgid, group-writable, no
way in for others), the folders and files inside it (the queue's group,
group read/write; journals never readable by others), files this account
cannot read, stale locks (their desk's process is gone on this host) and
locks nobody can read, temp files a killed writer left, deliveries the
receiver rejected (dead letters), and the clock (a file time in the future
means a host clock is wrong, which breaks deadlines and lock ages).

Exit status: 0 when nothing needs fixing, 1 when something does, 2 when
the queue cannot be examined at all.
"""
from __future__ import annotations

import argparse
import grp
import os
import shlex
import stat
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from replydesk.linting.display import visible_controls

from replydesk.tui.inbound.deadletter import FOLDER as DEAD_LETTER
from replydesk.tui.inbound.deadletter import count as dead_letters

from .locks import SUFFIX, Locks, Operator
from .store import CASES, DRAFTS, LOCKS, RECOVERY

EXIT_OK, EXIT_PROBLEMS, EXIT_ERROR = 0, 1, 2
CLOCK_SLACK_SECONDS = 120  # file times this far ahead of this host's clock mean a wrong clock somewhere
MAX_LISTED = 20  # per kind of problem; the rest are counted
LEFTOVER_SECONDS = 600  # a temp file this old is no write in progress: its writer was killed


@dataclass(frozen=True)
class Problem:
    """One thing to fix: where, what is wrong, and the command that fixes it."""

    path: Path
    what: str
    fix: str


def _q(path: Path) -> str:
    return shlex.quote(str(path))


def _group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def check_queue(root: Path, *, now: float | None = None, operator: Operator | None = None) -> tuple[list[str], list[Problem]]:
    """(what is fine, what to fix) for the queue at `root`. Raises OSError if `root` cannot be examined."""
    now = time.time() if now is None else now
    root = Path(root)
    st = os.stat(root)
    if not stat.S_ISDIR(st.st_mode):
        raise NotADirectoryError(f"{root}: not a directory")
    group = st.st_gid
    team = _group_name(group)
    fine: list[str] = []
    problems: list[Problem] = []
    mode = stat.S_IMODE(st.st_mode)
    if mode & 0o070 != 0o070:
        problems.append(Problem(root, f"the group {team} cannot read, write and enter the queue ({oct(mode)})", f"chmod g+rwx {_q(root)}"))
    if not st.st_mode & stat.S_ISGID:
        problems.append(Problem(root, "not setgid: files other operators create get their own group, not the queue's", f"chmod g+s {_q(root)}"))
    if mode & 0o007:
        problems.append(Problem(root, f"others (not in {team}) can get in ({oct(mode)}); drafts and cases are the team's", f"chmod o-rwx {_q(root)}"))
    if not problems:
        fine.append(f"{root}: group {team}, setgid, group-writable, closed to others ({oct(st.st_mode & 0o7777)})")

    counts: dict[str, int] = {}

    def add(kind: str, problem: Problem) -> None:
        counts[kind] = counts.get(kind, 0) + 1
        if counts[kind] <= MAX_LISTED:
            problems.append(problem)

    newest = 0.0
    scanned = 0
    for folder_name in (CASES, DRAFTS, LOCKS, RECOVERY, DEAD_LETTER):
        folder = root / folder_name
        if not os.path.lexists(folder):
            continue
        for path in [folder, *_walk(folder, add)]:
            scanned += 1
            try:
                pst = os.lstat(path)
            except OSError as exc:
                add("unreadable", Problem(path, f"cannot be examined: {exc.strerror}", f"ls -l {_q(path)}  # then fix its owner or mode"))
                continue
            newest = max(newest, pst.st_mtime)
            private = RECOVERY in path.relative_to(root).parts
            _check_entry(path, pst, group, team, private, add)
            if path.name.startswith(".") and path.name.endswith(".tmp") and now - pst.st_mtime > LEFTOVER_SECONDS:
                minutes = (now - pst.st_mtime) / 60
                add("leftover", Problem(path, f"a temp file a writer left when it was killed mid-write ({minutes:,.0f} min ago); nothing reads it",
                                        f"rm {_q(path)}"))
    if scanned:
        fine.append(f"{scanned} folders and files examined")
    if newest > now + CLOCK_SLACK_SECONDS:
        ahead = newest - now
        problems.append(Problem(root, f"a file was written {ahead:,.0f} s in the future of this host's clock: one host's clock is wrong (deadlines, lock ages)", "timedatectl status  # on every host; enable NTP"))
    else:
        fine.append("clock: no file is ahead of this host's clock")

    letters, latest = dead_letters(root)
    if letters:
        problems.append(Problem(
            root / DEAD_LETTER,
            f"{letters} deliver{'y' if letters == 1 else 'ies'} that replydesk receive rejected wait{'s' if letters == 1 else ''} "
            f"here (newest: {latest.name}: {_reason(latest)})",
            f"fix the sender or sources.toml, then: replydesk import --queue {_q(root)} {_q(latest)}  # and rm it",
        ))

    locks_dir = root / LOCKS
    if locks_dir.is_dir():
        locks = Locks(locks_dir, operator or Operator.current())
        for entry in sorted(locks_dir.glob(f"*{SUFFIX}")):
            case_id = entry.name[: -len(SUFFIX)]
            try:
                info = locks.read(case_id)
            except Exception as exc:  # a planted file: CaseFileError names it
                add("locks", Problem(entry, str(exc), f"rm {_q(entry)}"))
                continue
            if info is None:
                continue
            if info.host == "?":
                add("locks", Problem(entry, "a lock nobody can read: desks treat the case as held", f"ls -l {_q(entry)}  # its owner can fix it: chmod g+r"))
            elif locks.is_stale(info):
                add("locks", Problem(entry, f"stale: {info.describe()} is gone from this host", f"rm {_q(entry)}  # or let the next desk that opens the case take it over"))
    for kind, n in counts.items():
        if n > MAX_LISTED:
            problems.append(Problem(root, f"… and {n - MAX_LISTED:,} more of the same kind ({kind})", "fix the ones above, then run doctor again"))
    return fine, problems


def _reason(letter: Path) -> str:
    """A dead letter's reason, read as every queue file is (no symlink, no FIFO: safeio), trusting nothing in it."""
    import json

    from .safeio import read_regular

    try:
        data, _st = read_regular(letter, limit=1 << 20)
        value = json.loads(data.decode("utf-8"))
        return str(value.get("reason", "?"))[:120] if isinstance(value, dict) else "?"
    except OSError as exc:
        return f"unreadable: {getattr(exc, 'reason', None) or exc.strerror or exc}"
    except (ValueError, RecursionError):
        return "unreadable: not a dead letter's JSON"


def _walk(folder: Path, add):
    """Every entry below `folder` (no symlinks followed); unlistable folders are problems, not errors."""
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as entries:
                for entry in entries:
                    path = Path(entry.path)
                    yield path
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(path)
        except OSError as exc:
            add("unreadable", Problem(current, f"cannot be listed: {exc.strerror}", f"ls -ld {_q(current)}  # then chmod g+rx"))


def _check_entry(path: Path, st: os.stat_result, group: int, team: str, private: bool, add) -> None:
    mode = stat.S_IMODE(st.st_mode)
    if stat.S_ISLNK(st.st_mode) or not (stat.S_ISDIR(st.st_mode) or stat.S_ISREG(st.st_mode)):
        add("planted", Problem(path, "not a regular file or folder (a symlink, FIFO or device): the desk refuses it", f"rm {_q(path)}"))
        return
    if st.st_gid != group:
        add("group", Problem(path, f"group {_group_name(st.st_gid)}, not the queue's {team}", f"chgrp {team} {_q(path)}"))
    if stat.S_ISDIR(st.st_mode):
        if mode & 0o070 != 0o070 or not st.st_mode & stat.S_ISGID:
            add("mode", Problem(path, f"{oct(st.st_mode & 0o7777)}: the group cannot work in it", f"chmod 2770 {_q(path)}"))
    elif mode & 0o060 != 0o060:
        add("mode", Problem(path, f"{oct(mode)}: the group cannot read and write it", f"chmod g+rw {_q(path)}"))
    if private and mode & 0o007:
        add("private", Problem(path, f"{oct(mode)}: recovered draft text readable by others", f"chmod o-rwx {_q(path)}"))
    if not stat.S_ISDIR(st.st_mode) and not os.access(path, os.R_OK):
        add("unreadable", Problem(path, "this account cannot read it", f"ls -l {_q(path)}  # its owner: chmod g+r"))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="replydesk doctor", description="Check a queue's permissions, locks and clock, and say what to fix.")
    parser.add_argument("queue", help="the queue directory")
    args = parser.parse_args(argv)
    root = Path(args.queue).expanduser()
    try:
        fine, problems = check_queue(root)
    except OSError as exc:
        sys.stderr.write(f"replydesk doctor: error: {visible_controls(str(root))}: {visible_controls(exc.strerror or str(exc))}\n")
        return EXIT_ERROR
    out = sys.stdout
    for line in fine:
        out.write(f"ok    {visible_controls(line)}\n")
    for p in problems:
        out.write(f"FIX   {visible_controls(str(p.path))}: {visible_controls(p.what)}\n      → {visible_controls(p.fix)}\n")
    umask = os.umask(0)
    os.umask(umask)
    out.write(
        f"note  this session's umask is {umask:03o}; the desk gives what it creates the queue's mode whatever it is. "
        f"Operator name: {visible_controls(os.environ.get('REPLYDESK_OPERATOR') or Operator.current().who)}\n"
    )
    out.write(f"{len(problems)} thing(s) to fix\n" if problems else "the queue is ready for a team\n")
    return EXIT_PROBLEMS if problems else EXIT_OK
