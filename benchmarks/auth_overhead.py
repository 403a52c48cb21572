"""What sign-in costs per request: the same cheap route anonymously (/health), with a session cookie
(HMAC check) and with an API token (a database lookup off the event loop), plus one password check.

Run: ``python -m benchmarks.auth_overhead [--n 300]``. The real app under uvicorn on loopback,
SQLite in a temporary directory, requests one after another from one keep-alive client.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks.ask_latency import percentile


def _timings(client: httpx.Client, path: str, n: int, **kwargs: object) -> dict[str, float]:
    for _ in range(20):
        client.get(path, **kwargs)  # type: ignore[arg-type]
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(path, **kwargs)  # type: ignore[arg-type]
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return {"p50_ms": round(statistics.median(times), 2), "p95_ms": round(percentile(times, 95), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=300)
    args = parser.parse_args()
    from assistant.auth.passwords import hash_password, verify_password
    from assistant.settings import Settings
    from tests.signin import api_token, cookie_value
    from tests.wecom_stub import LiveService

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), embedder="none", api_rate_per_minute=0, member_rate_per_minute=0,
                            pool={"warm": False})
        with LiveService(settings) as svc, httpx.Client(base_url=svc.url, timeout=30) as client:
            token = api_token(settings)
            cookie = cookie_value(settings)
            result = {
                "anonymous /health": _timings(client, "/health", args.n),
                "cookie /auth/me": _timings(client, "/auth/me", args.n, cookies={"gongkai_session": cookie}),
                "token /auth/me": _timings(client, "/auth/me", args.n, headers={"Authorization": f"Bearer {token}"}),
            }
    stored = hash_password("correct horse battery")
    started = time.perf_counter()
    for _ in range(5):
        verify_password("correct horse battery", stored)
    result["password check (scrypt)"] = {"mean_ms": round((time.perf_counter() - started) / 5 * 1000, 1)}
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
