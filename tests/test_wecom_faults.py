"""Exactly-once delivery under faults (PostgreSQL, real processes, real crypto, loopback WeCom).

2,000 messages, a share delivered twice or three times by "WeCom", through ``gongkai serve
--no-worker`` and two ``gongkai worker`` processes while message/send fails in every way (5xx before
and after delivering, late answers, dropped connections, 45009), tokens expire (42001), a 60020
period outlasts the old 8-attempt retry budget, a worker is killed with SIGKILL twice and every
database connection of the service is terminated every few seconds. Nothing may be lost and
nothing shown twice. The full 5,000-message run is ``python -m benchmarks.wecom_faults``.
"""

from __future__ import annotations

import json

import pytest

from tests.dbs import postgres_reachable

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def test_two_thousand_messages_through_every_fault_none_lost_none_twice() -> None:
    if not postgres_reachable():
        pytest.skip("PostgreSQL at 127.0.0.1:5432 is not reachable")
    from benchmarks.wecom_faults import PAUSE_SECONDS, run

    report = run(messages=2000, users=200, retry_share=0.3, fault_rate=0.15, drain_limit=240)
    print(json.dumps(report, ensure_ascii=False))  # the drain time, for the record
    assert report["deliveries"] > 2000 and report.get("never_acked", 0) == 0
    assert report["worker_kills"] == 2 and report["connections_terminated"] > 0 and report["token_expiries"] > 0
    assert report["pause_60020_seconds"] >= PAUSE_SECONDS - 1
    assert report["duplicates_suppressed_by_wecom"] > 0  # sends that may have arrived were repeated, deduped
    assert report["lost"] == 0
    assert report["shown_twice"] == 0
    assert report["delivered"] == report["replies"]
