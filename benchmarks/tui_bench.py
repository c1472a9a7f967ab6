"""Desk benchmarks (figures, not timed tests): `python -m benchmarks.tui_bench [--cases N]`.

1. open + first paint of a 10,000-case queue: in a fresh process, from
   interpreter start to the App's Ready event (first frame composed),
   and in-process from `QueueStore` to Ready;
2. cursor move: one `j` handled plus the visible rows re-rendered;
3. filter keystroke: the query applied plus the visible rows re-rendered;
4. re-lint of a 2,000-character draft after a one-character edit, warm
   (p50/p95 over 300 edits) with the real linter.
Budgets from the issue: 1.0 s, 50 ms, 50 ms, 10 ms (p95).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

PLATFORMS = {
    "coupang": ["cancellation-appeal", "return-dispute", "notice-of-action", "chargeback", "policy-notice", "general"],
    "amazon": ["atoz-review", "notice-of-action", "chargeback", "policy-notice", "general", "return-dispute"],
    "tiktok": ["cancellation-appeal", "return-dispute", "notice-of-action", "general"],
    "shopee": ["return-dispute", "chargeback", "policy-notice", "general"],
}
SUBJECTS = [
    "Return dispute – buyer says parcel never arrived",
    "반품 분쟁 – 수취 거부 증빙 요청",
    "退货纠纷 – 买家称未收到",
    "Cancellation appeal (time sensitive)",
    "Notice of Action – late dispatch rate above 5%",
    "Chargeback – item not received",
    "A-to-Z claim review request",
    "Policy warning – restricted product claims",
]


def make_queue(root: Path, count: int, seed: int = 7) -> Path:
    from replydesk.tui.queue.location import demo_anchor

    rng = random.Random(seed)
    anchor = demo_anchor()
    (root / "cases").mkdir(parents=True, exist_ok=True)
    (root / "drafts").mkdir(parents=True, exist_ok=True)
    for i in range(count):
        platform = rng.choice(list(PLATFORMS))
        kind = rng.choice(PLATFORMS[platform])
        received = anchor - timedelta(minutes=rng.randint(0, 60 * 24 * 8))
        order = f"22000009{rng.randint(0, 999999):06d}"
        case = {
            "id": f"Q{i:05d}",
            "platform": platform,
            "kind": kind,
            "subject": f"{rng.choice(SUBJECTS)} {order}",
            "received_at": received.isoformat(),
            "status": rng.choice(["new", "drafting", "drafting", "ready", "sent"]),
            "order_ids": [order],
            "history": [{"who": "platform", "when": received.isoformat(), "text": "Respond within the window. " * 8}],
        }
        (root / "cases" / f"Q{i:05d}.json").write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
        if i % 3 == 0:
            (root / "drafts" / f"Q{i:05d}.txt").write_text(f"Order {order} was delivered on 2024-05-16 13:40 KST.\n", encoding="utf-8")
    return root


COLD_SCRIPT = """
import time, sys
t0 = time.perf_counter()
from pathlib import Path
from replydesk.tui.app import ReplydeskApp
from replydesk.tui.queue.store import QueueStore

class BenchApp(ReplydeskApp):
    def on_ready(self):
        super().on_ready()
        print(f"READY {time.perf_counter() - t0:.4f}", flush=True)
        self.exit()

async def main():
    app = BenchApp(QueueStore(Path(sys.argv[1])), linter_factory=None, count_drafts=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()

import asyncio
asyncio.run(main())
"""


def cold_open(queue: Path, cache_dir: Path, runs: int = 3) -> list[tuple[float, float]]:
    """Fresh interpreter: imports + queue load + first frame, as `replydesk` would pay it."""
    import os

    env = dict(os.environ, REPLYDESK_CACHE_DIR=str(cache_dir))
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", COLD_SCRIPT, str(queue)], capture_output=True, text=True, env=env)
        wall = time.perf_counter() - start
        line = next((l for l in proc.stdout.splitlines() if l.startswith("READY")), None)
        if line is None:
            raise SystemExit(proc.stderr)
        out.append((float(line.split()[1]), wall))
    return out


async def warm_figures(queue: Path) -> dict:
    from textual.geometry import Region

    from replydesk.tui.app import ReplydeskApp
    from replydesk.tui.clock import FixedClock
    from replydesk.tui.queue.location import demo_anchor
    from replydesk.tui.queue.store import QueueStore

    figures: dict = {}
    ready_at: list[float] = []

    class BenchApp(ReplydeskApp):
        def on_ready(self):
            ready_at.append(time.perf_counter())
            super().on_ready()

    t0 = time.perf_counter()
    app = BenchApp(QueueStore(queue), clock=FixedClock(demo_anchor()), linter_factory=None, count_drafts=False, cursor_blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        figures["open_in_process_s"] = ready_at[0] - t0
        screen = app.screen
        table = screen.query_one("QueueTable")
        region = Region(0, 0, table.size.width, table.size.height)

        def paint():
            table._render_cache = None
            return table.render_lines(region)

        moves = []
        for _ in range(200):
            s = time.perf_counter()
            table.action_cursor_down()
            paint()
            moves.append(time.perf_counter() - s)
        figures["cursor_move_ms"] = _pct(moves)

        keystrokes = []
        query = ""
        for word in ("return", "coupang 2200", "반품", "chargebak"):
            query = ""
            for ch in word:
                query += ch
                s = time.perf_counter()
                screen.view.set_query(query)
                screen.rows_changed()
                paint()
                keystrokes.append(time.perf_counter() - s)
            screen.view.set_query("")
            screen.rows_changed()
        figures["filter_keystroke_ms"] = _pct(keystrokes)

        # End to end through Pilot (includes Pilot's own settle waits): an upper bound.
        # The baseline is a key nothing is bound to: what Pilot itself costs per press.
        s = time.perf_counter()
        for _ in range(20):
            await pilot.press("f12")
        figures["pilot_baseline_ms_each"] = (time.perf_counter() - s) / 20 * 1000
        s = time.perf_counter()
        for _ in range(20):
            await pilot.press("j")
        figures["pilot_press_j_ms_each"] = (time.perf_counter() - s) / 20 * 1000
        await pilot.press("slash")
        s = time.perf_counter()
        for ch in "coupang":
            await pilot.press(ch)
        figures["pilot_filter_key_ms_each"] = (time.perf_counter() - s) / 7 * 1000
    return figures


async def idle_figures(queue: Path, seconds: float = 10.0) -> dict:
    """CPU of a desk doing nothing on the queue (clock ticks, the watch's look each second), and
    how long another desk's status change takes to show here."""
    import json

    from replydesk.tui.app import ReplydeskApp
    from replydesk.tui.queue.store import QueueStore

    app = ReplydeskApp(QueueStore(queue), linter_factory=None, count_drafts=False, cursor_blink=False)
    figures: dict = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(1.5)
        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.sleep(seconds)
        figures["idle_cpu_percent"] = 100 * (time.process_time() - cpu) / (time.perf_counter() - wall)
        other = QueueStore(queue, index_path=False)
        target = next(iter(sorted((queue / "cases").glob("*.json")))).stem
        data = json.loads((queue / "cases" / f"{target}.json").read_text(encoding="utf-8"))
        data["status"] = "ready" if data.get("status") != "ready" else "drafting"
        start = time.perf_counter()
        other.write_case(data)
        while time.perf_counter() - start < 10:
            case = app.case_by_id(target)
            if case is not None and case.status == data["status"]:
                break
            await pilot.pause(0.05)
        figures["change_seen_s"] = time.perf_counter() - start
    return figures


def relint_figures(runs: int = 300) -> dict:
    from replydesk.linting.context import context_from_mapping
    from replydesk.linting.loading import build_linter

    t = time.perf_counter()
    linter = build_linter()
    build_s = time.perf_counter() - t
    ctx = context_from_mapping(
        {"platform": "coupang", "kind": "return-dispute", "order_ids": ["22000009480112"], "claim_ids": ["12346897"]}
    )
    paragraph = (
        "Order 22000009480112 was delivered on 2024-05-16 13:40 KST; CJ Logistics shows 배송완료 and the "
        "proof of delivery is attached. Our outbound photos show no damage found at dispatch.\n\n"
    )
    text = (paragraph * 20)[:2000]
    for _ in range(20):
        linter.lint_text(text, overrides=ctx)  # warm: compiled patterns, lemma table
    times = []
    rng = random.Random(3)
    for _ in range(runs):
        pos = rng.randrange(len(text))
        edited = text[:pos] + rng.choice("abc ,.") + text[pos:]
        s = time.perf_counter()
        linter.lint_text(edited, overrides=ctx)
        times.append(time.perf_counter() - s)
    return {"linter_build_s": build_s, "relint_2000_chars_ms": _pct(times), "draft_chars": len(text)}


def _pct(samples: list[float]) -> dict:
    ms = sorted(x * 1000 for x in samples)
    return {
        "p50": round(statistics.median(ms), 3),
        "p95": round(ms[int(len(ms) * 0.95) - 1], 3),
        "max": round(ms[-1], 3),
        "n": len(ms),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="build the queue here and keep it")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        queue = args.keep or Path(tmp) / "queue"
        if not (queue / "cases").is_dir():
            t = time.perf_counter()
            make_queue(queue, args.cases)
            print(f"built a {args.cases}-case queue in {time.perf_counter() - t:.1f} s")
        cache = Path(tmp) / "cache"
        cold = cold_open(queue, cache, runs=1)
        print("open + first frame, fresh process, no case index yet (ready / process wall): "
              + ", ".join(f"{r:.3f}/{w:.3f} s" for r, w in cold) + "   budget 1.0 s")
        import os

        os.environ["REPLYDESK_CACHE_DIR"] = str(cache)
        from replydesk.tui.queue.store import QueueStore

        store = QueueStore(queue)
        store.load()
        store.save_index()  # what the desk does in a worker after its first paint
        cold = cold_open(queue, cache, runs=3)
        print("open + first frame, fresh process, with the per-user case index (ready / process wall): "
              + ", ".join(f"{r:.3f}/{w:.3f} s" for r, w in cold) + "   budget 1.0 s")
        figures = asyncio.run(warm_figures(queue))
        print(f"open + first frame, in process: {figures['open_in_process_s']:.3f} s")
        print(f"cursor move (action + repaint visible rows): {figures['cursor_move_ms']} ms   budget 50 ms")
        print(f"filter keystroke (query + repaint): {figures['filter_keystroke_ms']} ms   budget 50 ms")
        print(f"through Pilot (upper bound, includes Pilot's waits): j {figures['pilot_press_j_ms_each']:.1f} ms, "
              f"filter key {figures['pilot_filter_key_ms_each']:.1f} ms, unbound key (Pilot baseline) "
              f"{figures['pilot_baseline_ms_each']:.1f} ms")
        idle = asyncio.run(idle_figures(queue))
        print(f"idle desk on {args.cases:,} cases (clock, watch): {idle['idle_cpu_percent']:.1f} % of one CPU; "
              f"another desk's status change shown after {idle['change_seen_s']:.2f} s   budget ~2 s")
    relint = relint_figures()
    print(f"linter build: {relint['linter_build_s']:.2f} s (in a worker, after first paint)")
    print(f"re-lint {relint['draft_chars']} chars after a one-char edit: {relint['relint_2000_chars_ms']} ms   budget p95 10 ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
