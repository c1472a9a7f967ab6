"""Platform packs: the data that says what each platform demands of a reply.

A pack is TOML (see `packs/*.toml`); this module turns the parsed mapping
into typed, validated objects. Packs inherit from the `general` pack
table by table, so a platform pack states only what differs. Reading
files happens in `loading`; everything here is pure.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone

from ..context import ID_FIELDS

LANGUAGE_CODES = ("en", "ko", "zh", "ja", "other")


class PackError(ValueError):
    def __init__(self, keys: tuple, message: str):
        super().__init__(message)
        self.keys = keys
        self.message = message


@dataclass(frozen=True, slots=True)
class Window:
    """How long the seller has to answer, counted from the notice (in KST)."""

    hours: float | None = None
    days: int | None = None
    business_days: int | None = None
    end_of_day: bool = False  # until 23:59:59 local time of the last day
    note: str = ""

    def describe(self) -> str:
        if self.hours is not None:
            return f"{self.hours:g} hours"
        if self.days is not None:
            return f"{self.days} calendar days" + (" (until 23:59:59 of the last day)" if self.end_of_day else "")
        if self.business_days is not None:
            return f"{self.business_days} business days"
        return self.note or "as the notice states"

    def deadline(self, received_at: datetime, tz: timezone) -> datetime | None:
        start = received_at.astimezone(tz)
        if self.hours is not None:
            return start + timedelta(hours=self.hours)
        if self.days is not None:
            end = start + timedelta(days=self.days)
        elif self.business_days is not None:
            end, left = start, self.business_days
            while left:
                end += timedelta(days=1)
                if end.weekday() < 5:
                    left -= 1
        else:
            return None
        if self.end_of_day:
            end = datetime.combine(end.date(), time(23, 59, 59), tzinfo=tz)
        return end


@dataclass(frozen=True, slots=True)
class Section:
    """A part of a structured reply, found by one of its headings or, without
    a heading, by a cue phrase anywhere in the reply (the content is there)."""

    name: str
    headings: tuple[str, ...]
    cues: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Topic:
    """What a notice is about (found by phrases in the notice's own text) and
    the keywords a reply to that kind of notice must then carry."""

    name: str
    notice: tuple[str, ...]
    required_keywords: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class KindRules:
    name: str
    title: str
    window: Window | None = None
    priority: str = "normal"
    required_keywords: tuple[str, ...] = ()
    topics: tuple[Topic, ...] = ()
    required_sections: tuple[Section, ...] = ()
    sections_source: str = ""  # where the structure comes from (shown in KEY002's message)
    cite_ids: tuple[str, ...] = ()  # the reply must cite an ID from any of these fields
    max_chars: int | None = None
    min_chars: int | None = None
    max_paragraph_lines: int | None = None
    order_id_in_name: bool | None = None  # overrides [attachments] order_id_in_name for this kind


@dataclass(frozen=True, slots=True)
class IdType:
    """One kind of identifier: its shape and the labels that introduce it."""

    name: str
    title: str
    field: str  # the CaseContext field holding this case's IDs ("" = shape check only)
    pattern: str  # full-match shape regex; "" = no published shape, so the shape is not checked
    labels: tuple[str, ...]
    example: str = ""
    source: str = ""  # where the shape comes from (public API documentation, SDKs)
    case_sensitive: bool = True
    unlabelled: bool = False  # shape distinctive enough to check without a label


@dataclass(frozen=True, slots=True)
class AttachmentRules:
    allowed_extensions: tuple[str, ...] = ()
    forbidden_extensions: tuple[str, ...] = ()
    max_bytes: int | None = None
    max_count: int | None = None
    order_id_in_name: bool = False
    min_image_width: int | None = None
    min_image_height: int | None = None
    image_extensions: tuple[str, ...] = ("jpg", "jpeg", "png")
    cloud_hosts: tuple[str, ...] = ()
    qr_phrases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LanguagePolicy:
    allowed: tuple[str, ...]
    min_detect_chars: int = 40  # below this, langdetect is not asked
    hanja_max_run: int = 2  # Han runs this short inside Korean are Hanja, not Chinese
    fullwidth_punctuation: bool = False  # True where Chinese punctuation is acceptable


@dataclass(frozen=True, slots=True)
class ToneSettings:
    """What tells shouting from names in capitals.

    `acronyms` are capitals that are never shouting (KST, POD, SKU…);
    `shout_words` (base forms, inflections included) are shouting in
    capitals even alone (URGENT, PLEASE, NOT); `min_shout_words` ordinary
    words in a row that read as a clause (THE PARCEL WAS DELIVERED) are
    shouting too.
    """

    acronyms: frozenset[str] = frozenset()
    shout_words: frozenset[str] = frozenset()
    min_shout_words: int = 2


@dataclass(frozen=True, slots=True)
class TimeSettings:
    """The platform's zone and the other zones operators write, with UTC offsets in hours."""

    zone: str = "KST"
    utc_offset_hours: float = 9
    local_aliases: tuple[str, ...] = ("KST",)
    other_zones: dict[str, float] = field(default_factory=dict)
    relative_dates: tuple[str, ...] = ()
    zone_declaration_words: tuple[str, ...] = ()  # a sentence with one of these and the zone declares it
    range_words: tuple[str, ...] = ()  # between two times of a range that names its zone once
    duration_words: tuple[str, ...] = ()  # after a number: a duration or ratio, not a time
    timestamp_words: tuple[str, ...] = ()  # before a number: a position in a recording


@dataclass(frozen=True, slots=True)
class Pack:
    name: str
    title: str
    language: LanguagePolicy
    time_zone: str
    utc_offset_hours: float
    line_width: int
    kinds: dict[str, KindRules]
    ids: tuple[IdType, ...]
    attachments: AttachmentRules
    template_similarity: float = 70.0  # percent of a reply worded like the auto-response templates
    repeat_similarity: float = 90.0
    evidence_words: tuple[str, ...] = ()  # words that make a reply more than an auto-response
    tone: ToneSettings = ToneSettings()
    time: TimeSettings = TimeSettings()
    source: str = ""

    @property
    def tz(self) -> timezone:
        return timezone(timedelta(hours=self.utc_offset_hours), self.time_zone)

    def kind(self, name: str) -> KindRules:
        return self.kinds.get(name) or self.kinds["general"]


def merge_tables(base: dict, override: dict) -> dict:
    """Deep-merge tables; arrays and scalars in `override` replace the base's."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge_tables(out[key], value)
        else:
            out[key] = value
    return out


# --- validation helpers -----------------------------------------------------

def _get(table: dict, keys: tuple, key: str, kind, default=None, *, required=False):
    if key not in table:
        if required:
            raise PackError(keys, f"missing required key '{key}'")
        return default
    value = table[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds:
        raise PackError(keys + (key,), f"'{key}' must be {_kind_name(kinds)}, not a boolean")
    if not isinstance(value, kinds):
        raise PackError(keys + (key,), f"'{key}' must be {_kind_name(kinds)}, got {type(value).__name__}")
    return value


def _kind_name(kinds) -> str:
    names = {str: "a string", int: "an integer", float: "a number", bool: "true or false", list: "a list", dict: "a table"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _str_tuple(table: dict, keys: tuple, key: str) -> tuple[str, ...]:
    value = _get(table, keys, key, list, [])
    for i, item in enumerate(value):
        if not isinstance(item, str):
            raise PackError(keys + (key,), f"'{key}' item {i + 1} must be a string")
    return tuple(value)


def _positive(table, keys, key, kind=int):
    value = _get(table, keys, key, (int, float) if kind is float else int)
    if value is not None and value <= 0:
        raise PackError(keys + (key,), f"'{key}' must be positive")
    return value


def _subtables(table: dict, keys: tuple, key: str, needs: str):
    """(item, its key path) for each table of an array of tables such as [[kinds.x.topics]]."""
    for i, item in enumerate(_get(table, keys, key, list, [])):
        ikeys = keys + (key, i)
        if not isinstance(item, dict):
            raise PackError(ikeys, f"{key} item {i + 1} must be a table with {needs}")
        yield item, ikeys


def _window(value, keys) -> Window | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise PackError(keys, "'window' must be a table such as { hours = 2 } or { days = 7, end_of_day = true }")
    allowed = {"hours", "days", "business_days", "end_of_day", "note"}
    unknown = set(value) - allowed
    if unknown:
        raise PackError(keys, f"unknown window keys: {', '.join(sorted(unknown))} (allowed: {', '.join(sorted(allowed))})")
    w = Window(
        hours=_positive(value, keys, "hours", float),
        days=_positive(value, keys, "days"),
        business_days=_positive(value, keys, "business_days"),
        end_of_day=bool(_get(value, keys, "end_of_day", bool, False)),
        note=_get(value, keys, "note", str, ""),
    )
    if sum(x is not None for x in (w.hours, w.days, w.business_days)) > 1:
        raise PackError(keys, "a window takes one of hours, days or business_days")
    return w


def _compile_check(pattern: str, keys: tuple) -> None:
    """Invalid or backtracking-prone patterns are refused: they run on every draft."""
    try:
        re.compile(pattern)
    except re.error as exc:
        raise PackError(keys, f"invalid regular expression {pattern!r}: {exc}") from None
    from ..regexcheck import problems

    found = problems(pattern)
    if found:
        raise PackError(keys, f"regular expression {pattern!r} {found[0]}")


# The tables and keys a pack may have: a misspelt one ([langauge], max_char)
# must be an error, not a silent fall-back to the base pack's value.
KNOWN_KEYS: dict[str, frozenset[str]] = {
    "": frozenset({"pack", "language", "time", "length", "tone", "similarity", "attachments", "kinds", "ids"}),
    "pack": frozenset({"title"}),
    "language": frozenset({"allowed", "min_detect_chars", "hanja_max_run", "fullwidth_punctuation"}),
    "time": frozenset({"zone", "utc_offset_hours", "local_aliases", "relative_dates", "other_zones",
                       "zone_declaration_words", "range_words", "duration_words", "timestamp_words"}),
    "length": frozenset({"line_width", "max_paragraph_lines", "min_chars", "max_chars"}),
    "tone": frozenset({"acronyms", "shout_words", "min_shout_words"}),
    "similarity": frozenset({"template", "repeat", "evidence_words"}),
    "attachments": frozenset({"allowed_extensions", "forbidden_extensions", "max_bytes", "max_count",
                              "order_id_in_name", "min_image", "cloud_hosts", "qr_phrases"}),
    "kinds.*": frozenset({"title", "window", "priority", "required_keywords", "topics", "required_sections",
                          "sections_source", "cite_ids", "max_chars", "min_chars", "max_paragraph_lines",
                          "order_id_in_name"}),
    "kinds.*.topics.*": frozenset({"name", "notice", "required_keywords"}),
    "kinds.*.required_sections.*": frozenset({"name", "headings", "cues"}),
    "ids.*": frozenset({"name", "title", "field", "pattern", "labels", "example", "source", "case_sensitive",
                        "unlabelled"}),
}


def _check_known_keys(data: dict) -> None:
    def unknown(table: dict, allowed: frozenset[str], keys: tuple) -> None:
        if not isinstance(table, dict):
            return
        for key in table:
            if key not in allowed:
                near = sorted(allowed)
                raise PackError(keys + (key,), f"unknown key '{key}' (allowed here: {', '.join(near)})")

    unknown(data, KNOWN_KEYS[""], ())
    for name in ("pack", "language", "time", "length", "tone", "similarity", "attachments"):
        unknown(data.get(name), KNOWN_KEYS[name], (name,))
    kinds = data.get("kinds")
    if isinstance(kinds, dict):
        for kname, ktable in kinds.items():
            unknown(ktable, KNOWN_KEYS["kinds.*"], ("kinds", kname))
            if not isinstance(ktable, dict):
                continue
            for sub in ("topics", "required_sections"):
                items = ktable.get(sub)
                if isinstance(items, list):
                    for i, item in enumerate(items):
                        unknown(item, KNOWN_KEYS[f"kinds.*.{sub}.*"], ("kinds", kname, sub, i))
    ids = data.get("ids")
    if isinstance(ids, list):
        for i, t in enumerate(ids):
            unknown(t, KNOWN_KEYS["ids.*"], ("ids", i))


KNOWN_ID_FIELDS = tuple(ID_FIELDS)


def pack_from_mapping(name: str, data: dict, *, source: str = "") -> Pack:
    """Validate a merged pack mapping. Raises PackError(keys, message)."""
    _check_known_keys(data)
    meta = _get(data, (), "pack", dict, {})
    title = _get(meta, ("pack",), "title", str, name)

    lang = _get(data, (), "language", dict, {})
    allowed = _str_tuple(lang, ("language",), "allowed")
    for code in allowed:
        if code not in LANGUAGE_CODES:
            raise PackError(("language", "allowed"), f"unknown language {code!r} (known: {', '.join(LANGUAGE_CODES)})")
    if not allowed:
        raise PackError(("language", "allowed"), "a pack must allow at least one language")
    policy = LanguagePolicy(
        allowed=allowed,
        min_detect_chars=_get(lang, ("language",), "min_detect_chars", int, 40),
        hanja_max_run=_get(lang, ("language",), "hanja_max_run", int, 2),
        fullwidth_punctuation=_get(lang, ("language",), "fullwidth_punctuation", bool, False),
    )

    time_t = _get(data, (), "time", dict, {})
    tz_name = _get(time_t, ("time",), "zone", str, "KST")
    offset = _get(time_t, ("time",), "utc_offset_hours", (int, float), 9)

    length_t = _get(data, (), "length", dict, {})
    line_width = _get(length_t, ("length",), "line_width", int, 100)
    defaults = {
        "max_chars": _get(length_t, ("length",), "max_chars", int),
        "min_chars": _get(length_t, ("length",), "min_chars", int),
        "max_paragraph_lines": _get(length_t, ("length",), "max_paragraph_lines", int),
    }

    kinds_t = _get(data, (), "kinds", dict, {})
    kinds: dict[str, KindRules] = {}
    for kname, ktable in kinds_t.items():
        keys = ("kinds", kname)
        if not isinstance(ktable, dict):
            raise PackError(keys, f"kinds.{kname} must be a table")
        sections = []
        for s, skeys in _subtables(ktable, keys, "required_sections", "a 'name' and 'headings'"):
            name = _get(s, skeys, "name", str, required=True)
            headings = _str_tuple(s, skeys, "headings") or (name,)
            sections.append(Section(name, headings, _str_tuple(s, skeys, "cues")))
        topics = []
        for t, tkeys in _subtables(ktable, keys, "topics", "'name', 'notice' and 'required_keywords'"):
            tname = _get(t, tkeys, "name", str, required=True)
            notice = _str_tuple(t, tkeys, "notice")
            if not notice:
                raise PackError(tkeys, f"topic {tname!r} needs 'notice' phrases that select it")
            topics.append(Topic(tname, notice, _str_tuple(t, tkeys, "required_keywords")))
        cite = _str_tuple(ktable, keys, "cite_ids")
        for f in cite:
            if f not in KNOWN_ID_FIELDS:
                raise PackError(keys + ("cite_ids",), f"unknown ID field {f!r} (known: {', '.join(KNOWN_ID_FIELDS)})")
        kinds[kname] = KindRules(
            name=kname,
            title=_get(ktable, keys, "title", str, kname.replace("-", " ")),
            window=_window(ktable.get("window"), keys + ("window",)),
            priority=_get(ktable, keys, "priority", str, "normal"),
            required_keywords=_str_tuple(ktable, keys, "required_keywords"),
            topics=tuple(topics),
            required_sections=tuple(sections),
            sections_source=_get(ktable, keys, "sections_source", str, ""),
            cite_ids=cite,
            max_chars=_get(ktable, keys, "max_chars", int, defaults["max_chars"]),
            min_chars=_get(ktable, keys, "min_chars", int, defaults["min_chars"]),
            max_paragraph_lines=_get(ktable, keys, "max_paragraph_lines", int, defaults["max_paragraph_lines"]),
            order_id_in_name=_get(ktable, keys, "order_id_in_name", bool, None),
        )
    if "general" not in kinds:
        kinds["general"] = KindRules(name="general", title="general", **defaults)

    ids = []
    for i, t in enumerate(_get(data, (), "ids", list, [])):
        keys = ("ids", i)
        if not isinstance(t, dict):
            raise PackError(keys, "each [[ids]] entry must be a table")
        field_name = _get(t, keys, "field", str, "")
        if field_name and field_name not in KNOWN_ID_FIELDS:
            raise PackError(keys + ("field",), f"unknown ID field {field_name!r} (known: {', '.join(KNOWN_ID_FIELDS)})")
        pattern = _get(t, keys, "pattern", str, "")
        if pattern:
            _compile_check(pattern, keys + ("pattern",))
        id_type = IdType(
            name=_get(t, keys, "name", str, required=True),
            title=_get(t, keys, "title", str, ""),
            field=field_name,
            pattern=pattern,
            labels=_str_tuple(t, keys, "labels"),
            example=_get(t, keys, "example", str, ""),
            source=_get(t, keys, "source", str, ""),
            case_sensitive=_get(t, keys, "case_sensitive", bool, True),
            unlabelled=_get(t, keys, "unlabelled", bool, False),
        )
        if id_type.unlabelled and not pattern:
            raise PackError(keys + ("unlabelled",), "an ID type without a 'pattern' cannot be found unlabelled")
        if id_type.example and pattern and not re.fullmatch(id_type.pattern, id_type.example):
            raise PackError(keys + ("example",), f"example {id_type.example!r} does not match its own pattern {pattern!r}")
        if any(other.name == id_type.name for other in ids):
            raise PackError(keys + ("name",), f"two [[ids]] named {id_type.name!r}: the later would silently replace the earlier")
        ids.append(id_type)

    att = _get(data, (), "attachments", dict, {})
    akeys = ("attachments",)
    min_image = _get(att, akeys, "min_image", list, None)
    if min_image is not None and (len(min_image) != 2 or not all(isinstance(v, int) for v in min_image)):
        raise PackError(akeys + ("min_image",), "min_image must be [width, height]")
    attachments = AttachmentRules(
        allowed_extensions=tuple(e.lower().lstrip(".") for e in _str_tuple(att, akeys, "allowed_extensions")),
        forbidden_extensions=tuple(e.lower().lstrip(".") for e in _str_tuple(att, akeys, "forbidden_extensions")),
        max_bytes=_positive(att, akeys, "max_bytes"),
        max_count=_positive(att, akeys, "max_count"),
        order_id_in_name=_get(att, akeys, "order_id_in_name", bool, False),
        min_image_width=min_image[0] if min_image else None,
        min_image_height=min_image[1] if min_image else None,
        cloud_hosts=tuple(h.lower() for h in _str_tuple(att, akeys, "cloud_hosts")),
        qr_phrases=_str_tuple(att, akeys, "qr_phrases"),
    )

    tone_t = _get(data, (), "tone", dict, {})
    tone = ToneSettings(
        acronyms=frozenset(a.upper() for a in _str_tuple(tone_t, ("tone",), "acronyms")),
        shout_words=frozenset(w.lower() for w in _str_tuple(tone_t, ("tone",), "shout_words")),
        min_shout_words=_positive(tone_t, ("tone",), "min_shout_words") or 2,
    )
    zones_t = _get(time_t, ("time",), "other_zones", dict, {})
    for zname, zoff in zones_t.items():
        if isinstance(zoff, bool) or not isinstance(zoff, (int, float)) or not -14 <= zoff <= 14:
            raise PackError(("time", "other_zones", zname), f"offset of {zname!r} must be hours between -14 and 14")
    time_settings = TimeSettings(
        zone=tz_name,
        utc_offset_hours=float(offset),
        local_aliases=_str_tuple(time_t, ("time",), "local_aliases") or (tz_name,),
        other_zones={k: float(v) for k, v in zones_t.items()},
        relative_dates=_str_tuple(time_t, ("time",), "relative_dates"),
        zone_declaration_words=_str_tuple(time_t, ("time",), "zone_declaration_words"),
        range_words=_str_tuple(time_t, ("time",), "range_words"),
        duration_words=_str_tuple(time_t, ("time",), "duration_words"),
        timestamp_words=_str_tuple(time_t, ("time",), "timestamp_words"),
    )
    for i, phrase in enumerate(time_settings.relative_dates):
        if phrase.startswith("re:"):
            _compile_check(phrase[3:], ("time", "relative_dates"))

    sim = _get(data, (), "similarity", dict, {})
    return Pack(
        name=name,
        title=title,
        language=policy,
        time_zone=tz_name,
        utc_offset_hours=float(offset),
        line_width=line_width,
        kinds=kinds,
        ids=tuple(ids),
        attachments=attachments,
        template_similarity=float(_get(sim, ("similarity",), "template", (int, float), 70)),
        repeat_similarity=float(_get(sim, ("similarity",), "repeat", (int, float), 90)),
        evidence_words=_str_tuple(sim, ("similarity",), "evidence_words"),
        tone=tone,
        time=time_settings,
        source=source,
    )
