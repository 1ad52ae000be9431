"""Run a function over tasks in worker processes, each task bounded in time.

A worker busy with one task past ``seconds`` is killed (SIGKILL: a parser stuck in C code
cannot be interrupted any other way) and replaced; that task's result is
``timed_out(task)`` and the other tasks go on.  A worker that dies on its own (out of
memory, a crash in a library) costs only its task: ``died(task)``.  Results come back in
task order.  ``gongkai ingest`` (through :func:`corpus.ingest.parse_files`) and
``gongkai parse`` run the parser this way, with ``parse_seconds`` of :mod:`parsing.limits`.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def die_with_parent(parent: int) -> None:
    """In a worker: end when the process that started it dies, even by SIGKILL.

    Otherwise the workers of a killed ingest would wait forever for their next task.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _serve(func: Callable[[Any], Any], conn: Connection, parent: int) -> None:
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it kills us
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(func(task))


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    task: int | None = None
    started: float = 0.0

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


def _start(func: Callable[[Any], Any]) -> _Worker:
    # fork: the parser's modules, already imported by the caller, need not load again.
    context = multiprocessing.get_context("fork")
    ours, theirs = context.Pipe()
    process = context.Process(target=_serve, args=(func, theirs, os.getpid()), daemon=True)
    process.start()
    theirs.close()
    return _Worker(process, ours)


def run_bounded(func: Callable[[T], R], tasks: Sequence[T], workers: int, seconds: float,
                timed_out: Callable[[T], R], died: Callable[[T], R]) -> Iterator[R]:
    """``func(task)`` for each task, in task order, over at most ``workers`` processes.

    ``seconds`` bounds each task (0 = no bound: with one worker the tasks then run in this
    process).  ``func`` must not raise; its results must pickle.
    """
    if not tasks:
        return
    if seconds <= 0 and workers <= 1:
        yield from map(func, tasks)
        return
    workers = max(1, min(workers, len(tasks)))
    pending = deque(range(len(tasks)))
    results: dict[int, R] = {}
    pool: list[_Worker] = []
    next_out = 0
    try:
        while next_out < len(tasks):
            for worker in pool:
                if worker.task is None and pending:
                    worker.task, worker.started = pending.popleft(), time.monotonic()
                    worker.conn.send(tasks[worker.task])
            while pending and len(pool) < workers:
                worker = _start(func)
                pool.append(worker)
                worker.task, worker.started = pending.popleft(), time.monotonic()
                worker.conn.send(tasks[worker.task])
            busy = [w for w in pool if w.task is not None]
            timeout = None
            if seconds > 0:
                timeout = max(0.0, min(w.started + seconds for w in busy) - time.monotonic())
            ready = wait([w.conn for w in busy], timeout)
            now = time.monotonic()
            for worker in busy:
                index = worker.task
                assert index is not None
                if worker.conn in ready:
                    try:
                        results[index] = worker.conn.recv()
                        worker.task = None
                        continue
                    except (EOFError, OSError):
                        results[index] = died(tasks[index])
                elif seconds > 0 and now - worker.started >= seconds:
                    results[index] = timed_out(tasks[index])
                else:
                    continue
                worker.kill()
                pool.remove(worker)
            while next_out in results:
                yield results.pop(next_out)
                next_out += 1
    finally:
        for worker in pool:
            worker.kill()
