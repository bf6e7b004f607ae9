"""Histogram gradient boosting from 1,000 to 1,000,000 rows: fit time and
peak memory beside scikit-learn's HistGradientBoostingClassifier and
LightGBM.

Data: ``make_classification(n_features=20, n_informative=10,
random_state=0)`` at 1k, 10k, 100k and 1M rows (``--quick``: 1k, 10k);
each library grows 50 trees of depth 3 (8 leaves) with learning rate 0.1
and 255 bins, no early stopping. Every fit runs in a fresh interpreter
that first makes the data and fits a 200-row warm-up model (numba's
kernels load from their cache), so that its peak resident memory can be
read from the operating system: the peak is reset just before the fit
(Linux's ``/proc/self/clear_refs``), and "peak MiB" is the peak RSS during
the fit minus the RSS before it (the data and the libraries are loaded by
then), the memory the fit itself added. The score is held-out
accuracy on 20 % of the rows; the note gives each curve's slope (time ~
n^slope).
"""

import json
import subprocess
import sys

from ._common import Result, optional_import
from .bench_scaling import slope

_FIT = r"""
import json, sys, time
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
n, library = int(sys.argv[1]), sys.argv[2]
X, y = make_classification(n_samples=n, n_features=20, n_informative=10,
                           random_state=0)
X_fit, X_test, y_fit, y_test = train_test_split(X, y, test_size=0.2,
                                                random_state=0)
if library == "ml2learn":
    from ml2learn.ensemble import GradientBoostingClassifier
    make = lambda: GradientBoostingClassifier(
        n_estimators=50, max_depth=3, learning_rate=0.1, tree_method="hist")
elif library == "scikit-learn":
    from sklearn.ensemble import HistGradientBoostingClassifier
    make = lambda: HistGradientBoostingClassifier(
        max_iter=50, max_depth=3, max_leaf_nodes=None, learning_rate=0.1,
        early_stopping=False, random_state=0)
else:
    import lightgbm
    make = lambda: lightgbm.LGBMClassifier(
        n_estimators=50, max_depth=3, num_leaves=8, learning_rate=0.1,
        verbose=-1, random_state=0)
def status_kib(field):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field))
make().fit(X_fit[:200], y_fit[:200])
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # resets the peak (VmHWM) to the current RSS
before = status_kib("VmRSS:")
model = make()
start = time.perf_counter()
model.fit(X_fit, y_fit)
seconds = time.perf_counter() - start
after = status_kib("VmHWM:")
print(json.dumps({"seconds": seconds, "peak_mib": (after - before) / 1024,
                  "accuracy": model.score(X_test, y_test)}))
"""

_MODELS = {
    "ml2learn": 'GradientBoostingClassifier(tree_method="hist")',
    "scikit-learn": "HistGradientBoostingClassifier",
    "LightGBM": "LGBMClassifier(num_leaves=8, max_depth=3)",
}


def _fit_in_fresh_process(n, library):
    out = subprocess.run(
        [sys.executable, "-c", _FIT, str(n), library],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(quick=False):
    sizes = [1_000, 10_000] if quick else [1_000, 10_000, 100_000, 1_000_000]
    libraries = ["ml2learn", "scikit-learn"]
    if optional_import("lightgbm") is not None:
        libraries.append("LightGBM")
    results = []
    for library in libraries:
        points = [_fit_in_fresh_process(n, library) for n in sizes]
        curve = slope(sizes, [p["seconds"] for p in points])
        for n, point in zip(sizes, points):
            results.append(
                Result(
                    f"hist gradient boosting (50 trees, depth 3), {n:,} rows",
                    library,
                    _MODELS[library],
                    point["seconds"],
                    point["accuracy"],
                    "accuracy",
                    1,
                    note=f"peak {point['peak_mib']:.0f} MiB over the data; "
                    f"slope {curve:.2f}",
                )
            )
    return results
