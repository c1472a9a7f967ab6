"""Case context: what the linter must know about the case a reply answers.

The same field names serve draft front matter, `--case FILE` JSON and the
queue's case files, so one validator (`context_from_mapping`) covers all.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta, timezone

KINDS_DEFAULT = "general"
PLATFORM_DEFAULT = "general"
# Every platform counts its clocks in Korean time for these sellers; a time written without an
# offset (front matter, case files, imports) is read as KST, wherever it is read.
KST = timezone(timedelta(hours=9), "KST")
# The case fields that hold the case's own IDs, with the label the desk shows: listed here only.
ID_FIELDS: dict[str, str] = {
    "order_ids": "Order IDs",
    "claim_ids": "Claim IDs",
    "case_ids": "Case IDs",
    "asins": "ASINs",
}


class ContextError(ValueError):
    """A context field with the wrong shape; `key` lets callers find its line."""

    def __init__(self, key: str, message: str):
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


@dataclass(frozen=True, slots=True)
class Attachment:
    name: str
    bytes: int | None = None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True, slots=True)
class HistoryMessage:
    who: str
    when: str | None
    text: str


@dataclass(frozen=True)
class CaseContext:
    platform: str = PLATFORM_DEFAULT
    kind: str = KINDS_DEFAULT
    order_ids: tuple[str, ...] = ()
    claim_ids: tuple[str, ...] = ()
    case_ids: tuple[str, ...] = ()
    asins: tuple[str, ...] = ()
    required_keywords: tuple[str, ...] | None = None
    attachments: tuple[Attachment, ...] = ()
    received_at: datetime | None = None
    deadline: datetime | None = None
    ignore: frozenset[str] = frozenset()
    history: tuple[HistoryMessage, ...] = ()

    def merged(self, **overrides) -> "CaseContext":
        changes = {k: v for k, v in overrides.items() if v is not None}
        return replace(self, **changes) if changes else self

    def ids_of(self, field_name: str) -> tuple[str, ...]:
        return getattr(self, field_name, ())

    @property
    def sent_replies(self) -> tuple[str, ...]:
        """Texts this seller already sent in the case (for the repeat check)."""
        return tuple(m.text for m in self.history if m.who in SELLER_ROLES)


SELLER_ROLES = frozenset({"seller", "us", "operator", "me"})
KNOWN_KEYS = frozenset(f.name for f in fields(CaseContext)) | {
    # Case-file fields the linter does not use but must not reject.
    "id", "subject", "priority", "status", "notes", "language", "assignee", "lock",
}


def _str_list(key: str, value) -> tuple[str, ...]:
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list):
        raise ContextError(key, f"expected a list of strings, got {type(value).__name__}")
    out = []
    for i, item in enumerate(value):
        if isinstance(item, bool) or not isinstance(item, (str, int)):
            raise ContextError(key, f"item {i + 1} must be a string, got {type(item).__name__}")
        out.append(str(item).strip())
    return tuple(out)


def parse_datetime(key: str, value) -> datetime:
    """An aware date-time from ISO 8601 text (or a TOML date-time); without an offset it is KST.

    The one reading of a time for the linter, the desk, locks, journals and
    the importer, so the same text never means two moments.
    """
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise ContextError(key, f"not an ISO 8601 date-time: {value!r}") from None
    else:
        raise ContextError(key, f"expected an ISO 8601 date-time string, got {type(value).__name__}")
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=KST)


def _int_or_none(key: str, value) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ContextError(key, f"expected a non-negative integer, got {value!r}")
    return value


def _attachments(value) -> tuple[Attachment, ...]:
    if not isinstance(value, list):
        raise ContextError("attachments", "expected a list of {name, bytes, width, height} tables")
    out = []
    for i, item in enumerate(value):
        key = f"attachments[{i + 1}]"
        if isinstance(item, str):
            out.append(Attachment(name=item))
            continue
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise ContextError(key, "each attachment needs a string 'name'")
        out.append(
            Attachment(
                name=item["name"],
                bytes=_int_or_none(f"{key}.bytes", item.get("bytes", item.get("size"))),
                width=_int_or_none(f"{key}.width", item.get("width")),
                height=_int_or_none(f"{key}.height", item.get("height")),
            )
        )
    return tuple(out)


def _history(value) -> tuple[HistoryMessage, ...]:
    if not isinstance(value, list):
        raise ContextError("history", "expected a list of {who, when, text} tables")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise ContextError(f"history[{i + 1}]", "each message needs 'who' and a string 'text'")
        who = str(item.get("who", "")).strip().lower()
        when = item.get("when")
        out.append(HistoryMessage(who=who, when=None if when is None else str(when), text=item["text"]))
    return tuple(out)


def context_from_mapping(data: dict, *, strict: bool = True) -> CaseContext:
    """Validate a front-matter / case-file mapping into a CaseContext.

    Unknown keys raise when `strict` (front matter: a typo must not be
    silently ignored); case files pass strict=False for their extra fields.
    """
    if not isinstance(data, dict):
        raise ContextError("(root)", "expected a table of case fields")
    kwargs: dict = {}
    for key, value in data.items():
        if key in ("platform", "kind"):
            if not isinstance(value, str) or not value.strip():
                raise ContextError(key, "expected a non-empty string")
            kwargs[key] = value.strip().lower()
        elif key in ID_FIELDS:
            kwargs[key] = _str_list(key, value)
        elif key == "required_keywords":
            kwargs[key] = _str_list(key, value)
        elif key == "attachments":
            kwargs[key] = _attachments(value)
        elif key in ("received_at", "deadline"):
            kwargs[key] = parse_datetime(key, value)
        elif key == "ignore":
            kwargs[key] = frozenset(code.upper() for code in _str_list(key, value))
        elif key == "history":
            kwargs[key] = _history(value)
        elif key in KNOWN_KEYS:
            continue
        elif strict:
            known = ", ".join(sorted(f.name for f in fields(CaseContext)))
            raise ContextError(key, f"unknown field (known: {known})")
    return CaseContext(**kwargs)
