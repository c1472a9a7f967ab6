"""Attachments: evidence the platform can open, link to the order, and count.

Rules come from the pack: JPG/PNG (PDF where accepted), no archives,
at most N files of at most M bytes, file names carrying the order ID
(Evidence_ProofOfDelivery_20240520_<OrderID>.pdf), images large enough for
OCR, and files uploaded rather than linked from a cloud drive or a QR code.
Attachments are listed in the case context; findings point at the
attachment's name in the front matter when it is there.
"""
from __future__ import annotations

import re

from ..context import ID_FIELDS
from ..evidence import checklist
from ..phrases import PhraseSet
from .base import RuleInput


# A link starts with a scheme or "www."; bare hosts are found from the pack's host list.
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"')\]]+", re.IGNORECASE)
_URL_TAIL = re.compile(r"[^\s<>\"')\]]*")


_MAX_URL = 300  # a link longer than this is cut for the report; keeps the scan linear


def _cloud_links(inp: RuleInput, body: str, hosts: tuple[str, ...]):
    """Links to cloud drives, with or without a scheme, each reported once; linear in the text."""
    low = inp.lower
    spans: list[tuple[int, int, str]] = []
    if "http" in low or "www." in low:
        for m in _URL.finditer(body):
            url = m.group().rstrip(".,;:!?")
            host = re.sub(r"^(?:https?://)?(?:www\.)?", "", url.lower()).split("/", 1)[0]
            if any(host == h or host.endswith("." + h) for h in hosts):
                spans.append((m.start(), m.start() + min(len(url), _MAX_URL), host))
    bare: list[tuple[int, str]] = []
    for host in hosts:
        pos = low.find(host + "/")
        while pos != -1:
            bare.append((pos, host))
            pos = low.find(host + "/", pos + len(host) + 1)
    if bare:
        bare.sort()
        covered = sorted((s, e) for s, e, _ in spans)
        i, reach = 0, -1
        for pos, host in bare:
            while i < len(covered) and covered[i][0] <= pos:
                reach = max(reach, covered[i][1])
                i += 1
            if pos < reach:
                continue  # inside a link already reported (https://drive.google.com/...)
            start = pos
            while start and pos - start < 64 and (low[start - 1].isalnum() or low[start - 1] in ".-"):
                start -= 1  # a subdomain in front of the host
            end = _URL_TAIL.match(body, pos, min(len(body), pos + _MAX_URL)).end()
            url = body[start:end].rstrip(".,;:!?")
            spans.append((start, start + len(url), host))
            reach = max(reach, start + len(url))
    for start, end, host in sorted(spans):
        yield inp.finding("ATT006", start, end, f"cloud-drive link ({host}): reviewers do not open links",
                          suggestion="upload the files as attachments")


def _locate(inp: RuleInput, name: str) -> tuple[int, int]:
    """Body-relative span of an attachment name in the front matter, or the body start."""
    head = inp.draft.text[: inp.body_start]
    pos = head.find(name)
    if pos == -1:
        return 0, 0
    return pos - inp.body_start, pos - inp.body_start + len(name)


def _fmt_bytes(n: int) -> str:
    return f"{n / 1048576:.1f} MB"


def check(inp: RuleInput):
    rules = inp.pack.attachments
    ctx = inp.context
    order_ids = ctx.order_ids
    order_shapes = [re.compile(t.pattern) for t in inp.pack.ids if t.field == "order_ids" and t.pattern] if ctx.attachments else []
    names_carry_ids = rules.order_id_in_name if inp.kind.order_id_in_name is None else inp.kind.order_id_in_name
    case_ids = [i for f in ID_FIELDS for i in ctx.ids_of(f)]
    for att in ctx.attachments:
        start, end = _locate(inp, att.name)
        ext = att.name.rsplit(".", 1)[-1].lower() if "." in att.name else ""
        if ext in rules.forbidden_extensions:
            yield inp.finding("ATT001", start, end, f"'{att.name}' is an archive ({ext}); upload the files themselves",
                              suggestion="attach JPG/PNG/PDF files directly")
        elif rules.allowed_extensions and ext not in rules.allowed_extensions:
            yield inp.finding("ATT001", start, end,
                              f"'{att.name}': type '{ext or 'none'}' is not accepted (allowed: {', '.join(rules.allowed_extensions)})")
        if rules.max_bytes and att.bytes is not None and att.bytes > rules.max_bytes:
            yield inp.finding("ATT002", start, end,
                              f"'{att.name}' is {_fmt_bytes(att.bytes)}; the limit is {_fmt_bytes(rules.max_bytes)}",
                              suggestion="compress or split the file")
        if ext in rules.image_extensions and rules.min_image_width and att.width and att.height:
            # What OCR needs is pixels: 1200×1600 is 1.92 megapixels, in either orientation,
            # and a 1920×1080 screenshot has more.
            if att.width * att.height < rules.min_image_width * rules.min_image_height:
                yield inp.finding("ATT007", start, end,
                                  f"'{att.name}' is {att.width}×{att.height}; OCR needs at least "
                                  f"{rules.min_image_width}×{rules.min_image_height}")
        if names_carry_ids and order_ids:
            digits = re.findall(r"[A-Za-z0-9\-]+", att.name.rsplit(".", 1)[0].replace("_", " "))
            carried = [d for d in digits if any(s.fullmatch(d) for s in order_shapes)]
            if any(i in att.name for i in case_ids):
                continue  # the order ID, or the claim, case or ASIN the file is about
            if carried:
                yield inp.finding("ATT005", start, end,
                                  f"'{att.name}' carries order ID {carried[0]}, not this case's ({', '.join(order_ids)})",
                                  suggestion=att.name.replace(carried[0], order_ids[0]))
            else:
                stem, dot, suffix = att.name.rpartition(".")
                suggestion = f"{stem}_{order_ids[0]}.{suffix}" if dot else f"{att.name}_{order_ids[0]}"
                yield inp.finding("ATT004", start, end, f"'{att.name}' does not carry the order ID",
                                  suggestion=suggestion)
    if rules.max_count and len(ctx.attachments) > rules.max_count:
        yield inp.whole_reply("ATT003", f"{len(ctx.attachments)} attachments; the platform accepts at most {rules.max_count}",
                              suggestion="keep the strongest evidence, one file per point")
    body = inp.body
    if rules.cloud_hosts and "/" in body:
        yield from _cloud_links(inp, body, rules.cloud_hosts)
    qr = inp.resources.compiled(("qr", inp.pack.name), lambda: PhraseSet(inp.pack.attachments.qr_phrases))
    for m in qr.finditer(body, inp.lower):
        yield inp.finding("ATT006", m.start, m.end, "QR code instead of a file: reviewers do not scan codes",
                          suggestion="upload the files as attachments")
    yield from evidence_gaps(inp)


# --- evidence: every point of the notice covered, nothing unrelated in the package ---------

def evidence_gaps(inp: RuleInput):
    """ATT008: an item of the notice's list that no attachment covers; ATT009: an attachment that covers none.

    Judged against the notice's own list (`required_evidence`) only. The
    pack's list for a kind (`[kinds.<kind>] evidence`) is the desk's
    checklist, what such a reply usually carries: a return dispute about
    the item's condition is answered with the inspection, not a proof of
    delivery, and a linter that asked for one anyway would cry wolf on a
    sound reply.
    """
    ctx = inp.context
    found = checklist(inp.pack, inp.kind, ctx)
    if not found.items or not found.demanded:
        return
    example = f"Evidence_<Type>_<YYYYMMDD>_{ctx.order_ids[0] if ctx.order_ids else '<OrderID>'}.jpg"
    for item in found.missing:
        yield inp.whole_reply(
            "ATT008", f"no attachment is {item.title}, which the notice asks for",
            suggestion=f"attach it, named for what it is ({example})",
        )
    asked = ", ".join(i.title for i in found.items)
    for name in found.unrelated:
        start, end = _locate(inp, name)
        yield inp.finding(
            "ATT009", start, end,
            f"'{name}' covers none of the evidence the notice asks for ({asked})",
            suggestion="leave it out, or name it for the point it proves",
        )
