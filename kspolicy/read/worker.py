"""Run parsing jobs in a separate, bounded process.

A hostile file (a zip bomb, a 2,000-page PDF, a 5 MB line) must cost one skipped
file, never the build or the page. `Worker` keeps one child process
(`python -m kspolicy.read.worker`) and sends it one job at a time over a pipe;
the child runs under an address-space limit (RLIMIT_AS), the parent waits at most
`Limits.seconds` per job. A job that raises, runs out of memory, times out or
kills the child becomes a `JobFailed` with a Chinese reason; the child is
started again for the next job, so one process serves a whole build.
"""

from __future__ import annotations

import os
import pickle
import resource
import signal
import subprocess
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .limits import Limits

PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # the folder holding kspolicy/
START_SECONDS = 60.0  # a child that is not ready by then is reported, not waited for


class JobFailed(Exception):
    """A job that did not finish; str(error) is the Chinese reason shown next to the file."""


class Worker:
    """One reusable child process that runs `func(*args)` jobs under `limits`."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self._proc: subprocess.Popen | None = None
        self._conn: Connection | None = None

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, func: Callable[..., Any], *args: Any) -> Any:
        """func(*args) in the child; its IngestError-like exceptions and crashes become JobFailed."""
        conn = self._start()
        try:
            conn.send((func, args))
            if not conn.poll(self.limits.seconds):
                self._kill()
                raise JobFailed(f"解析超时（超过 {self.limits.seconds:g} 秒），已跳过")
            status, value = conn.recv()
        except (EOFError, OSError, pickle.PickleError):
            raise JobFailed(self._crash_reason()) from None
        if status == "ok":
            return value
        if status == "memory":
            self._kill()  # a child that ran out of memory may be in a bad state: start afresh
            raise JobFailed(f"解析时内存超过上限（{self.limits.memory_mb} MB），已跳过")
        raise JobFailed(value)

    def close(self) -> None:
        if self._proc is None:
            return
        try:
            self._conn.send(None)  # type: ignore[union-attr]
            self._proc.wait(timeout=5)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            pass
        self._kill()

    def _start(self) -> Connection:
        if self._proc is not None and self._proc.poll() is None and self._conn is not None:
            return self._conn
        self._kill()
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            p for p in (str(PACKAGE_ROOT), os.environ.get("PYTHONPATH", "")) if p)}
        cmd = [sys.executable, "-m", "kspolicy.read.worker", str(to_child_r), str(from_child_w),
               str(self.limits.memory_mb), str(self.limits.seconds)]
        try:
            self._proc = subprocess.Popen(cmd, pass_fds=(to_child_r, from_child_w), env=env,  # caller's cwd
                                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL, start_new_session=True)
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        conn = _Duplex(from_child_r, to_child_w)
        self._conn = conn  # type: ignore[assignment]
        try:
            if not conn.poll(START_SECONDS) or conn.recv() != "ready":
                raise EOFError
        except (EOFError, OSError):
            self._kill()
            raise JobFailed("无法启动解析进程（内存不足或安装不完整）") from None
        return conn  # type: ignore[return-value]

    def _crash_reason(self) -> str:
        code = self._proc.wait(timeout=10) if self._proc is not None else None
        self._kill()
        if code is not None and code < 0:
            name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
            return f"解析进程异常退出（信号 {name}，可能超过内存上限 {self.limits.memory_mb} MB），已跳过"
        return f"解析进程异常退出（退出码 {code}），已跳过"

    def _kill(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.kill()
            self._proc.wait()
            self._proc = None


class _Duplex:
    """A read pipe and a write pipe used as one multiprocessing Connection."""

    def __init__(self, read_fd: int, write_fd: int):
        self._in = Connection(read_fd, writable=False)
        self._out = Connection(write_fd, readable=False)

    def send(self, obj: Any) -> None:
        self._out.send(obj)

    def recv(self) -> Any:
        return self._in.recv()

    def poll(self, timeout: float) -> bool:
        return self._in.poll(timeout)

    def close(self) -> None:
        for conn in (self._in, self._out):
            try:
                conn.close()
            except OSError:
                pass


def _limit_self(memory_mb: int) -> None:
    """Address-space limit and no core files (a crash must not write into the working folder)."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _limit_cpu(seconds: float) -> None:
    """CPU-time limit for the next job: a child orphaned by a killed build still stops (SIGXCPU)."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(used.ru_utime + used.ru_stime + seconds) + 5
    hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _serve(read_fd: int, write_fd: int, memory_mb: int, seconds: float) -> None:
    """The child's loop: receive (func, args), send ("ok", result) or (status, reason)."""
    conn = _Duplex(read_fd, write_fd)
    _limit_self(memory_mb)
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        except Exception as exc:  # noqa: BLE001 - a job that cannot be unpickled (its module will not import)
            conn.send(("error", failure_reason(exc)))
            continue
        if job is None:
            return
        func, args = job
        _limit_cpu(seconds)
        try:
            reply: tuple[str, Any] = ("ok", func(*args))
        except MemoryError:
            reply = ("memory", "")
        except Exception as exc:  # noqa: BLE001 - every failure is one skipped file
            reply = ("error", failure_reason(exc))
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(("memory", ""))
        except (pickle.PickleError, TypeError, AttributeError) as exc:
            conn.send(("error", f"解析失败（内部错误 {type(exc).__name__}）"))


def failure_reason(exc: Exception) -> str:
    """The Chinese reason for a failed job: the message of a reading error, else the error's type."""
    from .ingest import IngestError

    if isinstance(exc, IngestError):
        return str(exc)
    return f"解析失败（内部错误 {type(exc).__name__}: {str(exc)[:200]}）"


if __name__ == "__main__":
    _serve(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]))
