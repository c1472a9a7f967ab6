"""The one shape every platform payload is read into: a `Notice` about one case.

An adapter (coupang.py, amazon.py, ...) reads the platform's payload and
says what it means for the queue: which case (platform, kind and the
platform's own ID for it), what was said (messages, each with the
platform's own message ID so that it is never appended twice), and what
changed (the platform's status, the deadline). It does not read or write
the queue: apply.py does, the same way for the importer and the receiver.

Everything is normalised here, once: IDs are strings in the platform's own
format (a JSON number 22000009546234 becomes "22000009546234", a float is
refused because it has lost digits), times are aware datetimes (Coupang's
offset-less times are KST, Amazon's are UTC, TikTok Shop's and Shopee's
are Unix seconds), and text has its HTML entities decoded.
"""
from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

from replydesk.linting.context import KST, ContextError, parse_datetime


class PayloadError(ValueError):
    """A payload that is not what its platform documents; the message says which field and why."""


@dataclass(frozen=True)
class Message:
    """One message of the case's conversation, as the platform sent it."""

    who: str  # "customer", "platform" or "seller"
    when: datetime
    text: str
    source_message: str  # the platform's own ID for it ("tiktok:msg:7315..."): appended once


@dataclass(frozen=True)
class Notice:
    """One platform event about one case (see the module docstring)."""

    source: str  # the adapter's name ("tiktok", "coupang-returns")
    event_id: str  # unique per event; the same delivery twice has the same one
    platform: str  # a pack name
    kind: str
    key: str  # the platform's own ID the case is named after (its return, order, inquiry)
    received_at: datetime
    summary: str  # the platform's part in words: the first history entry of a new case
    subject: str = ""
    ids: dict[str, tuple[str, ...]] = field(default_factory=dict)  # order_ids, claim_ids, case_ids, asins
    platform_ids: dict[str, str] = field(default_factory=dict)  # the platform's other IDs (shop, item, seller)
    messages: tuple[Message, ...] = ()
    platform_status: str | None = None
    deadline: datetime | None = None
    result: str | None = None  # what the platform's status means for the case (sources.toml `results`)
    # When what it says was true on the platform (its update time). An event older than the
    # case's newest (a retry that arrives late, an old poll) adds its messages, but its status
    # and deadline do not overwrite newer ones. None: always applied.
    as_of: datetime | None = None
    create: bool = True  # False: the event only updates a case that exists (an order cancelled)
    payload: object = None  # the original (part of the) payload, kept in the case for audit


@dataclass(frozen=True)
class Ignored:
    """An event that concerns no case (an order shipped): acknowledged, counted, nothing written."""

    source: str
    event_id: str
    reason: str


# --- normalising --------------------------------------------------------------------------------

def platform_id(value, name: str) -> str:
    """An ID as a string in the platform's own format; PayloadError for anything else."""
    if isinstance(value, bool) or value is None:
        raise PayloadError(f"{name} must be an ID (a string or an integer), got {json.dumps(value)}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        raise PayloadError(f"{name} is a floating-point number ({value!r}): its digits may be lost; send it as a string")
    if isinstance(value, str) and value.strip() and value.strip().isprintable():
        return value.strip()
    raise PayloadError(f"{name} must be a non-empty ID, got {json.dumps(value, ensure_ascii=False)[:60]}")


def optional_id(record: dict, name: str) -> str | None:
    value = record.get(name)
    return None if value in (None, "") else platform_id(value, name)


def kst_time(value, name: str) -> datetime:
    """Coupang's times: ISO 8601 or `YYYY-MM-DD HH:MM:SS`, without an offset: KST (coupang.py says why)."""
    try:
        if isinstance(value, str):
            return parse_datetime(name, value.strip().replace(" ", "T", 1)).astimezone(KST)
    except ContextError as exc:
        raise PayloadError(f"{name}: {exc.message}") from None
    raise PayloadError(f"{name} must be a date-time string, got {json.dumps(value)}")


def iso_time(value, name: str) -> datetime:
    """Amazon's times: ISO 8601 in UTC (`2020-01-11T00:09:53.109Z`), shown in KST."""
    try:
        if isinstance(value, str):
            moment = parse_datetime(name, value)
            if moment.tzinfo is KST:  # parse_datetime's zone for a time without an offset; Amazon's is UTC
                moment = moment.replace(tzinfo=timezone.utc)
            return moment.astimezone(KST)
    except ContextError as exc:
        raise PayloadError(f"{name}: {exc.message}") from None
    raise PayloadError(f"{name} must be an ISO 8601 date-time string, got {json.dumps(value)}")


def unix_time(value, name: str) -> datetime:
    """TikTok Shop's and Shopee's times: Unix seconds (milliseconds are recognised by their size)."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PayloadError(f"{name} must be Unix seconds, got {json.dumps(value)}")
    seconds = value / 1000 if value > 100_000_000_000 else value
    try:
        return datetime.fromtimestamp(seconds, KST)
    except (OverflowError, OSError, ValueError):
        raise PayloadError(f"{name} is not a time: {value!r}") from None


_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def plain_text(value, name: str) -> str:
    """A message's text: HTML entities decoded (`&lt;` `&#39;` `&amp;`), `<br>` as a line break."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise PayloadError(f"{name} must be text, got {type(value).__name__}")
    return html.unescape(_BREAK.sub("\n", value)).strip()


def content_id(source: str, value) -> str:
    """An event ID for a payload that carries none (a polled object, a Shopee push): its content's
    hash, so the same object fetched twice is the same event and a changed one is a new event."""
    canonical = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return f"{source}:{hashlib.sha256(canonical.encode('utf-8', 'surrogatepass')).hexdigest()[:24]}"


def need(record, name: str, where: str = ""):
    """`record[name]`, or a PayloadError saying that the payload lacks it."""
    if not isinstance(record, dict):
        raise PayloadError(f"{where or 'payload'} must be a JSON object, got {type(record).__name__}")
    value = record.get(name)
    if value in (None, ""):
        raise PayloadError(f"{where + '.' if where else ''}{name} is missing")
    return value


def parse_body(body: bytes):
    """A delivery's bytes as JSON (the receiver's, and a dead letter's on import); PayloadError says why not.
    Nesting is bounded as the importer bounds it, so no body can overflow a reader's stack."""
    from ..queue.importer import MAX_DEPTH, nested_deeper_than

    try:
        value = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise PayloadError("the body is not UTF-8 text") from None
    except RecursionError:
        raise PayloadError(f"the JSON is nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as exc:
        raise PayloadError(f"invalid JSON: {str(exc).split(':')[0]}") from None
    if isinstance(value, (dict, list)) and nested_deeper_than(value, MAX_DEPTH):
        raise PayloadError(f"the JSON is nested more than {MAX_DEPTH} levels deep")
    return value
