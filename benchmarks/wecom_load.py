"""Load benchmark for the WeCom callback: N simulated users on loopback, bounded in count and time.

Runs ``gongkai serve`` as a subprocess against the loopback WeCom stub (tests/wecom_stub.py), posts
encrypted callbacks exactly as WeCom would (including WeCom's retries of the same MsgId), makes the
stub's message/send fail at random for a share of calls, and reports:
  - callback ack latency p50/p95/p99 and the number of non-200 answers to valid messages, with the
    machine's load average before and after (the machine is shared: the same run is slower when busy);
  - end-to-end reply latency p50/p95 (callback posted -> first reply part accepted by the stub);
  - lost and duplicated replies (outbox rows vs. what the stub received).

    python -m benchmarks.wecom_load --users 200 --per-user 10 --concurrency 20            # closed loop
    python -m benchmarks.wecom_load --burst                # waves of exactly 20 simultaneous deliveries
    python -m benchmarks.wecom_load --burst --split        # gongkai serve --no-worker + gongkai worker
    python -m benchmarks.wecom_load --burst --split --db-url postgresql+psycopg://postgres@127.0.0.1:5432/test
    python -m benchmarks.wecom_load --burst --heavy 10      # while 10 clients classify 199k-character drafts
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

from benchmarks.callback_client import CallbackClient
from tests.wecom_stub import AES_KEY, AGENT_ID, CORP_ID, SECRET, TOKEN, CallbackSender, text_xml

CALLBACK = "/wecom/callback"
KNOWLEDGE = ["依申请公开多少个工作日内答复？", "政务公开的主管部门是哪个？", "哪些信息应当主动公开？"]


@dataclass
class Run:
    acks: list[float] = field(default_factory=list)
    non_200: int = 0
    heavy: list[tuple[int, float]] = field(default_factory=list)  # (status, seconds) of heavy classify calls
    posted_at: dict[str, float] = field(default_factory=dict)  # msg key -> first post time (epoch)


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _question(user: int, j: int) -> str:
    if j == 0:
        return KNOWLEDGE[user % len(KNOWLEDGE)]
    received = date(2026, 1, 5) + timedelta(days=j * 11 + user % 7)  # distinct per message of a user
    return f"{received.month}月{received.day}日收到的申请哪天到期？"


class RemoteStub:
    """The stub in its own process, so its threads don't share a GIL with the load generator."""

    def __init__(self, fault_rate: float) -> None:
        port = _free_port()
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.wecom_stub", str(port), str(fault_rate)],
                                     stdout=subprocess.PIPE)
        assert self.proc.stdout is not None
        self.base_url = self.proc.stdout.readline().decode().strip()

    def state(self) -> dict[str, Any]:
        data: dict[str, Any] = httpx.get(self.base_url.replace("/cgi-bin/", "/_stub/state"), timeout=30).json()
        return data

    def messages(self, user: str | None = None) -> list[dict[str, Any]]:
        return [m for m in self.state()["sent"] if user is None or m["touser"] == user]

    def wait_for(self, user: str, count: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.messages(user)) < count:
            time.sleep(0.2)

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(tmp: Path, stub: RemoteStub, db_url: str, log_level: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(
        ASSISTANT_DATA_DIR=str(tmp / "data"), ASSISTANT_EMBEDDER="none", ASSISTANT_LOG_LEVEL=log_level,
        ASSISTANT_DATABASE_URL=db_url, ASSISTANT_WECOM__CORP_ID=CORP_ID, ASSISTANT_WECOM__AGENT_ID=str(AGENT_ID),
        ASSISTANT_WECOM__SECRET=SECRET, ASSISTANT_WECOM__TOKEN=TOKEN, ASSISTANT_WECOM__ENCODING_AES_KEY=AES_KEY,
        ASSISTANT_WECOM__API_BASE_URL=stub.base_url, ASSISTANT_WECOM__RETRY_BASE_SECONDS="0.2",
        ASSISTANT_API_RATE_PER_MINUTE="0", ASSISTANT_MEMBER_RATE_PER_MINUTE="0",
    )
    return env


def _start_service(env: dict[str, str], split: bool) -> tuple[list[subprocess.Popen[bytes]], str]:
    """``gongkai serve`` (split: ``serve --no-worker`` plus one ``gongkai worker``); waits for /health."""
    port = _free_port()
    gongkai = [sys.executable, "-m", "assistant.cli.main"]
    procs = [subprocess.Popen([*gongkai, "serve", "--port", str(port), *(["--no-worker"] if split else [])], env=env)]
    if split:
        procs.append(subprocess.Popen([*gongkai, "worker"], env=env))
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return procs, url
        except httpx.TransportError:
            time.sleep(0.3)
    _stop(procs)
    raise SystemExit("service did not start")


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:  # heavy requests still in the pool: the numbers are taken already
            proc.kill()
            proc.wait(timeout=30)


@contextmanager
def _database(tmp: Path, url: str) -> Iterator[str]:
    """SQLite in ``tmp``, or a fresh PostgreSQL schema (dropped afterwards) so runs never collide."""
    if not url:
        yield f"sqlite:///{tmp / 'data' / 'gongkai.db'}"
        return
    if not url.startswith("postgresql"):
        yield url
        return
    import psycopg

    admin = url.replace("postgresql+psycopg://", "postgresql://")
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield url + ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


async def _deliver(client: CallbackClient, run: Run, xml: str, key: str, at: float, deliveries: int,
                   wecom: CallbackSender) -> None:
    await asyncio.sleep(max(0.0, at - time.monotonic()))
    for _ in range(deliveries):  # WeCom's retries carry the same MsgId with a new nonce
        await _post_once(client, run, key, client.request(CALLBACK, *wecom.encrypt(xml)))


def _messages(args: argparse.Namespace, wecom: CallbackSender) -> list[tuple[str, str, int]]:
    """(xml, key, deliveries): a share of messages is delivered again by WeCom (same MsgId)."""
    rng, out = random.Random(7), []
    for j, user in ((j, u) for j in range(args.per_user) for u in range(args.users)):
        msg_id = wecom.next_id()
        deliveries = 1 + int(rng.random() < args.retry_share) * rng.randint(1, 2)
        out.append((text_xml(f"load{user:04d}", _question(user, j), msg_id), f"msg:{msg_id}", deliveries))
    return out


async def _drive(url: str, args: argparse.Namespace, run: Run) -> None:
    """rate == 0: closed loop (always ``concurrency`` callbacks in flight); else open loop at ``rate``/s."""
    wecom = CallbackSender()
    t0 = time.monotonic()
    jobs = [(xml, key, t0 + (i / args.rate if args.rate else 0.0), n) for i, (xml, key, n) in enumerate(_messages(args, wecom))]
    async with CallbackClient(url, args.concurrency) as client:
        await asyncio.wait_for(asyncio.gather(*(_deliver(client, run, *job, wecom) for job in jobs)), args.time_limit)


async def _post_once(client: CallbackClient, run: Run, key: str, raw: bytes) -> None:
    conn = await client.acquire()  # at most ``concurrency`` callbacks in flight
    try:
        start = time.perf_counter()
        run.posted_at.setdefault(key, time.time())
        status, body, conn = await client.send(conn, raw)
        run.acks.append(time.perf_counter() - start)
    finally:
        client.release(conn)
    if status != 200 or body:
        run.non_200 += 1


async def _drive_bursts(url: str, args: argparse.Namespace, run: Run) -> None:
    """Waves of exactly ``concurrency`` simultaneous deliveries (retries of a MsgId may share a wave)."""
    wecom = CallbackSender()
    deliveries = [(xml, key) for xml, key, n in _messages(args, wecom) for _ in range(n)]
    deadline = time.monotonic() + args.time_limit
    async with CallbackClient(url, args.concurrency) as client:
        for start in range(0, len(deliveries), args.concurrency):
            if time.monotonic() > deadline:
                break
            wave = [(key, client.request(CALLBACK, *wecom.encrypt(xml))) for xml, key in deliveries[start:start + args.concurrency]]
            await asyncio.gather(*(_post_once(client, run, key, raw) for key, raw in wave))
            await asyncio.sleep(args.pause)


HEAVY_DRAFT = ("关于2020年洱源县农村危房改造补助对象的公示。经村民申请、村委会评议，现将补助对象公示如下："
               "张三，身份证号532930199001011232，联系电话13987654321，住址洱源县茈碧湖镇。" * 3000)[:199_000]


async def _heavy_client(url: str, run: Run, stop: asyncio.Event, token: str) -> None:
    """One client classifying a 199k-character draft again and again until the callbacks are done."""
    async with httpx.AsyncClient(timeout=300, headers={"Authorization": f"Bearer {token}"}) as client:
        while not stop.is_set():
            started = time.perf_counter()
            response = await client.post(url + "/api/classify", json={"text": HEAVY_DRAFT})
            run.heavy.append((response.status_code, time.perf_counter() - started))


def _api_token(db_url: str) -> str:
    """A member's API token for the heavy clients (/api/* needs sign-in)."""
    from assistant.auth.store import create_token
    from assistant.storage import open_database

    db = open_database(db_url, migrate=False)
    try:
        return create_token(db, name="wecom-load", role="member")[1]
    finally:
        db.dispose()


async def _with_heavy(url: str, args: argparse.Namespace, run: Run, driver: Any, token: str) -> None:
    stop = asyncio.Event()
    heavy = [asyncio.create_task(_heavy_client(url, run, stop, token)) for _ in range(args.heavy)]
    if heavy:
        await asyncio.sleep(1.0)  # the heavy work is running before the first callback
    try:
        await driver
    finally:
        stop.set()
        for task in heavy:  # a 199k-character draft may take a minute: don't wait for the last ones
            task.cancel()
        await asyncio.gather(*heavy, return_exceptions=True)


def _outcome(db_url: str, stub: RemoteStub, run: Run, wait_limit: float) -> dict[str, object]:
    from sqlalchemy import select

    from assistant.storage import open_database
    from assistant.storage.models import Inbound, Outbox

    db = open_database(db_url, migrate=False)
    deadline = time.monotonic() + wait_limit
    while time.monotonic() < deadline:
        with db.session() as s:
            busy = s.scalars(select(Inbound.id).where(Inbound.status == "pending").limit(1)).first() or \
                s.scalars(select(Outbox.id).where(Outbox.status == "pending").limit(1)).first()
        if not busy:
            break
        time.sleep(0.5)
    with db.session() as s:
        rows = s.execute(select(Outbox.to_user, Outbox.status, Outbox.source_key, Outbox.sent_at, Outbox.id)).all()
        inbound = set(s.scalars(select(Inbound.key)).all())
    db.dispose()
    sent_rows = [r for r in rows if r.status == "sent"]
    answered = {r.source_key for r in sent_rows}
    lost = [k for k in run.posted_at if k not in inbound or k not in answered]
    lost += [r.id for r in rows if r.status != "sent"]
    per_user_db = Counter(r.to_user for r in sent_rows)
    per_user_stub = Counter(m["touser"] for m in stub.messages() if m["touser"] != "warmup")
    doubled = sum(max(0, per_user_stub[u] - per_user_db[u]) for u in per_user_stub)
    first_sent: dict[str, float] = {}
    for r in sent_rows:
        t = _epoch(r.sent_at)
        first_sent[r.source_key] = min(first_sent.get(r.source_key, t), t)
    e2e = [first_sent[k] - t0 for k, t0 in run.posted_at.items() if k in first_sent]
    return {"lost": len(lost), "doubled": doubled, "e2e": e2e, "replies": len(sent_rows)}


def _warm_up(url: str, stub: RemoteStub) -> None:
    """One message first: the engine builds its index on first use; that is start-up, not load."""
    wecom = CallbackSender()
    params, body = wecom.encrypt(text_xml("warmup", KNOWLEDGE[0], wecom.next_id()))
    httpx.post(url + "/wecom/callback", params=params, content=body, timeout=10)
    stub.wait_for("warmup", 1, timeout=120)


def _epoch(naive_utc: object) -> float:
    from datetime import UTC, datetime

    assert isinstance(naive_utc, datetime)
    return naive_utc.replace(tzinfo=UTC).timestamp()


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--per-user", type=int, default=10, help="messages per user (keep under 29: WeCom's per-minute cap)")
    parser.add_argument("--concurrency", type=int, default=20, help="concurrent callback deliveries")
    parser.add_argument("--fault-rate", type=float, default=0.05, help="share of message/send calls that fail")
    parser.add_argument("--rate", type=float, default=0.0, help="messages per second (0: closed loop)")
    parser.add_argument("--burst", action="store_true", help="waves of exactly --concurrency simultaneous deliveries")
    parser.add_argument("--pause", type=float, default=0.1, help="seconds between --burst waves")
    parser.add_argument("--split", action="store_true", help="gongkai serve --no-worker plus one gongkai worker")
    parser.add_argument("--retry-share", type=float, default=0.1, help="share of messages WeCom delivers again")
    parser.add_argument("--database-url", "--db-url", default="",
                        help="default: SQLite in a temporary directory; PostgreSQL runs in a fresh schema")
    parser.add_argument("--heavy", type=int, default=0, help="concurrent clients classifying 199k-character drafts")
    parser.add_argument("--time-limit", type=float, default=600.0, help="seconds for the sending phase")
    parser.add_argument("--log-level", default="INFO", help="the service's ASSISTANT_LOG_LEVEL (INFO is the default)")
    return parser.parse_args(argv)


def _mode(args: argparse.Namespace) -> str:
    load = f"bursts of {args.concurrency}" if args.burst else f"{args.rate}/s open loop" if args.rate else "closed loop"
    return f"{load}, {'split (serve --no-worker + worker)' if args.split else 'one process'}"


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    stub = RemoteStub(args.fault_rate)
    with tempfile.TemporaryDirectory() as tmpdir, _database(Path(tmpdir), args.database_url) as db_url:
        procs, url = _start_service(_env(Path(tmpdir), stub, db_url, args.log_level), args.split)
        load_before = os.getloadavg()[0]
        run = Run()
        try:
            _warm_up(url, stub)
            started = time.monotonic()
            driver = _drive_bursts(url, args, run) if args.burst else _drive(url, args, run)
            token = _api_token(db_url) if args.heavy else ""
            asyncio.run(_with_heavy(url, args, run, driver, token))
            sending, load_after = time.monotonic() - started, os.getloadavg()[0]
            result = _outcome(db_url, stub, run, wait_limit=args.time_limit)
            state = stub.state()
        finally:
            _stop(procs)
            stub.close()
    e2e = result["e2e"]
    assert isinstance(e2e, list)
    report = {
        "mode": _mode(args), "messages": len(run.posted_at), "deliveries": len(run.acks),
        "database": db_url.split(":", 1)[0], "sending_seconds": round(sending, 1),
        "ack_p50_ms": round(_percentile(run.acks, 50) * 1000, 1), "ack_p95_ms": round(_percentile(run.acks, 95) * 1000, 1),
        "ack_p99_ms": round(_percentile(run.acks, 99) * 1000, 1), "log_level": args.log_level,
        "load_avg_before": round(load_before, 1), "load_avg_after": round(load_after, 1),
        "non_200": run.non_200, "e2e_p50_s": round(_percentile(e2e, 50), 2), "e2e_p95_s": round(_percentile(e2e, 95), 2),
        "replies_sent": result["replies"], "lost": result["lost"], "doubled": result["doubled"],
        "send_calls": state["send_calls"], "send_failures_injected": state["send_calls"] - len(state["sent"]),
        "token_fetches": state["token_fetches"],
    }
    if args.heavy:
        seconds = [t for _, t in run.heavy]
        report.update(heavy_clients=args.heavy, heavy_requests=len(run.heavy),
                      heavy_status=dict(Counter(str(code) for code, _ in run.heavy)),
                      heavy_p50_s=round(_percentile(seconds, 50), 2), heavy_p95_s=round(_percentile(seconds, 95), 2))
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0 if report["lost"] == 0 and report["doubled"] == 0 and run.non_200 == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
