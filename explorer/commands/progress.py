"""Command-line plumbing shared by the long commands (montecarlo, sensitivity, search): progress bars on
stderr (tqdm, only when stderr is a terminal), the executor options and their one-line notes."""
from __future__ import annotations

import sys
from contextlib import contextmanager


def add_executor_options(p, what: str = "runs") -> None:
    p.add_argument("--jobs", type=int, default=1, metavar="J",
                   help=f"local worker processes for the {what} (capped at the CPUs this machine has; "
                        "default 1)")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="run on this Dask distributed scheduler instead of local processes "
                        "(needs the 'dask' extra); the same seeds give the same numbers")


@contextmanager
def executor_for(args, scenario):
    """The executor the options ask for; a capped --jobs is said in one line on stderr."""
    from ..core.executors import capped_jobs, make_executor
    jobs, note = capped_jobs(args.jobs)
    if note and not args.scheduler:
        print(f"what-if: {note}", file=sys.stderr)
    ex = make_executor(scenario, jobs, args.scheduler)
    try:
        yield ex
    finally:
        ex.close()


@contextmanager
def progress_bar(label: str, unit: str = "run"):
    """A `progress(done, total)` callback drawing a bar on stderr, or None when stderr is not a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm
    bar = tqdm(desc=label, unit=unit, file=sys.stderr, leave=False, dynamic_ncols=True, unit_scale=True)

    def update(done: int, total: int) -> None:
        if bar.total != total:
            bar.total = total
        bar.update(done - bar.n)
    try:
        yield update
    finally:
        bar.close()
