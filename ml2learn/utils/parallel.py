"""Torch threads inside parallel workers.

joblib's default (loky) workers already limit OpenMP threads to their share
of the cores. A dask worker runs one task per thread slot, and torch would
use every core in each of them; :func:`torch_threads_for_task` caps torch at
``ML2LEARN_TORCH_THREADS`` threads per task (1 unless set) while a task runs
on a dask worker, and changes nothing elsewhere.
"""

import contextlib
import os

import torch

__all__ = ["dask_worker_threads", "torch_threads_for_task"]


def dask_worker_threads():
    """Torch threads one task may use on this dask worker, or None when the
    code does not run on a dask worker.

    Returns
    -------
    threads : int or None
        ``ML2LEARN_TORCH_THREADS`` (default 1: dask gives every task one
        thread slot of the worker) inside a worker, None outside.
    """
    try:
        from distributed import get_worker
    except ImportError:
        return None
    try:
        get_worker()
    except ValueError:
        return None
    return max(1, int(os.environ.get("ML2LEARN_TORCH_THREADS", "1")))


@contextlib.contextmanager
def torch_threads_for_task(limit=None):
    """Within the block, torch uses at most the task's share of threads on a
    dask worker (see :func:`dask_worker_threads`) and at most ``limit``
    threads (None: no limit); with neither it changes nothing."""
    threads = dask_worker_threads()
    if limit is not None:
        threads = limit if threads is None else min(threads, limit)
    if threads is None or threads >= torch.get_num_threads():
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)
