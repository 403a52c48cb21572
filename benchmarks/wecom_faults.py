"""Exactly-once delivery under faults: N messages through the real processes while everything breaks.

``gongkai serve --no-worker`` acknowledges callbacks and two ``gongkai worker`` processes answer them,
all on PostgreSQL, against the loopback WeCom stand-in (tests/wecom_stub.py) with real crypto. While
the messages arrive (a share of them delivered again with the same MsgId, as WeCom does):

  - message/send fails at random: 5xx before or after delivering, answers too late (after the
    client's timeout, but delivered), drops the connection, 45009;
  - access tokens expire every few seconds (42001);
  - a 60020 (untrusted IP) period longer than the old retry budget (8 attempts) under the same,
    compressed, retry settings;
  - ``kill -9`` of a worker process (restarted a second later), twice;
  - every database connection of the service terminated (pg_terminate_backend) every few seconds.

Reports lost replies (a message without its reply), replies shown twice, and the drain time (last
callback acknowledged -> last reply delivered). Time is compressed through settings, never sleeps.

    python -m benchmarks.wecom_faults                          # 5,000 messages
    python -m benchmarks.wecom_faults --messages 2000 --users 200
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

from benchmarks.callback_client import CallbackClient
from tests.wecom_stub import AES_KEY, AGENT_ID, CORP_ID, SECRET, TOKEN, CallbackSender, WeComStub, text_xml

PG_URL = os.environ.get("GONGKAI_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
FAULTS = ("500", "500after", "timeout", "drop", "45009")
RETRY_BASE = 0.05  # the old budget, 8 attempts of 0.05·2^n s backoff, is about 6 s at this setting
PAUSE_SECONDS = 12.0  # the 60020 period: twice the old budget


@dataclass
class Chaos:
    kills: int = 0
    terminations: int = 0
    token_expiries: int = 0
    pause_seconds: float = 0.0
    log: list[str] = field(default_factory=list)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(tmp: Path, stub: WeComStub, db_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(
        ASSISTANT_DATA_DIR=str(tmp / "data"), ASSISTANT_EMBEDDER="none", ASSISTANT_LOG_LEVEL="ERROR",
        ASSISTANT_DATABASE_URL=db_url, ASSISTANT_WECOM__CORP_ID=CORP_ID, ASSISTANT_WECOM__AGENT_ID=str(AGENT_ID),
        ASSISTANT_WECOM__SECRET=SECRET, ASSISTANT_WECOM__TOKEN=TOKEN, ASSISTANT_WECOM__ENCODING_AES_KEY=AES_KEY,
        ASSISTANT_WECOM__API_BASE_URL=stub.base_url, ASSISTANT_WECOM__TIMEOUT_SECONDS="0.5",
        ASSISTANT_WECOM__RETRY_BASE_SECONDS=str(RETRY_BASE), ASSISTANT_WECOM__LEASE_SECONDS="5",
        ASSISTANT_WECOM__PAUSE_SECONDS="0.5", ASSISTANT_POOL__WORKERS="1", ASSISTANT_POOL__WARM="false",
    )
    return env


class Service:
    """serve --no-worker plus two workers; a worker can be killed with SIGKILL and started again."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env, self.port = env, _free_port()
        self.gongkai = [sys.executable, "-m", "assistant.cli.main"]
        self.serve = subprocess.Popen([*self.gongkai, "serve", "--port", str(self.port), "--no-worker"], env=env)
        self.workers = [self._worker() for _ in range(2)]
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("service did not start")

    def _worker(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen([*self.gongkai, "worker"], env=self.env)

    def kill_worker(self, i: int) -> None:
        self.workers[i].send_signal(signal.SIGKILL)
        self.workers[i].wait(timeout=30)
        time.sleep(1.0)
        self.workers[i] = self._worker()

    def stop(self) -> None:
        procs = [self.serve, *self.workers]
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()


def _terminate_connections(app_name: str) -> int:
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s", (app_name,)
        ).fetchall()
    return len(rows)


def _chaos(stub: WeComStub, service: Service, app_name: str, chaos: Chaos, stop: threading.Event) -> None:
    start = time.monotonic()
    events = sorted([(3.0, "pause"), (3.0 + PAUSE_SECONDS, "resume"), (6.0, "kill0"), (16.0, "kill1")]
                    + [(2.0 + 4.0 * i, "terminate") for i in range(40)]
                    + [(1.5 + 3.0 * i, "expire") for i in range(60)])
    for at, event in events:
        while time.monotonic() - start < at:
            if stop.is_set() and event not in ("resume",):
                return
            time.sleep(0.05)
        if event == "pause":
            stub.state.pause_code, paused_at = 60020, time.monotonic()
        elif event == "resume":
            stub.state.pause_code = 0
            chaos.pause_seconds = time.monotonic() - paused_at
        elif event.startswith("kill"):
            service.kill_worker(int(event[-1]))
            chaos.kills += 1
        elif event == "terminate":
            chaos.terminations += _terminate_connections(app_name)
        else:
            stub.expire_tokens()
            chaos.token_expiries += 1
        chaos.log.append(f"{time.monotonic() - start:.1f}s {event}")


def _messages(n: int, users: int, retry_share: float, wecom: CallbackSender) -> list[tuple[str, str, int]]:
    """(xml, key, deliveries): every reply differs from the same member's others (distinct dates)."""
    rng, out = random.Random(11), []
    for i in range(n):
        user, j = i % users, i // users
        received = date(2025, 1, 2) + timedelta(days=j * 3 + user % 3)
        msg_id = wecom.next_id()
        deliveries = 1 + int(rng.random() < retry_share) * rng.randint(1, 2)
        question = f"{received.month}月{received.day}日收到的申请哪天到期？" if received.year == 2025 else \
            f"{received.year}年{received.month}月{received.day}日收到的申请哪天到期？"
        out.append((text_xml(f"f{user:04d}", question, msg_id), f"msg:{msg_id}", deliveries))
    return out


async def _drive(url: str, jobs: list[tuple[str, str, int]], wecom: CallbackSender, concurrency: int) -> dict[str, int]:
    """Post every delivery; a non-200 is delivered again (as WeCom does) until it is acknowledged."""
    stats = Counter[str]()
    async with CallbackClient(url, concurrency) as client:

        async def post(xml: str) -> None:
            for attempt in range(200):
                conn = await client.acquire()
                try:
                    status, _body, conn = await client.send(conn, client.request("/wecom/callback", *wecom.encrypt(xml)))
                except OSError:
                    status = 0
                finally:
                    client.release(conn)
                stats["posts"] += 1
                if status == 200:
                    return
                stats[f"non_200_{status}"] += 1
                await asyncio.sleep(min(2.0, 0.1 * (attempt + 1)))
            stats["never_acked"] += 1

        await asyncio.gather(*(post(xml) for xml, _key, n in jobs for _ in range(n)))
    return dict(stats)


def _pending(db_url: str) -> tuple[int, int]:
    from sqlalchemy import func, select

    from assistant.storage import open_database
    from assistant.storage.models import Inbound, Outbox

    db = open_database(db_url, migrate=False)
    try:
        with db.session() as s:
            inbound = s.scalar(select(func.count()).select_from(Inbound).where(Inbound.status == "pending")) or 0
            outbox = s.scalar(select(func.count()).select_from(Outbox).where(Outbox.status == "pending")) or 0
    finally:
        db.dispose()
    return int(inbound), int(outbox)


def _outcome(db_url: str, stub: WeComStub, keys: list[str]) -> dict[str, Any]:
    from sqlalchemy import select

    from assistant.storage import open_database
    from assistant.storage.models import Inbound, Outbox

    db = open_database(db_url, migrate=False)
    with db.session() as s:
        rows = s.execute(select(Outbox.to_user, Outbox.status, Outbox.source_key, Outbox.kind)).all()
        inbound = set(s.scalars(select(Inbound.key)).all())
    db.dispose()
    answered = {r.source_key for r in rows if r.status == "sent"}
    shown = Counter((m["touser"], m["content"]) for m in stub.messages())
    replies_per_user = Counter(r.to_user for r in rows if r.kind == "reply")
    distinct_per_user = Counter(user for user, _content in shown)
    lost = sum(1 for k in keys if k not in inbound or k not in answered) + sum(1 for r in rows if r.status != "sent")
    lost += sum(max(0, replies_per_user[u] - distinct_per_user[u]) for u in replies_per_user)
    return {"lost": lost, "shown_twice": sum(n - 1 for n in shown.values() if n > 1),
            "replies": len(rows), "delivered": sum(shown.values()),
            "duplicates_suppressed_by_wecom": stub.state.duplicates_suppressed, "send_calls": stub.state.send_calls}


def run(*, messages: int = 5000, users: int = 500, retry_share: float = 0.3, fault_rate: float = 0.15,
        concurrency: int = 20, drain_limit: float = 600.0) -> dict[str, Any]:
    import psycopg

    schema, app_name = f"faults_{uuid.uuid4().hex[:10]}", f"gk_faults_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    db_url = (PG_URL.replace("postgresql://", "postgresql+psycopg://")
              + f"?options=-csearch_path%3D{schema}&application_name={app_name}")
    chaos, stop = Chaos(), threading.Event()
    try:
        with WeComStub() as stub, tempfile.TemporaryDirectory() as tmp:
            stub.state.fault_rate, stub.state.fault_mix, stub.state.late_seconds = fault_rate, FAULTS, 0.8
            service = Service(_env(Path(tmp), stub, db_url))
            try:
                wecom = CallbackSender()
                jobs = _messages(messages, users, retry_share, wecom)
                chaos_thread = threading.Thread(target=_chaos, args=(stub, service, app_name, chaos, stop), daemon=True)
                started = time.monotonic()
                chaos_thread.start()
                stats = asyncio.run(_drive(service.url, jobs, wecom, concurrency))
                sending, sending_ended = time.monotonic() - started, time.time()
                while time.monotonic() - started < 4.0 + PAUSE_SECONDS:  # every fault had its turn
                    time.sleep(0.2)
                stop.set()
                chaos_thread.join(timeout=60)
                drain_started = time.monotonic()
                while time.monotonic() - drain_started < drain_limit and any(_pending(db_url)):
                    time.sleep(0.25)
                drained_at = max((m["at"] for m in stub.messages()), default=time.time())
                result = _outcome(db_url, stub, [k for _x, k, _n in jobs])
            finally:
                service.stop()
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    return {
        "messages": messages, "deliveries": sum(n for *_x, n in jobs), "users": users, **stats,
        "sending_seconds": round(sending, 1), "drain_seconds": round(max(0.0, drained_at - sending_ended), 1),
        "fault_rate": fault_rate, "pause_60020_seconds": round(chaos.pause_seconds, 1), "worker_kills": chaos.kills,
        "connections_terminated": chaos.terminations, "token_expiries": chaos.token_expiries, **result,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--retry-share", type=float, default=0.3, help="share of messages WeCom delivers again")
    parser.add_argument("--fault-rate", type=float, default=0.15, help="share of message/send calls that fail")
    args = parser.parse_args(argv)
    report = run(messages=args.messages, users=args.users, retry_share=args.retry_share, fault_rate=args.fault_rate)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0 if report["lost"] == 0 and report["shown_twice"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
