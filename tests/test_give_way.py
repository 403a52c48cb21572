"""A background index build waits between its steps while the process answers a question, but never long."""

from __future__ import annotations

import threading
import time

from knowledge.give_way import _MOST_S, Questions


def _timed(step: Questions) -> float:
    started = time.perf_counter()
    step.give_way()
    return time.perf_counter() - started


def test_a_build_step_waits_for_the_question_being_answered() -> None:
    questions = Questions()
    assert _timed(questions) < 0.05  # nothing being answered: the build goes straight on
    inside, leave = threading.Event(), threading.Event()

    def answer() -> None:
        with questions.answering():
            inside.set()
            leave.wait(5)

    thread = threading.Thread(target=answer)
    thread.start()
    inside.wait(5)
    threading.Timer(0.05, leave.set).start()
    waited = _timed(questions)
    thread.join()
    assert waited >= 0.03  # held back until the question was answered (or the step's limit)
    assert _timed(questions) < 0.05  # and not after


def test_a_stream_of_questions_delays_each_build_step_by_at_most_its_limit() -> None:
    questions = Questions()
    with questions.answering():  # a question that is never done
        waited = _timed(questions)
    assert _MOST_S * 0.9 <= waited < _MOST_S + 1.0
