"""`replydesk receive` over real HTTP on loopback, as a separate process: signatures, replays, limits,
dead letters, duplicates, 200 concurrent deliveries, and kill -9 in the middle of a burst."""
from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from replydesk.tui.inbound.signatures import relay_signature, shopee_signature, tiktok_signature

APP_KEY, APP_SECRET = "abcdef", "tiktok-app-secret-0123"
PARTNER_KEY, PUSH_URL = "shopee-partner-key-4567", "https://seller.example.com/hooks/shopee"
RELAY_SECRET = "relay-secret-89ab"
SECRET_VALUES = (APP_SECRET, PARTNER_KEY, RELAY_SECRET)
PAYLOADS = Path(__file__).with_name("payloads")


class Server:
    def __init__(self, queue: Path, *extra: str, env: dict | None = None):
        self.queue = queue
        self.log = queue.parent / "receive.log"
        environ = {**os.environ, "REPLYDESK_TIKTOK_APP_KEY": APP_KEY, "REPLYDESK_TIKTOK_APP_SECRET": APP_SECRET,
                   "REPLYDESK_SHOPEE_PARTNER_KEY": PARTNER_KEY, "REPLYDESK_SHOPEE_PUSH_URL": PUSH_URL,
                   "REPLYDESK_RELAY_SECRET": RELAY_SECRET, **(env or {})}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "replydesk.tui.entry", "receive", "--queue", str(queue), "--listen", "127.0.0.1:0",
             "--log", str(self.log), "--log-format", "json", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environ,
        )
        line = self.proc.stdout.readline()
        assert "listening on http://127.0.0.1:" in line, line + self.proc.stderr.read()
        self.port = int(line.split("127.0.0.1:")[1].split()[0])

    def post(self, path: str, body: bytes, headers: dict) -> tuple[int, dict, dict]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("POST", path, body, {"Content-Type": "application/json", **headers})
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, (json.loads(data) if data else {}), dict(resp.getheaders())
        finally:
            conn.close()

    def tiktok(self, event: dict, *, sign=True):
        body = json.dumps(event).encode()
        return self.post("/tiktok", body, {"Authorization": tiktok_signature(APP_KEY, APP_SECRET, body) if sign else "0" * 64})

    def log_lines(self) -> list[dict]:
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()] if self.log.exists() else []

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc.stdout.close()
        self.proc.stderr.close()


@pytest.fixture
def server(tmp_path):
    s = Server(tmp_path / "queue")
    yield s
    s.stop()


def return_event(n: int, *, status="RETURN_OR_REFUND_REQUEST_PENDING", at=None, notification=None) -> dict:
    now = int(at if at is not None else time.time())
    return {"type": 12, "tts_notification_id": str(notification or 7400000000000000000 + n), "shop_id": "7494049642642441621",
            "timestamp": now, "data": {"order_id": str(576684019603000000 + n), "return_role": "BUYER", "return_type": "REFUND",
                                       "return_status": status, "return_id": str(4035244332210000000 + n), "create_time": now}}


def cases(queue: Path) -> dict[str, dict]:
    folder = queue / "cases"
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in folder.iterdir()} if folder.exists() else {}


def dead_letters(queue: Path) -> list[dict]:
    folder = queue / "dead-letter"
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.iterdir())] if folder.exists() else []


def test_a_signed_tiktok_delivery_is_written_before_it_is_acknowledged(server):
    status, body, _ = server.tiktok(return_event(1))
    assert status == 200 and body == {"status": "created", "case": "TT-RETURN-4035244332210000001"}
    data = cases(server.queue)["TT-RETURN-4035244332210000001.json"]  # there the moment the answer came
    assert data["source_events"][0]["id"] == "tiktok:7400000000000000001"
    (line,) = server.log_lines()
    assert line["endpoint"] == "tiktok" and line["status"] == 200 and line["outcome"] == "created"
    assert line["event"] == "tiktok:7400000000000000001" and line["case"] == "TT-RETURN-4035244332210000001"


def test_a_bad_signature_is_401_and_writes_nothing(server):
    status, body, _ = server.tiktok(return_event(2), sign=False)
    assert status == 401 and "signature" in body["reason"]
    status, _, _ = server.post("/tiktok", json.dumps(return_event(2)).encode(), {})  # no header at all
    assert status == 401
    assert cases(server.queue) == {} and dead_letters(server.queue) == []


def test_a_stale_timestamp_is_refused_as_a_replay(server):
    status, body, _ = server.tiktok(return_event(3, at=time.time() - 2 * 86400))
    assert status == 401 and body["status"] == "stale"
    assert cases(server.queue) == {}


def test_an_oversize_body_is_413_unread(tmp_path):
    s = Server(tmp_path / "queue", "--max-body", "4096")
    try:
        event = return_event(4)
        event["data"]["padding"] = "x" * 5000
        status, body, _ = s.tiktok(event)
        assert status == 413 and "4096" in body["reason"]
        assert cases(s.queue) == {}
    finally:
        s.stop()


def test_malformed_and_unknown_payloads_are_400_with_the_reason_and_kept_as_dead_letters(server):
    bad = b'{"type": 12, "tts_notification_id": '
    status, body, _ = server.post("/tiktok", bad, {"Authorization": tiktok_signature(APP_KEY, APP_SECRET, bad)})
    assert status == 400 and body["reason"].startswith("invalid JSON")
    odd = json.dumps({"hello": "world", "timestamp": int(time.time())}).encode()
    status, body, _ = server.post("/tiktok", odd, {"Authorization": tiktok_signature(APP_KEY, APP_SECRET, odd)})
    assert status == 400 and "not a tiktok payload" in body["reason"]
    event = return_event(5)
    del event["data"]["return_id"]
    status, body, _ = server.tiktok(event)
    assert status == 400 and body["reason"] == "data.return_id is missing"
    letters = dead_letters(server.queue)
    assert [d["body"] for d in letters if d["body"] == bad.decode()] == [bad.decode()]
    assert sorted(d["reason"] for d in letters)[0].startswith("data.return_id is missing")
    assert cases(server.queue) == {}
    names = os.listdir(server.queue / "dead-letter")
    assert all(n.endswith(".json") and "-tiktok-" in n for n in names)


def test_a_duplicate_delivery_is_acknowledged_and_changes_nothing(server):
    event = return_event(6)
    assert server.tiktok(event)[0] == 200
    path = server.queue / "cases" / "TT-RETURN-4035244332210000006.json"
    before = path.read_bytes()
    status, body, _ = server.tiktok(event)
    assert status == 200 and body["status"] == "duplicate"
    assert path.read_bytes() == before


def test_a_later_event_updates_the_same_case(server):
    assert server.tiktok(return_event(7))[0] == 200
    status, body, _ = server.tiktok(return_event(7, status="RETURN_OR_REFUND_REQUEST_SUCCESS", notification=7499))
    assert status == 200 and body["status"] == "updated"
    (data,) = cases(server.queue).values()
    assert data["platform_status"] == "RETURN_OR_REFUND_REQUEST_SUCCESS" and len(data["source_events"]) == 2


def test_shopee_is_signed_over_its_registered_url_and_the_relay_over_a_timestamp(server):
    push = {"shop_id": 600001234, "code": 3, "timestamp": int(time.time()),
            "data": {"items": [], "ordersn": "240413ABCD9999", "status": "IN_CANCEL", "update_time": int(time.time())}}
    body = json.dumps(push).encode()
    wrong_url = shopee_signature(PARTNER_KEY, "http://127.0.0.1/shopee", body)
    assert server.post("/shopee", body, {"Authorization": wrong_url})[0] == 401
    status, answer, _ = server.post("/shopee", body, {"Authorization": shopee_signature(PARTNER_KEY, PUSH_URL, body)})
    assert status == 200 and answer["case"] == "SP-CANCEL-240413ABCD9999"
    # Shopee checks a push URL being saved with an empty body: answered, nothing written.
    assert server.post("/shopee", b"", {"Authorization": shopee_signature(PARTNER_KEY, PUSH_URL, b"")})[0] == 200
    assert server.post("/shopee", b"", {})[1] == {"status": "empty"}
    assert server.post("/tiktok", b"", {})[0] == 401  # only Shopee's check is exempt

    relayed = (PAYLOADS / "coupang-return-requests.json").read_bytes()
    stamp = str(int(time.time()))
    headers = {"X-Replydesk-Timestamp": stamp, "X-Replydesk-Signature": relay_signature(RELAY_SECRET, stamp, relayed)}
    status, answer, _ = server.post("/relay", relayed, headers)
    assert status == 200 and answer["case"] == "CP-RETURN-12346897"
    old = str(int(time.time()) - 600)
    stale = {"X-Replydesk-Timestamp": old, "X-Replydesk-Signature": relay_signature(RELAY_SECRET, old, relayed)}
    assert server.post("/relay", relayed, stale)[1]["status"] == "stale"
    replay = {"X-Replydesk-Timestamp": str(int(stamp) + 7), "X-Replydesk-Signature": headers["X-Replydesk-Signature"]}
    assert server.post("/relay", relayed, replay)[0] == 401  # an old signature with a new timestamp


def test_no_payload_chooses_a_file_path(server):
    event = return_event(8)
    event["data"]["return_id"] = "../../../../tmp/owned"
    assert server.tiktok(event)[0] == 200
    names = os.listdir(server.queue / "cases")
    assert len(names) == 1 and "/" not in names[0] and names[0].startswith("TT-RETURN-")
    assert not Path("/tmp/owned.json").exists()
    (data,) = cases(server.queue).values()
    assert data["claim_ids"] == ["../../../../tmp/owned"]  # the platform's ID, kept as sent


def test_the_rate_limit_answers_429_with_retry_after(tmp_path):
    s = Server(tmp_path / "queue", "--rate", "0.5", "--burst", "3")
    try:
        answers = [s.tiktok(return_event(100 + n)) for n in range(5)]
        assert [a[0] for a in answers] == [200, 200, 200, 429, 429]
        assert int(answers[3][2]["Retry-After"]) >= 1
        assert len(cases(s.queue)) == 3
    finally:
        s.stop()


def test_secrets_never_reach_the_log_and_a_file_must_be_private_and_outside_the_queue(server, tmp_path):
    server.tiktok(return_event(9))
    server.tiktok(return_event(9), sign=False)
    text = server.log.read_text(encoding="utf-8")
    assert not any(secret in text for secret in SECRET_VALUES)
    queue = tmp_path / "queue"
    inside = queue / "secrets.toml"
    inside.write_text('[relay]\nsecret = "x"\n')
    inside.chmod(0o600)
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPLYDESK_")}
    run = subprocess.run([sys.executable, "-m", "replydesk.tui.entry", "receive", "--queue", str(queue), "--secrets", str(inside)],
                         capture_output=True, text=True, env=env, timeout=60)
    assert run.returncode == 2 and "inside the queue" in run.stderr
    open_file = tmp_path / "open.toml"
    open_file.write_text('[relay]\nsecret = "x"\n')
    open_file.chmod(0o644)
    run = subprocess.run([sys.executable, "-m", "replydesk.tui.entry", "receive", "--queue", str(queue), "--secrets", str(open_file)],
                         capture_output=True, text=True, env=env, timeout=60)
    assert run.returncode == 2 and "chmod 600" in run.stderr and "Traceback" not in run.stderr
    run = subprocess.run([sys.executable, "-m", "replydesk.tui.entry", "receive", "--queue", str(queue)],
                         capture_output=True, text=True, env=env, timeout=60)
    assert run.returncode == 2 and "no secrets" in run.stderr


def test_an_endpoint_without_its_secret_is_not_served(tmp_path):
    s = Server(tmp_path / "queue", env={"REPLYDESK_SHOPEE_PARTNER_KEY": "", "REPLYDESK_SHOPEE_PUSH_URL": ""})
    try:
        assert s.post("/shopee", b"{}", {})[0] == 404
        assert s.tiktok(return_event(10))[0] == 200
    finally:
        s.stop()


def test_200_concurrent_deliveries_all_land_exactly_once(server):
    events = [return_event(1000 + n) for n in range(200)]
    deliveries = events + events[:50]  # and 50 of them delivered twice, at the same time

    with ThreadPoolExecutor(max_workers=200) as pool:
        answers = list(pool.map(server.tiktok, deliveries))
    assert all(status == 200 for status, _, _ in answers)
    outcomes = [body["status"] for _, body, _ in answers]
    assert outcomes.count("created") == 200 and outcomes.count("duplicate") == 50
    found = cases(server.queue)
    assert len(found) == 200
    assert all(len(data["source_events"]) == 1 for data in found.values())


def test_kill_9_during_a_burst_loses_no_acknowledged_event_and_tears_no_case(tmp_path):
    s = Server(tmp_path / "queue")
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def deliver(n: int):
        if stop.is_set():
            return
        event = return_event(5000 + n)
        try:
            status, body, _ = s.tiktok(event)
        except OSError:
            return  # the server died under this one: not acknowledged
        if status == 200:
            with lock:
                acknowledged.append(f"tiktok:{event['tts_notification_id']}")

    try:
        with ThreadPoolExecutor(max_workers=32) as pool:
            futures = [pool.submit(deliver, n) for n in range(600)]
            while len(acknowledged) < 60:
                time.sleep(0.005)
            os.kill(s.proc.pid, signal.SIGKILL)
            stop.set()
            for f in futures:
                f.result()
    finally:
        s.proc.wait(10)
        s.stop()
    assert 60 <= len(acknowledged) < 600
    landed = set()
    files = list((s.queue / "cases").iterdir())
    # What kill -9 left mid-write can only be a hidden temp file, which no reader takes for a case.
    assert all(p.name.endswith(".json") or (p.name.startswith(".") and p.name.endswith(".tmp")) for p in files)
    for path in files:
        if not path.name.startswith("."):
            data = json.loads(path.read_text(encoding="utf-8"))  # every case file whole: none torn
            landed.update(e["id"] for e in data["source_events"])
    assert set(acknowledged) <= landed
    from replydesk.tui.queue.store import QueueStore

    report = QueueStore(s.queue, index_path=False).load()
    assert report.errors == [] and len(report.cases) == len(landed)


def test_sigterm_finishes_cleanly_and_the_text_log_is_one_line_per_delivery(tmp_path):
    s = Server(tmp_path / "queue")
    try:
        assert s.tiktok(return_event(20))[0] == 200
        assert s.tiktok(return_event(21), sign=False)[0] == 401
    finally:
        s.proc.send_signal(signal.SIGTERM)
        code = s.proc.wait(15)
        err = s.proc.stderr.read()
        s.stop()
    assert code == 0 and "Traceback" not in err
    assert [line["outcome"] for line in s.log_lines()] == ["created", "unauthorized"]


def test_the_text_log_line_names_the_delivery_and_shows_controls_visibly():
    import io

    from replydesk.tui.inbound.receiver import EventLog

    stream = io.StringIO()
    EventLog(stream, as_json=False).write(endpoint="relay", status=400, outcome="rejected", client="127.0.0.1",
                                          case=None, event=None, ms=1.5, reason="bad \x1b[31m field\nnext")
    (line,) = stream.getvalue().splitlines()
    assert " relay 400 rejected client=127.0.0.1 ms=1.5 reason=bad " in line and "\x1b" not in line


@pytest.mark.parametrize("listen, message", [
    ("8787", "expected HOST:PORT"),
    ("127.0.0.1:99999", "expected HOST:PORT"),
    ("192.0.2.1:8787", "cannot listen on 192.0.2.1:8787"),
])
def test_a_bad_listen_address_is_one_clear_error(tmp_path, listen, message):
    env = {**os.environ, "REPLYDESK_RELAY_SECRET": RELAY_SECRET}
    run = subprocess.run([sys.executable, "-m", "replydesk.tui.entry", "receive", "--queue", str(tmp_path / "q"), "--listen", listen],
                         capture_output=True, text=True, env=env, timeout=60)
    assert run.returncode == 2 and message in run.stderr and "Traceback" not in run.stderr


def test_a_relayed_batch_with_a_broken_item_is_refused_whole(server):
    response = json.loads((PAYLOADS / "coupang-online-inquiries.json").read_text(encoding="utf-8"))
    del response["data"]["content"][1]["inquiryAt"]
    body = json.dumps(response, ensure_ascii=False).encode()
    stamp = str(int(time.time()))
    headers = {"X-Replydesk-Timestamp": stamp, "X-Replydesk-Signature": relay_signature(RELAY_SECRET, stamp, body)}
    status, answer, _ = server.post("/relay", body, headers)
    assert status == 400 and answer["reason"] == "data[1]: inquiryAt is missing"
    assert cases(server.queue) == {} and len(dead_letters(server.queue)) == 1


def test_a_chunked_body_without_a_length_is_stopped_at_the_limit(tmp_path):
    s = Server(tmp_path / "queue", "--max-body", "4096")
    try:
        def chunks():
            for _ in range(64):
                yield b"x" * 1024  # 64 KiB, never announced

        conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
        conn.request("POST", "/tiktok", chunks(), {"Authorization": "0" * 64, "Transfer-Encoding": "chunked"}, encode_chunked=True)
        resp = conn.getresponse()
        assert resp.status == 413 and json.loads(resp.read())["status"] == "too-large"
        conn.close()
        assert cases(s.queue) == {} and dead_letters(s.queue) == []
    finally:
        s.stop()


def test_a_flood_of_forged_requests_does_not_use_up_the_platforms_rate(tmp_path):
    s = Server(tmp_path / "queue", "--rate", "0.5", "--burst", "3")
    try:
        forged = [s.tiktok(return_event(200 + n), sign=False)[0] for n in range(6)]
        assert forged == [401, 401, 401, 429, 429, 429]
        assert [s.tiktok(return_event(300 + n))[0] for n in range(3)] == [200, 200, 200]
    finally:
        s.stop()
