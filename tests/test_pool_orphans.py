"""A heavy-pool worker busy with a long task exits when its server is killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

# the "server" starts a real child that arms the watchdog and then computes forever, prints its pid, and is
# killed with SIGKILL: the child is reparented and must notice on its own (its pipe would only tell it when idle)
_SERVER = """
import os, sys, time, multiprocessing as mp
from assistant import pool_worker

def busy():
    pool_worker.watch_parent(interval=0.2)
    n = 0
    while True:
        n += 1

if __name__ == "__main__":
    proc = mp.get_context("spawn").Process(target=busy)
    proc.start()
    time.sleep(1.0)
    if not proc.is_alive():
        sys.exit(3)  # the child must be computing when its server dies
    print(proc.pid, flush=True)
    os.kill(os.getpid(), 9)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie awaiting its reaper counts as gone
        return stat.read().split(")")[-1].split()[0] != "Z"


def test_a_busy_worker_exits_when_its_server_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "server.py"
    script.write_text(_SERVER, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == -signal.SIGKILL
    worker = int(done.stdout.strip())
    try:
        deadline = time.monotonic() + 20
        while _alive(worker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(worker), "the orphaned worker kept computing after its server died"
    finally:
        if _alive(worker):
            os.kill(worker, signal.SIGKILL)
