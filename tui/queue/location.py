"""Which queue to open: an argument, else $REPLYDESK_QUEUE, else the per-user demo queue.

The per-user queue lives in platformdirs' user data directory
(`~/.local/share/replydesk/queue` on Linux) and is filled with the bundled
demo queue on first run, its times shifted so that the countdowns are live.
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from importlib.resources import files
from pathlib import Path

from replydesk.linting.context import parse_datetime

from .atomic import atomic_write_text
from .cases import dump_case

ENV_VAR = "REPLYDESK_QUEUE"
TIME_KEYS = ("received_at", "deadline")


@dataclass(frozen=True)
class QueueLocation:
    path: Path
    source: str  # "argument", "environment" or "user data"
    installed_demo: bool = False


def demo_source() -> Path:
    return Path(str(files("replydesk.tui.demo_queue")))


def demo_anchor() -> datetime:
    from replydesk.tui.demo_queue import ANCHOR

    return parse_datetime("ANCHOR", ANCHOR)


def user_queue_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path("replydesk", appauthor=False) / "queue"


def named_queue(argument: str | Path | None, environ: dict | None = None) -> Path:
    """The queue a command works on: its argument, else $REPLYDESK_QUEUE, else the per-user queue.

    For the commands that read or fill a queue (import, export, stats): unlike the desk
    (`resolve_queue`), they never install the demo queue in a missing per-user queue.
    """
    environ = os.environ if environ is None else environ
    if argument:
        return Path(argument).expanduser()
    if environ.get(ENV_VAR):
        return Path(environ[ENV_VAR]).expanduser()
    return user_queue_dir()


def resolve_queue(argument: str | None, environ: dict | None = None, now: datetime | None = None) -> QueueLocation:
    environ = os.environ if environ is None else environ
    if argument:
        return QueueLocation(Path(argument).expanduser(), "argument")
    if environ.get(ENV_VAR):
        return QueueLocation(Path(environ[ENV_VAR]).expanduser(), "environment")
    target = user_queue_dir()
    if not (target / "cases").is_dir():
        install_demo(target, now=now)
        return QueueLocation(target, "user data", installed_demo=True)
    return QueueLocation(target, "user data")


def shift_time(value, delta: timedelta):
    if not isinstance(value, str):
        return value
    try:
        moment = parse_datetime("time", value)
    except ValueError:
        return value
    return (moment + delta).isoformat(timespec="seconds")


def install_demo(target: Path, *, now: datetime | None = None, shift: bool = True) -> int:
    """Copy the demo queue into `target`; with `shift`, move every time by (now - ANCHOR).

    Returns the number of cases installed. Existing case files are never
    overwritten (an operator's queue is theirs).
    """
    source = demo_source()
    now = now or datetime.now(timezone.utc)
    delta = timedelta(0)
    if shift:
        delta = now - demo_anchor()
        delta = timedelta(minutes=int(delta.total_seconds() // 60))  # whole minutes keep times tidy
    (target / "cases").mkdir(parents=True, exist_ok=True)
    (target / "drafts").mkdir(parents=True, exist_ok=True)
    count = 0
    for path in sorted((source / "cases").glob("*.json")):
        dest = target / "cases" / path.name
        if dest.exists():
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        for key in TIME_KEYS:
            if key in data:
                data[key] = shift_time(data[key], delta)
        for message in data.get("history") or []:
            if isinstance(message, dict) and "when" in message:
                message["when"] = shift_time(message["when"], delta)
        atomic_write_text(dest, dump_case(data))
        count += 1
    for path in sorted((source / "drafts").glob("*.txt")):
        dest = target / "drafts" / path.name
        if not dest.exists():
            shutil.copyfile(path, dest)
    return count
