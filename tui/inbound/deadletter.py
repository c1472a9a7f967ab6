"""Deliveries the receiver could not use, kept for the operator: `QUEUE/dead-letter/`.

An authentic delivery (its signature checked) that is not JSON, not its
platform's shape, or lacks a field is answered 400 and written here, whole,
with the reason: `<UTC time>-<endpoint>-<hash of the body>.json` holding
`{"received_at", "endpoint", "reason", "body"}` (`body_base64` when the bytes
are not UTF-8). Nothing in the payload names the file.

Once the sender or sources.toml is fixed, `replydesk import DIR/dead-letter/F.json`
reads the letter's body as its endpoint's payload, exactly as if it had been
delivered again (an event already applied stays a duplicate). The letters
are not removed by replydesk: that is the operator's call. `replydesk doctor`
counts them.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from datetime import datetime, timezone
from pathlib import Path

FOLDER = "dead-letter"
_KEYS = frozenset({"received_at", "endpoint", "reason"})
# The endpoint a letter came to -> the source its body is read as (the relay's: by its shape).
ENDPOINT_SOURCE = {"tiktok": "tiktok", "shopee": "shopee", "relay": None}


def write(store, endpoint: str, body: bytes, reason: str, now: datetime) -> Path:
    """Keep one rejected delivery (atomically, with the queue's modes); OSError when it cannot."""
    from ..queue.atomic import atomic_write_bytes

    folder = store.root / FOLDER
    stamp = now.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%S")
    path = folder / f"{stamp}-{endpoint}-{hashlib.sha256(body).hexdigest()[:16]}.json"
    try:
        kept = {"body": body.decode("utf-8")}
    except UnicodeDecodeError:
        kept = {"body_base64": base64.b64encode(body).decode("ascii")}
    letter = {"received_at": now.isoformat(timespec="seconds"), "endpoint": endpoint, "reason": reason, **kept}
    store.modes.make_folder(folder)
    atomic_write_bytes(path, (json.dumps(letter, ensure_ascii=False, indent=2) + "\n").encode("utf-8"), new_mode=store.modes.file)
    return path


def is_letter(record) -> bool:
    return isinstance(record, dict) and _KEYS <= record.keys() and ("body" in record or "body_base64" in record)


def body_of(record: dict) -> tuple[bytes, str | None]:
    """(the delivery's bytes, the source to read them as); ValueError saying why not."""
    endpoint = record.get("endpoint")
    if endpoint not in ENDPOINT_SOURCE:
        raise ValueError(f"a dead letter from an unknown endpoint {str(endpoint)[:20]!r}")
    if "body" in record:
        if not isinstance(record["body"], str):
            raise ValueError("the dead letter's body must be text")
        return record["body"].encode("utf-8", "surrogatepass"), ENDPOINT_SOURCE[endpoint]
    try:
        return base64.b64decode(str(record["body_base64"]), validate=True), ENDPOINT_SOURCE[endpoint]
    except (binascii.Error, ValueError):
        raise ValueError("the dead letter's body_base64 is not base64") from None


def count(root: Path) -> tuple[int, Path | None]:
    """How many letters wait in a queue, and the newest (by name, which starts with the time)."""
    folder = Path(root) / FOLDER
    try:
        with os.scandir(folder) as entries:
            names = sorted(e.name for e in entries if e.name.endswith(".json") and not e.name.startswith("."))
    except OSError:
        return 0, None
    return len(names), (folder / names[-1]) if names else None
