"""Timing, machine description and result tables shared by the benchmarks."""

import importlib
import os
import platform
import statistics
import time
from dataclasses import dataclass

__all__ = ["Result", "machine_description", "optional_import", "time_call", "time_fit"]


@dataclass
class Result:
    """One benchmarked configuration."""

    task: str
    library: str
    model: str
    fit_seconds: float
    score: float
    score_name: str
    repeats: int
    note: str = ""


def machine_description():
    """One line naming the CPU, cores, Python and key library versions."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    versions = []
    for name in ("ml2learn", "sklearn", "numpy", "numba", "lightgbm", "torch"):
        try:
            versions.append(f"{name} {importlib.import_module(name).__version__}")
        except ImportError:
            versions.append(f"{name} missing")
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        + ", ".join(versions)
    )


def optional_import(name):
    """Import a reference library of the ``bench`` extra, or return None."""
    try:
        return importlib.import_module(name)
    except ImportError:
        print(f"  [{name} is not installed: pip install 'ml2learn[bench]'; skipped]")
        return None


def time_fit(make_estimator, X, y, repeats):
    """Median wall-clock seconds of ``make_estimator().fit(X, y)``.

    Returns
    -------
    seconds : float
        Median over ``repeats`` fits.
    estimator : estimator
        The last fitted estimator.
    """
    times = []
    estimator = None
    for _ in range(repeats):
        estimator = make_estimator()
        start = time.perf_counter()
        estimator.fit(X, y)
        times.append(time.perf_counter() - start)
    return statistics.median(times), estimator


def time_call(function, repeats=1):
    """Median wall-clock seconds of ``function()`` and its last value.

    Returns
    -------
    seconds : float
        Median over ``repeats`` calls.
    value : object
        What the last call returned.
    """
    times, value = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value
