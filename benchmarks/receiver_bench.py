"""`replydesk receive` under load: signed TikTok Shop deliveries over loopback HTTP, each one a
new case written durably (temp file, fsync, rename, fsync of the folder) before the answer.

Figures: events per second sustained at 1 and 16 concurrent senders, latency p50/p99 per
delivery, and the share of a delivery that is the fsynced write. The server is a separate
process, as in production; the senders are threads with one keep-alive connection each.

    python -m benchmarks.receiver_bench [--events N]
"""
from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

KEY, SECRET = "bench-app-key", "bench-app-secret"


def _event(n: int) -> bytes:
    now = int(time.time())
    return json.dumps({
        "type": 12, "tts_notification_id": str(7_500_000_000_000_000_000 + n), "shop_id": "7494049642642441621",
        "timestamp": now, "data": {"order_id": str(576_684_019_603_000_000 + n), "return_role": "BUYER",
                                   "return_type": "REFUND", "return_status": "RETURN_OR_REFUND_REQUEST_PENDING",
                                   "return_id": str(4_035_244_332_210_000_000 + n), "create_time": now},
    }).encode()


def _start(queue: Path):
    env = {**os.environ, "REPLYDESK_TIKTOK_APP_KEY": KEY, "REPLYDESK_TIKTOK_APP_SECRET": SECRET}
    proc = subprocess.Popen(
        [sys.executable, "-m", "replydesk.tui.entry", "receive", "--queue", str(queue), "--listen", "127.0.0.1:0",
         "--rate", "100000", "--burst", "100000", "--log", str(queue.parent / "receive.log")],
        stdout=subprocess.PIPE, text=True, env=env,
    )
    line = proc.stdout.readline()
    return proc, int(line.split("127.0.0.1:")[1].split()[0])


def _send(port: int, bodies: list[bytes], latencies: list[float], errors: list[int]) -> None:
    from replydesk.tui.inbound.signatures import tiktok_signature

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for body in bodies:
        headers = {"Authorization": tiktok_signature(KEY, SECRET, body), "Content-Type": "application/json"}
        started = time.perf_counter()
        conn.request("POST", "/tiktok", body, headers)
        resp = conn.getresponse()
        resp.read()
        latencies.append(time.perf_counter() - started)
        if resp.status != 200:
            errors.append(resp.status)
    conn.close()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _run(port: int, first: int, count: int, senders: int) -> tuple[float, list[float], list[int]]:
    bodies = [_event(first + n) for n in range(count)]
    latencies: list[float] = []
    errors: list[int] = []
    threads = [threading.Thread(target=_send, args=(port, bodies[i::senders], latencies, errors)) for i in range(senders)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started, latencies, errors


def _fsync_cost(folder: Path, runs: int = 200) -> float:
    """What one durable write costs on this disk by itself (the floor under each delivery)."""
    from replydesk.linting.atomicfile import atomic_write_bytes

    data = b"x" * 3000
    started = time.perf_counter()
    for n in range(runs):
        atomic_write_bytes(folder / f"probe-{n % 10}.json", data)
    return (time.perf_counter() - started) / runs


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    events = int(argv[argv.index("--events") + 1]) if "--events" in argv else 2000
    with tempfile.TemporaryDirectory(prefix="replydesk-receive-bench-") as tmp:
        queue = Path(tmp) / "queue"
        queue.mkdir()
        probe = Path(tmp) / "probe"
        probe.mkdir()
        write = _fsync_cost(probe)
        proc, port = _start(queue)
        try:
            _run(port, 0, 50, 4)  # warm-up: imports, the first case folder
            print(f"{'one durable case write alone (temp, fsync, rename, fsync dir)':<58} {write * 1e3:>8.2f} ms")
            first = 100
            for senders in (1, 16):
                count = events // 4 if senders == 1 else events
                wall, latencies, errors = _run(port, first, count, senders)
                first += count
                rate = count / wall
                print(f"{f'{senders} sender(s): {count} new cases':<58} {rate:>8.0f} events/s  "
                      f"p50 {_percentile(latencies, 0.5) * 1e3:.1f} ms  p99 {_percentile(latencies, 0.99) * 1e3:.1f} ms"
                      + (f"  ({len(errors)} non-200)" if errors else ""))
            wall, latencies, errors = _run(port, 100, events // 4, 16)  # the same events again
            print(f"{f'16 senders: {events // 4} duplicate deliveries':<58} {events // 4 / wall:>8.0f} events/s  "
                  f"p99 {_percentile(latencies, 0.99) * 1e3:.1f} ms")
            written = len(os.listdir(queue / "cases"))
            print(f"{'cases in the queue after the run':<58} {written:>8}")
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
