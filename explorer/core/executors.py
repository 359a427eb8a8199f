"""Where batches of runs execute: in this process, in a local process pool, or on a Dask cluster.

Every long analysis (Monte Carlo, sensitivity, goal search) is a stream of independent *tasks*
`fn(runner, spec)`, where `fn` is a module-level function (picklable by name), `runner` is the
executing process's own `Runner` for the scenario (compiled once per process, never per task) and
`spec` is small (a branch id, a first seed, a count). Results come back **in spec order** whatever
order the workers finish in, so sums are folded in the same order on every executor and the same
seeds give bit-identical numbers in-process, on the pool and on Dask.

Specs are drawn lazily with a bounded number in flight: `--runs 1000000000` never builds a list of a
billion seeds. A progress callback `progress(done, total)` may raise to cancel; cancelling (or Ctrl-C)
terminates the pool's workers at once instead of waiting for their tasks.
"""
from __future__ import annotations

import os
import signal
import uuid
from typing import Callable, Iterable, Iterator

from .errors import ExplorerError
from .model import Scenario
from .runner import Runner

Task = Callable[[Runner, object], object]


def available_cpus() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def capped_jobs(jobs: int) -> tuple[int, str | None]:
    """`jobs` limited to the CPUs this process may use; the note says so when it had to cut."""
    if jobs < 1:
        raise ExplorerError("--jobs must be at least 1")
    cpus = available_cpus()
    if jobs > cpus:
        return cpus, f"--jobs {jobs} is more than the {cpus} CPU{'s' if cpus != 1 else ''} this machine " \
                     f"has; using {cpus}"
    return jobs, None


class Executor:
    """Base: runs tasks in this process, one after another."""

    workers = 1

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self._runner: Runner | None = None

    @property
    def runner(self) -> Runner:
        if self._runner is None:
            self._runner = Runner(self.scenario)
        return self._runner

    def map(self, fn: Task, specs: Iterable, units: Callable[[object], int] = lambda s: 1,
            total: int | None = None, progress=None) -> Iterator:
        done = 0
        for spec in specs:
            out = fn(self.runner, spec)
            done += units(spec)
            if progress:
                progress(done, total if total is not None else done)
            yield out

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def describe(self) -> str:
        return "this process"


# --- the local process pool -----------------------------------------------------------------------

_WORKER_RUNNER: Runner | None = None


def _pool_init(scenario: Scenario) -> None:
    global _WORKER_RUNNER
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and ends us
    _WORKER_RUNNER = Runner(scenario)


def _pool_call(fn: Task, spec):
    return fn(_WORKER_RUNNER, spec)


class PoolExecutor(Executor):
    """A multiprocessing pool; each worker compiles the scenario once (fork: not even that)."""

    def __init__(self, scenario: Scenario, jobs: int):
        super().__init__(scenario)
        import multiprocessing
        self.workers = jobs
        self._pool = multiprocessing.get_context().Pool(jobs, initializer=_pool_init, initargs=(scenario,))

    def map(self, fn, specs, units=lambda s: 1, total=None, progress=None):
        return _ordered(lambda spec: self._pool.apply_async(_pool_call, (fn, spec)),
                        lambda handle: handle.get(), specs, units, total, progress,
                        in_flight=3 * self.workers, on_abort=self.terminate)

    def terminate(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None

    def describe(self) -> str:
        return f"{self.workers} local worker processes"


# --- Dask distributed -----------------------------------------------------------------------------

_DASK_RUNNERS: dict[str, Runner] = {}


def _dask_call(fn: Task, token: str, scenario: Scenario, spec):
    runner = _DASK_RUNNERS.get(token)
    if runner is None:  # once per worker process and scenario: the scattered scenario is shared
        _DASK_RUNNERS.clear()
        runner = _DASK_RUNNERS[token] = Runner(scenario)
    return fn(runner, spec)


class DaskExecutor(Executor):
    """Tasks on a Dask distributed cluster (`dask scheduler` / `dask worker`, or a LocalCluster)."""

    def __init__(self, scenario: Scenario, address: str):
        super().__init__(scenario)
        try:
            from distributed import Client
        except ImportError:
            raise ExplorerError("--scheduler needs Dask: pip install 'what-if-explorer[dask]' "
                                "(or pip install 'dask[distributed]')") from None
        self.address = address
        try:
            self.client = Client(address, timeout="5s", set_as_default=False)
        except (OSError, TimeoutError) as e:
            raise ExplorerError(f"cannot reach the Dask scheduler at {address}: {e}") from None
        self.workers = max(1, sum(w.get("nthreads", 1) for w in
                                  self.client.scheduler_info().get("workers", {}).values()))
        self.token = uuid.uuid4().hex
        self._scenario_future = self.client.scatter(scenario, broadcast=True, hash=False)

    def map(self, fn, specs, units=lambda s: 1, total=None, progress=None):
        return _ordered(lambda spec: self.client.submit(_dask_call, fn, self.token, self._scenario_future,
                                                        spec, pure=False),
                        lambda fut: fut.result(), specs, units, total, progress,
                        in_flight=3 * self.workers, on_abort=lambda: None)  # pending futures: cancelled

    def close(self) -> None:
        if getattr(self, "client", None) is not None:
            self.client.close()
            self.client = None

    def describe(self) -> str:
        return f"Dask at {self.address} ({self.workers} worker threads)"


def _ordered(submit, wait, specs: Iterable, units, total, progress, in_flight: int,
             on_abort) -> Iterator:
    """Submit lazily, at most `in_flight` at a time; yield results in spec order."""
    it = iter(specs)
    pending: list = []  # (spec, handle), oldest first
    done = 0
    finished = False
    try:
        while True:
            while not finished and len(pending) < in_flight:
                spec = next(it, _END)
                if spec is _END:
                    finished = True
                    break
                pending.append((spec, submit(spec)))
            if not pending:
                return
            spec, handle = pending.pop(0)
            out = wait(handle)
            done += units(spec)
            if progress:
                progress(done, total if total is not None else done)
            yield out
    except BaseException:
        for _, handle in pending:
            cancel = getattr(handle, "cancel", None)
            if cancel is not None:
                cancel()
        on_abort()
        raise


_END = object()


def make_executor(scenario: Scenario, jobs: int = 1, scheduler: str | None = None) -> Executor:
    """The executor a command asked for: Dask when `scheduler` is given, else a pool for jobs > 1."""
    if scheduler:
        return DaskExecutor(scenario, scheduler)
    if jobs > 1:
        return PoolExecutor(scenario, jobs)
    return Executor(scenario)
