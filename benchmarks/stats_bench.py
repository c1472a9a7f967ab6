"""`replydesk stats` on a 10,000-case queue (figures, not timed tests): `python -m benchmarks.stats_bench [--cases N]`.

The queue is generated like tui_bench's, with the histories stats reads:
replies sent (with `sent_by`, on time or late), status records, undone
sends, cases under review and closed with an outcome, and most deadlines
left to the pack windows (business days included, so the holidays calendar
is exercised).

1. the whole command in a fresh process (`python -m replydesk.tui.entry
   stats Q`): first run (a fresh cache directory each time, so no stats
   cache and no desk index) and warm (the stats cache), best of N; budget
   1.0 s both;
2. in process: `load_rows` on a first run (one process, and forked as the
   command does) and warm, `compute` alone, and for comparison
   `QueueStore.load()` + `compute` (validating every case file);
3. a check that every way gives the desk's figures: the first run's rows
   (read plainly, one process or forked), the cached rows, and the
   command's first and warm output.

The machine is shared and its speed varies; the CPU reference (as in
`make bench`) says how fast it was.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from . import cpu_reference
from .tui_bench import PLATFORMS, SUBJECTS

NOW = "2024-05-20T12:00:00+09:00"
OPERATORS = ["alice", "bob", "carol", "dave", "erin"]


def make_queue(root: Path, count: int, seed: int = 11) -> Path:
    from replydesk.tui.queue.location import demo_anchor

    rng = random.Random(seed)
    anchor = demo_anchor()
    (root / "cases").mkdir(parents=True, exist_ok=True)
    (root / "drafts").mkdir(parents=True, exist_ok=True)
    for i in range(count):
        platform = rng.choice(list(PLATFORMS))
        kind = rng.choice(PLATFORMS[platform])
        received = anchor - timedelta(minutes=rng.randint(0, 60 * 24 * 70))  # ten weeks
        order = f"22000009{rng.randint(0, 999999):06d}"
        who = rng.choice(OPERATORS)
        history = [{"who": "platform", "when": received.isoformat(), "text": "Respond within the window. " * 6}]
        case = {
            "id": f"S{i:05d}", "platform": platform, "kind": kind, "subject": f"{rng.choice(SUBJECTS)} {order}",
            "received_at": received.isoformat(), "status": "new", "order_ids": [order],
        }
        if rng.random() < 0.2:
            case["deadline"] = (received + timedelta(hours=rng.choice([24, 48, 72]))).isoformat()
        if rng.random() < 0.5:
            case["assignee"] = who
        fate = rng.random()
        if fate < 0.6:  # sent, maybe late, maybe reviewed and closed
            sent = received + timedelta(minutes=rng.randint(10, 60 * 24 * 5))
            if sent < anchor:
                record = f"r{i}"
                history.append({"who": "seller", "when": sent.isoformat(), "text": f"Order {order} was delivered.",
                                "sent_by": who, "record": record, "receipt": f"RC{i}"})
                history.append({"event": "status", "id": record, "who": who, "when": sent.isoformat(),
                                "from": "ready", "to": "sent", "text": f"{who} marked the case sent (was ready)"})
                status = rng.choice(["sent", "sent", "under-review", "closed"])
                case["status"] = status
                if status == "closed":
                    case["outcome"] = rng.choice(["reversed", "partial", "denied", "accepted"])
        elif fate < 0.65:  # a send that was undone
            when = received + timedelta(hours=1)
            history.append({"event": "status", "id": f"r{i}", "who": who, "when": when.isoformat(),
                            "from": "ready", "to": "sent", "text": "marked sent"})
            history.append({"event": "undo", "id": f"u{i}", "who": who, "when": (when + timedelta(minutes=3)).isoformat(),
                            "undoes": f"r{i}", "from": "sent", "to": "ready", "text": "undid"})
            case["status"] = "ready"
        else:
            case["status"] = rng.choice(["new", "drafting", "ready"])
        case["history"] = history
        (root / "cases" / f"{case['id']}.json").write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    return root


def _command(queue: Path, cache: Path, *extra: str) -> tuple[float, str]:
    env = dict(os.environ, REPLYDESK_CACHE_DIR=str(cache))
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "replydesk.tui.entry", "stats", str(queue), "--now", NOW, *extra],
                          capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    return wall, proc.stdout


def run(cases: int = 10_000, runs: int = 3, keep: Path | None = None) -> list[tuple[str, str, str]]:
    from datetime import datetime

    from replydesk.tui.queue import stats
    from replydesk.tui.queue.store import QueueStore

    now = datetime.fromisoformat(NOW)
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        queue = keep or Path(tmp) / "queue"
        if not (queue / "cases").is_dir():
            t = time.perf_counter()
            make_queue(queue, cases)
            rows.append(("build the queue", f"{time.perf_counter() - t:.1f} s", f"{cases:,} cases"))
        rows.append(("CPU reference: sum(range(2e6)), best of 3", f"{cpu_reference(3) * 1000:.0f} ms", "the machine's speed now"))

        # 1. The whole command, fresh processes: first runs (each with a fresh cache directory), then warm.
        firsts, outputs = [], set()
        for n in range(runs):
            wall, out = _command(queue, Path(tmp) / f"cache-{n}")
            firsts.append(wall)
            outputs.add(out)
        warm_cache = Path(tmp) / "cache-0"
        warms = []
        for _ in range(runs):
            wall, out = _command(queue, warm_cache)
            warms.append(wall)
            outputs.add(out)
        by_week = min(_command(queue, warm_cache, "--by", "week")[0] for _ in range(runs))
        rows.append(("`replydesk stats`, fresh process, first run (no cache)", f"{min(firsts):.2f} s",
                     f"best of {runs} (worst {max(firsts):.2f}); budget 1.0 s"))
        rows.append(("`replydesk stats`, fresh process, warm (stats cache)", f"{min(warms):.2f} s",
                     f"best of {runs} (worst {max(warms):.2f}); budget 1.0 s"))
        rows.append(("`replydesk stats --by week`, fresh process, warm", f"{by_week:.2f} s", "budget 1.0 s"))

        # 2. In process.
        store = QueueStore(queue, index_path=False)
        timings = {}
        loads = {}
        for label, jobs in (("one process", 1), ("forked", stats._cores())):
            os.environ["REPLYDESK_CACHE_DIR"] = str(Path(tmp) / f"cache-inproc-{jobs}")
            t = time.perf_counter()
            loads[label] = stats.load_rows(store, jobs=jobs)
            timings[label] = time.perf_counter() - t
        best = float("inf")
        for _ in range(runs):
            t = time.perf_counter()
            loaded = stats.load_rows(store)
            best = min(best, time.perf_counter() - t)
        t = time.perf_counter()
        for _ in range(runs):
            figures = stats.compute(loaded.rows, now, by="operator")
        compute_s = (time.perf_counter() - t) / runs
        t = time.perf_counter()
        series = stats.weekly(loaded.rows, now, weeks=10)
        weekly_s = time.perf_counter() - t
        t = time.perf_counter()
        report = store.load()
        desk_figures = stats.compute(report.cases, now, by="operator")
        desk_s = time.perf_counter() - t
        for label, seconds in timings.items():
            rows.append((f"load_rows, first run, {label} (read + window deadlines)", f"{seconds:.2f} s",
                         f"{len(loads[label].rows):,} rows"))
        rows.append(("load_rows, warm (stats cache)", f"{best:.3f} s", f"{loaded.from_cache:,} from the cache"))
        rows.append(("compute(by=operator) on the rows", f"{compute_s * 1000:.0f} ms", "pure core"))
        rows.append(("weekly(weeks=10) on the rows", f"{weekly_s * 1000:.0f} ms", "a desk screen's series"))
        rows.append(("for comparison: QueueStore.load() (no index) + compute", f"{desk_s:.2f} s",
                     f"{desk_s / max(best + compute_s, 1e-9):.0f}x the warm path"))

        # 3. The desk's figures every way: first run (rows field by field too), cache, command output.
        desk_rows = sorted((stats.row_of(case) for case in report.cases), key=lambda r: r.id)
        checks = {
            "first run's rows == QueueStore.load()'s, field by field": all(l.rows == desk_rows for l in loads.values()),
            "first run's figures == figures from QueueStore.load()": all(
                stats.compute(l.rows, now, by="operator").to_dict() == desk_figures.to_dict() for l in loads.values()),
            "figures from the cache == figures from QueueStore.load()": figures.to_dict() == desk_figures.to_dict(),
            "the command prints the same, first run or warm": len(outputs) == 1,
        }
        for name, ok in checks.items():
            rows.append((name, "yes" if ok else "NO", ""))
        if not all(checks.values()):
            raise SystemExit("stats_bench: " + "; ".join(name for name, ok in checks.items() if not ok))
        o = figures.overall
        rows.append(("the queue's figures", f"{o.cases:,} cases",
                     f"due {o.due:,}, on time {o.on_time:,}, late {o.late:,}, overdue {o.overdue:,}, "
                     f"weeks {len(series)}"))
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3, help="best of N for the command's figures")
    parser.add_argument("--keep", type=Path, help="build the queue here and keep it")
    args = parser.parse_args(argv)
    saved = os.environ.get("REPLYDESK_CACHE_DIR")
    try:
        for name, value, note in run(args.cases, args.runs, args.keep):
            print(f"{name:<62} {value:>10}  {note}")
    finally:
        if saved is None:
            os.environ.pop("REPLYDESK_CACHE_DIR", None)
        else:
            os.environ["REPLYDESK_CACHE_DIR"] = saved
    return 0


if __name__ == "__main__":
    sys.exit(main())
