"""``gongkai worker``: the turn worker and the outbox sender without the HTTP service.

Scale-out: one or more ``gongkai serve --no-worker`` acknowledge callbacks, one or more ``gongkai
worker`` processes answer them. Dedupe, turn queue and outbox live in the shared database, so any
number of each may run; a worker stopped with SIGTERM/SIGINT finishes its turns in progress and hands
its other claims back at once.
"""

from __future__ import annotations

from assistant.settings import Settings


def run_worker(settings: Settings) -> None:
    """Blocking: answer queued turns and deliver the outbox until SIGINT/SIGTERM (see ``Gongkai.run_worker``)."""
    from assistant.process import Gongkai

    Gongkai(settings).run_worker()
