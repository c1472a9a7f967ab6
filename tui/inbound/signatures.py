"""Who sent a delivery: each platform's signature, checked in constant time, and where the
secrets come from.

- TikTok Shop (docv2/page/tts-webhooks-overview): header `Authorization` =
  lowercase hex HMAC-SHA256, key the app secret, message the app key followed
  by the raw body (the page's test vector is in tests/inbound/test_signatures.py).
- Shopee (Developer Guide "Push Mechanism"; the SDKs agree): header
  `Authorization` = hex HMAC-SHA256, key the partner key, message the push URL
  exactly as registered in the console, `|`, the raw body. Behind a proxy
  the URL the receiver sees is not the one Shopee signed, so it is configured
  (`push_url`), never guessed from the request.
- The relay (a seller's ERP or server forwarding Coupang or Amazon events,
  which reach it by polling or SQS): headers `X-Replydesk-Timestamp` (Unix
  seconds) and `X-Replydesk-Signature: sha256=<hex HMAC-SHA256(secret,
  "<timestamp>.<raw body>")>`, the Stripe scheme: the timestamp is signed, so
  an old delivery cannot be replayed with a new one.

Secrets come from the environment (`REPLYDESK_TIKTOK_APP_KEY`,
`REPLYDESK_TIKTOK_APP_SECRET`, `REPLYDESK_SHOPEE_PARTNER_KEY`,
`REPLYDESK_SHOPEE_PUSH_URL`, `REPLYDESK_RELAY_SECRET`) or a TOML file
(`--secrets FILE`: `[tiktok] app_key, app_secret`, `[shopee] partner_key,
push_url`, `[relay] secret`) that must lie outside the queue and be
readable by its owner only. They are never logged, printed or kept in a
dead letter; `Secrets.__repr__` shows which are set, not what they are.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from replydesk.linting.tomldata import DataFileError, load_toml_file

ENDPOINTS = ("tiktok", "shopee", "relay")
_ENV = {
    ("tiktok", "app_key"): "REPLYDESK_TIKTOK_APP_KEY",
    ("tiktok", "app_secret"): "REPLYDESK_TIKTOK_APP_SECRET",
    ("shopee", "partner_key"): "REPLYDESK_SHOPEE_PARTNER_KEY",
    ("shopee", "push_url"): "REPLYDESK_SHOPEE_PUSH_URL",
    ("relay", "secret"): "REPLYDESK_RELAY_SECRET",
}
_NEEDED = {"tiktok": ("app_key", "app_secret"), "shopee": ("partner_key", "push_url"), "relay": ("secret",)}


class SecretsError(ValueError):
    """The secrets cannot be used (a file in the queue, readable by others, a half-configured platform)."""


class BadSignature(Exception):
    """The delivery is not from whom it claims: 401, nothing written. The reason names what failed, never a secret."""


@dataclass(frozen=True)
class Secrets:
    values: dict  # (endpoint, name) -> str

    def __repr__(self) -> str:  # never the values
        return f"Secrets(endpoints={self.endpoints()})"

    def get(self, endpoint: str, name: str) -> str | None:
        return self.values.get((endpoint, name))

    def endpoints(self) -> tuple[str, ...]:
        """The endpoints with every secret they need: the others answer 404."""
        return tuple(e for e in ENDPOINTS if all(self.get(e, n) for n in _NEEDED[e]))


def load_secrets(file: Path | None, queue: Path, environ=os.environ) -> Secrets:
    values: dict = {}
    for key, variable in _ENV.items():
        if environ.get(variable):
            values[key] = environ[variable]
    if file is not None:
        values.update(_from_file(Path(file), Path(queue)))
    for endpoint, names in _NEEDED.items():
        given = [n for n in names if values.get((endpoint, n))]
        if given and len(given) < len(names):
            missing = [n for n in names if n not in given]
            raise SecretsError(
                f"{endpoint}: {', '.join(given)} is set but {', '.join(missing)} is not "
                f"({', '.join(_ENV[(endpoint, n)] for n in missing)} or [{endpoint}] in the secrets file)"
            )
    return Secrets(values)


def _from_file(path: Path, queue: Path) -> dict:
    try:
        resolved, queue_dir = path.resolve(), queue.resolve()
    except OSError as exc:
        raise SecretsError(f"{path}: {exc.strerror or exc}") from None
    if resolved == queue_dir or queue_dir in resolved.parents:
        raise SecretsError(f"{path}: the secrets file is inside the queue, which every operator can read; keep it outside")
    try:
        st = os.stat(resolved)
    except OSError as exc:
        raise SecretsError(f"{path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise SecretsError(f"{path}: not a regular file")
    if st.st_mode & 0o077:
        raise SecretsError(f"{path}: readable by others (mode {stat.S_IMODE(st.st_mode):04o}); chmod 600 it")
    try:
        doc = load_toml_file(resolved)
    except DataFileError as exc:
        # The message names the line, not its text: a secret must not reach the terminal.
        raise SecretsError(f"{path}:{exc.line or '?'}: not valid TOML") from None
    out = {}
    for endpoint, table in doc.data.items():
        if endpoint not in _NEEDED or not isinstance(table, dict):
            raise SecretsError(f"{path}:{doc.locate(endpoint) or '?'}: unknown section [{endpoint}] (known: {', '.join(_NEEDED)})")
        for name, value in table.items():
            if name not in _NEEDED[endpoint] or not isinstance(value, str) or not value:
                raise SecretsError(f"{path}:{doc.locate(endpoint, name) or '?'}: [{endpoint}] takes {', '.join(_NEEDED[endpoint])} (non-empty strings)")
            out[(endpoint, name)] = value
    return out


def _hex(key: str, message: bytes) -> str:
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()


def _same(expected: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(expected.encode(), given.strip().lower().encode("utf-8", "replace"))


def tiktok_signature(app_key: str, app_secret: str, body: bytes) -> str:
    return _hex(app_secret, app_key.encode("utf-8") + body)


def shopee_signature(partner_key: str, push_url: str, body: bytes) -> str:
    return _hex(partner_key, push_url.encode("utf-8") + b"|" + body)


def relay_signature(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + _hex(secret, timestamp.encode("ascii") + b"." + body)


def verify(endpoint: str, secrets: Secrets, headers, body: bytes) -> int | None:
    """Raise BadSignature unless the delivery is signed; the relay's signed timestamp (else None)."""
    if endpoint == "tiktok":
        expected = tiktok_signature(secrets.get("tiktok", "app_key"), secrets.get("tiktok", "app_secret"), body)
        if not _same(expected, headers.get("Authorization")):
            raise BadSignature("bad or missing Authorization signature")
        return None
    if endpoint == "shopee":
        expected = shopee_signature(secrets.get("shopee", "partner_key"), secrets.get("shopee", "push_url"), body)
        if not _same(expected, headers.get("Authorization")):
            raise BadSignature("bad or missing Authorization signature")
        return None
    stamp = (headers.get("X-Replydesk-Timestamp") or "").strip()
    if not stamp.isdigit() or len(stamp) > 12:
        raise BadSignature("missing or malformed X-Replydesk-Timestamp")
    expected = relay_signature(secrets.get("relay", "secret"), stamp, body)
    if not _same(expected, headers.get("X-Replydesk-Signature")):
        raise BadSignature("bad or missing X-Replydesk-Signature")
    return int(stamp)
