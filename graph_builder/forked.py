"""Run a build step in a forked process beside the others, and take its result back.

The child shares the parent's memory copy-on-write (the graphs are not pickled or parsed again) and sends
back its result, which must be picklable, or the exception it raised. Where ``fork`` does not exist the
step simply runs in place when it is started. A build that fails before asking for a result calls
:func:`stop_unfinished` before removing what it wrote, so no child writes into a removed directory;
children are daemons besides, ending with their parent.
"""

from __future__ import annotations

import multiprocessing
import pickle
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any


#: Below this many data triples a build forks nothing: forking costs more than it saves, and a process
#: with threads (a test session serving pages) is safer not forked.
WORTH_FORKING = 20_000

#: Children started and not yet asked for their result.
_unfinished: list[Forked] = []


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _run(conn: Connection, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        outcome: tuple[Any, BaseException | None] = (function(*args), None)
    except BaseException as exc:  # handed to the parent, which raises it
        outcome = (None, exc)
    try:
        conn.send(outcome)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:  # an unpicklable result or error
        conn.send((None, RuntimeError(f"{outcome[1] or type(outcome[0]).__name__}: cannot be sent back ({exc})")))
    finally:
        conn.close()


class Forked:
    """``function(*args)`` running in a child process (or, with ``fork=False``, run in place at once);
    :meth:`result` waits for it."""

    def __init__(self, function: Callable[..., Any], *args: Any, fork: bool = True) -> None:
        self.name = getattr(function, "__name__", "a build step")
        self._value: Any = None
        self._error: BaseException | None = None
        self._conn: Connection | None = None
        if not (fork and can_fork()):
            try:
                self._value = function(*args)
            except Exception as exc:  # raised by result(), as from a child
                self._error = exc
            return
        context = multiprocessing.get_context("fork")
        self._conn, child = context.Pipe(duplex=False)
        self._process = context.Process(target=_run, args=(child, function, args), daemon=True)
        self._process.start()
        child.close()
        _unfinished.append(self)

    def result(self) -> Any:
        """The function's return value, or the exception it raised, raised here."""
        if self._conn is not None:
            _unfinished.remove(self)
            try:
                self._value, self._error = self._conn.recv()
            except EOFError:  # the child died (killed, out of memory) before sending anything
                self._process.join()
                self._error = RuntimeError(f"{self.name} ended without a result (exit code "
                                           f"{self._process.exitcode}); see the messages above")
            finally:
                self._conn.close()
                self._conn = None
                self._process.join()
        if self._error is not None:
            raise self._error
        return self._value

    def stop(self) -> None:
        """End the child without its result (the build failed elsewhere)."""
        if self._conn is not None:
            self._process.terminate()
            self._process.join()
            self._conn.close()
            self._conn = None
            _unfinished.remove(self)


def stop_unfinished() -> None:
    """End every child whose result was never asked for."""
    for job in list(_unfinished):
        job.stop()
