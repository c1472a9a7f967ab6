"""`replydesk receive --queue DIR [--listen 127.0.0.1:8787]`: platforms' pushes in, case updates out.

    POST /tiktok    TikTok Shop webhooks          (Authorization: HMAC of app key + body)
    POST /shopee    Shopee push                   (Authorization: HMAC of push URL | body)
    POST /relay     any payload `replydesk import` reads, forwarded by the seller's
                    ERP or server (Coupang polls, Amazon SQS); X-Replydesk-Signature
    GET  /healthz   200 "ok"

Each delivery goes through the same path as `replydesk import`
(detect -> adapter -> apply), and is answered 2xx only after the case file
is durably written (apply fsyncs it). Nothing else is trusted first:

1. body size (`--max-body`, default 256 KiB; checked on Content-Length before
   reading, and while reading) -> 413;
2. signature (signatures.py, constant-time) -> 401, nothing written, nothing kept;
3. rate limit per endpoint (a token bucket: `--rate`/s, `--burst`) -> 429 with
   Retry-After; bad signatures draw on a bucket of their own, so a flood of
   forged requests cannot use up the platform's;
4. JSON and the payload's shape -> 400 with the reason, the body kept in
   `DIR/dead-letter/` for the operator (its name is the time and a hash:
   nothing in a payload names a file);
5. age: the envelope's `timestamp` (TikTok Shop, Shopee) or the relay's signed
   header, within sources.toml `[receiver]` -> 401 (stale), nothing written;
6. apply, in a small pool of writer threads (`--workers`); a duplicate (same
   event ID) answers 200 "duplicate" and changes nothing.
At most `--max-inflight` deliveries are handled at once; more wait for a
slot, so 200 concurrent deliveries cost 200 sockets, not 200 threads.

Server library: aiohttp. It is a maintained asyncio HTTP/1.1 server with a C
parser (llhttp), request body limits and keep-alive built in, so one process
holds hundreds of concurrent deliveries on a few threads. The standard
library's http.server is documented as not for production (no limits, one
thread per connection with ThreadingMixIn); Starlette on uvicorn would be
two dependencies and an ASGI layer for three routes.

One log line per delivery (stderr, or `--log FILE`), text or `--log-format json`
(JSON lines): time, endpoint, client, HTTP status, outcome, case, event ID,
milliseconds and the reason. Never a secret, a signature or the body.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

from replydesk.linting.context import KST

DEFAULT_LISTEN = "127.0.0.1:8787"
DEFAULT_MAX_BODY = 256 * 1024
EXIT_OK, EXIT_ERROR = 0, 2


class TokenBucket:
    """`rate` deliveries a second on average, `burst` at once; per endpoint."""

    def __init__(self, rate: float, burst: int, clock=time.monotonic):
        self.rate, self.burst, self.clock = rate, burst, clock
        self.tokens, self.stamp = float(burst), clock()

    def take(self) -> float:
        """0 when a delivery may go on, else the seconds until it could."""
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


class EventLog:
    """One line per delivery, text or JSON lines; written whole under a lock (threads share it)."""

    def __init__(self, stream, as_json: bool):
        self.stream, self.as_json = stream, as_json
        self._lock = threading.Lock()

    def write(self, **fields) -> None:
        fields = {"time": datetime.now(KST).isoformat(timespec="milliseconds"), **fields}
        if self.as_json:
            line = json.dumps(fields, ensure_ascii=False)
        else:
            from replydesk.linting.display import visible_controls

            head = f"{fields.pop('time')} {fields.pop('endpoint', '-')} {fields.pop('status', '-')} {fields.pop('outcome', '-')}"
            rest = " ".join(f"{k}={v}" for k, v in fields.items() if v not in (None, ""))
            line = visible_controls(f"{head} {rest}".rstrip())
        with self._lock:
            self.stream.write(line + "\n")
            self.stream.flush()


class Receiver:
    """The HTTP application around one queue (build with `app()`; `serve()` runs it)."""

    def __init__(self, store, secrets, *, max_body: int = DEFAULT_MAX_BODY, rate: float = 100.0, burst: int = 400,
                 workers: int = 4, max_inflight: int = 256, log: EventLog | None = None, clock=None):
        from .signatures import ENDPOINTS
        from .sources import sources

        self.store, self.secrets = store, secrets
        self.max_body = max_body
        self.tables = sources()
        self.buckets = {e: TokenBucket(rate, burst) for e in ENDPOINTS}  # signed deliveries
        self.failures = {e: TokenBucket(rate, burst) for e in ENDPOINTS}  # bad signatures
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="replydesk-write")
        self.inflight = asyncio.Semaphore(max_inflight)
        self.log = log or EventLog(sys.stderr, as_json=False)
        self.clock = clock or (lambda: datetime.now(KST))

    def app(self):
        from aiohttp import web

        app = web.Application(client_max_size=self.max_body)
        for endpoint in self.secrets.endpoints():
            app.router.add_post(f"/{endpoint}", self._handler(endpoint))
        app.router.add_get("/healthz", self._health)
        app.router.add_route("*", "/{tail:.*}", self._unknown)
        return app

    async def _unknown(self, request):
        """Any other path or method: 404, in JSON like every answer (an endpoint without its secrets is not served)."""
        from aiohttp import web

        served = ", ".join(f"POST /{e}" for e in self.secrets.endpoints())
        reason = f"no endpoint {request.method} {request.path[:80]} (served: {served}, GET /healthz)"
        self.log.write(endpoint="-", status=404, outcome="not-found", client=request.remote or "-", reason=reason)
        return web.json_response({"status": "not-found", "reason": reason}, status=404)

    async def _health(self, request):
        from aiohttp import web

        return web.Response(text="ok\n")

    def _handler(self, endpoint: str):
        async def handle(request):
            async with self.inflight:
                return await self._handle(endpoint, request)

        return handle

    async def _handle(self, endpoint: str, request):
        from aiohttp import web

        started = time.perf_counter()
        remote = request.remote or "-"

        def answer(status: int, outcome: str, reason: str = "", case: str | None = None, event: str | None = None, headers=None):
            ms = round((time.perf_counter() - started) * 1000, 2)
            self.log.write(endpoint=endpoint, status=status, outcome=outcome, client=remote, case=case, event=event, ms=ms, reason=reason)
            body = {"status": outcome}
            if reason:
                body["reason"] = reason
            if case:
                body["case"] = case
            return web.json_response(body, status=status, headers=headers)

        def limited(bucket: TokenBucket):
            wait = bucket.take()
            if not wait:
                return None
            return answer(429, "rate-limited", f"more than the endpoint's rate; retry in {wait:.1f} s",
                          headers={"Retry-After": str(max(1, round(wait)))})

        if request.content_length is not None and request.content_length > self.max_body:
            return answer(413, "too-large", f"body of {request.content_length} bytes is over the {self.max_body}-byte limit")
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return answer(413, "too-large", f"body is over the {self.max_body}-byte limit")
        if endpoint == "shopee" and not body.strip():
            # Shopee checks a push URL being saved with an empty request (signed or not, the SDKs
            # disagree): nothing in it to act on, nothing written, so it is answered either way.
            return answer(200, "empty")
        try:
            from .signatures import BadSignature, verify

            signed_at = verify(endpoint, self.secrets, request.headers, body)
        except BadSignature as exc:
            # Failures have a bucket of their own: a flood of unsigned requests is slowed down
            # without using up what the platform's real deliveries may send.
            return limited(self.failures[endpoint]) or answer(401, "unauthorized", str(exc))
        refused = limited(self.buckets[endpoint])
        if refused is not None:
            return refused
        forced = None
        if endpoint == "relay":
            forced = (request.headers.get("X-Replydesk-Source") or "").strip() or None
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(self.pool, self.process, endpoint, body, signed_at, forced)
        status, outcome, reason, case, event = result
        return answer(status, outcome, reason, case, event)

    # --- in a writer thread ---------------------------------------------------------------

    def process(self, endpoint: str, body: bytes, signed_at: int | None, forced: str | None):
        """(HTTP status, outcome, reason, case id, event id) for one authentic delivery."""
        from .apply import apply
        from .detect import SOURCE_NAMES, read_payload
        from .notice import PayloadError, parse_body, unix_time

        now = self.clock()
        try:
            record = parse_body(body)
            if endpoint == "relay":
                if forced is not None and forced not in SOURCE_NAMES:
                    raise PayloadError(f"X-Replydesk-Source {forced[:40]!r} is not a source (known: {', '.join(SOURCE_NAMES)})")
                moment = signed_at
            else:
                forced = endpoint
                stamp = record.get("timestamp") if isinstance(record, dict) else None
                moment = unix_time(stamp, "timestamp").timestamp() if stamp is not None else None
                if moment is None:
                    raise PayloadError("timestamp is missing")
            max_age = self.tables.max_age.get(endpoint, 300)
            if moment is not None and abs(now.timestamp() - moment) > max_age:
                return 401, "stale", f"signed {int(now.timestamp() - moment)} s ago, outside the {max_age}-s window", None, None
            items = read_payload(record, forced)
            if items is None:
                raise PayloadError("not a platform payload this receiver reads")
            if len(items) != 1 and endpoint != "relay":
                raise PayloadError(f"expected one event, found {len(items)}")
            broken = next((item for item in items if isinstance(item, PayloadError)), None)
            if broken is not None:
                raise broken  # a batch with a broken item is refused whole, before anything is written
            outcomes = [apply(self.store, item, actor="receive", now=now) for item in items]
        except PayloadError as exc:
            self._dead_letter(endpoint, body, str(exc), now)
            return 400, "rejected", str(exc), None, None
        except OSError as exc:
            return 503, "not-written", f"cannot write the case: {exc.strerror or exc}", None, None
        except Exception as exc:  # a bug must cost one delivery (kept for the operator), never the server
            self._dead_letter(endpoint, body, f"{type(exc).__name__}: {exc}", now)
            return 500, "error", f"{type(exc).__name__}", None, None
        first = outcomes[0]
        event = getattr(items[0], "event_id", None)
        if len(outcomes) > 1:
            counts = {}
            for o in outcomes:
                counts[o.outcome] = counts.get(o.outcome, 0) + 1
            return 200, "batch", ", ".join(f"{n} {k}" for k, n in sorted(counts.items())), None, event
        return 200, first.outcome, first.detail if first.outcome == "ignored" else "", first.case_id, event

    def _dead_letter(self, endpoint: str, body: bytes, reason: str, now: datetime) -> None:
        """Keep a rejected (but authentic) delivery for the operator (deadletter.py)."""
        from . import deadletter

        try:
            deadletter.write(self.store, endpoint, body, reason, now)
        except OSError as exc:
            self.log.write(endpoint=endpoint, outcome="dead-letter-failed", reason=f"{exc.filename or ''}: {exc.strerror or exc}")


# --- the command ---------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="replydesk receive",
        description="Receive TikTok Shop and Shopee pushes and signed relayed events, and write them into a queue.",
    )
    p.add_argument("--queue", type=Path, help="queue directory (default: $REPLYDESK_QUEUE, else the per-user queue)")
    p.add_argument("--listen", default=DEFAULT_LISTEN, metavar="HOST:PORT",
                   help=f"address to bind (default {DEFAULT_LISTEN}: loopback only; port 0 picks a free one)")
    p.add_argument("--secrets", type=Path, metavar="FILE", help="TOML file of secrets, outside the queue, mode 600 (else the environment)")
    p.add_argument("--max-body", type=int, default=DEFAULT_MAX_BODY, metavar="BYTES", help="largest body accepted (default 262144)")
    p.add_argument("--rate", type=float, default=100.0, help="deliveries per second per endpoint, on average (default 100)")
    p.add_argument("--burst", type=int, default=400, help="deliveries at once per endpoint before --rate applies (default 400)")
    p.add_argument("--workers", type=int, default=4, help="threads writing cases (default 4)")
    p.add_argument("--max-inflight", type=int, default=256, help="deliveries handled at once; more wait (default 256)")
    p.add_argument("--log", type=Path, metavar="FILE", help="append the event log here (default: standard error)")
    p.add_argument("--log-format", choices=("text", "json"), default="text", help="one line per delivery: text or JSON lines")
    return p


def _listen(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"--listen {text!r}: expected HOST:PORT (127.0.0.1:8787)")
    return (host.strip("[]") or "127.0.0.1"), int(port)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)

    def fail(message: str) -> int:
        from replydesk.linting.display import visible_controls

        print(visible_controls(f"replydesk receive: error: {message}"), file=sys.stderr)
        return EXIT_ERROR

    try:
        host, port = _listen(args.listen)
    except ValueError as exc:
        return fail(str(exc))
    for name in ("max_body", "burst", "workers", "max_inflight"):
        if getattr(args, name) < 1:
            return fail(f"--{name.replace('_', '-')} must be at least 1")
    if args.rate <= 0:
        return fail("--rate must be above 0")
    from ..queue.location import named_queue
    from ..queue.store import QueueError, QueueStore
    from .signatures import SecretsError, load_secrets
    from .sources import DataFileError, sources

    queue = named_queue(args.queue)
    try:
        queue.mkdir(parents=True, exist_ok=True)
        store = QueueStore(queue, index_path=False)
        secrets = load_secrets(args.secrets, store.root)
        sources()
    except (QueueError, OSError, SecretsError, DataFileError) as exc:
        return fail(str(exc))
    if not secrets.endpoints():
        return fail("no secrets: set REPLYDESK_TIKTOK_APP_KEY/_SECRET, REPLYDESK_SHOPEE_PARTNER_KEY/_PUSH_URL or "
                    "REPLYDESK_RELAY_SECRET, or pass --secrets FILE (see README, 'Receiving webhooks')")
    try:
        stream = open(args.log, "a", encoding="utf-8") if args.log else sys.stderr
    except OSError as exc:
        return fail(f"{args.log}: {exc.strerror or exc}")
    receiver = Receiver(store, secrets, max_body=args.max_body, rate=args.rate, burst=args.burst, workers=args.workers,
                        max_inflight=args.max_inflight, log=EventLog(stream, args.log_format == "json"))
    try:
        return asyncio.run(_serve(receiver, host, port))
    except OSError as exc:
        return fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
    except KeyboardInterrupt:
        return EXIT_OK


async def _serve(receiver: Receiver, host: str, port: int) -> int:
    from aiohttp import web

    runner = web.AppRunner(receiver.app(), access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port, backlog=1024, reuse_address=True)
    await site.start()
    bound = runner.addresses[0]
    where = f"http://{bound[0]}:{bound[1]}" if ":" not in bound[0] else f"http://[{bound[0]}]:{bound[1]}"
    from replydesk.linting.display import visible_controls

    print(f"replydesk receive: listening on {where} ({', '.join('/' + e for e in receiver.secrets.endpoints())}) "
          f"-> {visible_controls(str(receiver.store.root))}", flush=True)
    if host not in ("127.0.0.1", "::1", "localhost"):
        print("replydesk receive: not on loopback: put TLS in front (the reverse proxy), platforms send over HTTPS",
              file=sys.stderr, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()  # finishes the requests in flight: what was acknowledged is written
    receiver.pool.shutdown(wait=True)
    return EXIT_OK
