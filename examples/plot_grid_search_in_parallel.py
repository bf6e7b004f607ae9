"""
Scaling out: one grid search, in one process or several
=======================================================

Every ml2learn estimator is a scikit-learn estimator, so a grid search
runs its candidates in parallel through joblib: in local processes
(``n_jobs``), or on a dask or Ray cluster with
``joblib.parallel_backend("dask")`` / ``("ray")`` (the ``[distributed]``
and ``[ray]`` extras; see the scaling page). With a fixed ``random_state``
the results do not depend on where the fits ran.
"""

import time

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ml2learn.neural import MLPClassifier

X, y = load_digits(return_X_y=True)
pipe = make_pipeline(StandardScaler(), MLPClassifier(max_epochs=10, random_state=0))
grid = {
    "mlpclassifier__hidden_layer_sizes": [(32,), (64,), (128,)],
    "mlpclassifier__learning_rate": [3e-4, 1e-3, 3e-3],
}
results = {}
for n_jobs in (1, 2):
    start = time.perf_counter()
    search = GridSearchCV(pipe, grid, cv=3, n_jobs=n_jobs).fit(X, y)
    results[n_jobs] = search.cv_results_["mean_test_score"]
    print(
        f"n_jobs={n_jobs}: {time.perf_counter() - start:.1f} s, "
        f"best {search.best_params_}"
    )
print("same scores:", np.allclose(results[1], results[2]))

# %%
# Fits this small are over before two processes have started and received
# the data, so ``n_jobs=2`` is not faster here; it pays off when each fit
# takes seconds, and a cluster when there are many such fits.

# %%
# The cross-validated accuracy of every candidate:
scores = results[2].reshape(3, 3)
fig, ax = plt.subplots(figsize=(4.8, 3.6))
image = ax.imshow(scores, cmap="viridis")
ax.set_xticks(range(3), grid["mlpclassifier__learning_rate"])
ax.set_yticks(range(3), [str(h) for h in grid["mlpclassifier__hidden_layer_sizes"]])
ax.set_xlabel("learning_rate")
ax.set_ylabel("hidden_layer_sizes")
for (i, j), score in np.ndenumerate(scores):
    ax.text(j, i, f"{score:.3f}", ha="center", va="center", color="w", fontsize=8)
fig.colorbar(image, ax=ax, label="mean CV accuracy")
fig.tight_layout()
plt.show()
