"""Test-session settings.

``SCIPY_ARRAY_API=1`` must be set before SciPy is imported for scikit-learn's
array-API conformance check (``check_array_api_input`` with NumPy) to run
instead of being skipped.
"""

import os

os.environ.setdefault("SCIPY_ARRAY_API", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

if os.environ.get("PYTEST_XDIST_WORKER"):
    # two test processes share two cores: one thread each avoids OpenMP worker
    # threads (torch, numba) spinning against each other
    for _name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        os.environ.setdefault(_name, "1")
    import torch

    torch.set_num_threads(1)


# the longest tests, started first: begun last, the docs build would run
# alone on one process while the other sits idle
_LONGEST_FIRST = ("test_docs_build_offline",)


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: item.originalname not in _LONGEST_FIRST)
