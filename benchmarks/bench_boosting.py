"""AdaBoost and gradient boosting against scikit-learn and LightGBM.

Data: ``make_classification(n_samples=20000, n_features=50, n_informative=20,
random_state=0)``, 75 % to fit, 25 % to score (``--quick``: 4000 samples).
Every library gets the same settings: AdaBoost with 200 stumps; gradient
boosting with 200 trees of depth 3 and learning rate 0.1.
"""

from sklearn import ensemble as sk_ensemble
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier

from ml2learn.ensemble import AdaBoostClassifier, GradientBoostingClassifier

from ._common import Result, optional_import, time_fit


def _data(quick):
    X, y = make_classification(
        n_samples=4000 if quick else 20000,
        n_features=50,
        n_informative=20,
        random_state=0,
    )
    return train_test_split(X, y, test_size=0.25, random_state=0)


def _warm_up(X, y):
    """Load numba's compiled kernels (cached on disk) outside the timings."""
    AdaBoostClassifier(n_estimators=2).fit(X[:200], y[:200])
    for method in ("exact", "hist"):
        GradientBoostingClassifier(n_estimators=2, tree_method=method).fit(
            X[:200], y[:200]
        )


def run(quick=False):
    X_train, X_test, y_train, y_test = _data(quick)
    _warm_up(X_train, y_train)
    n_trees = 50 if quick else 200
    repeats = 1 if quick else 3
    slow_repeats = 1
    results = []

    def add(task, library, model, make, repeats, note=""):
        seconds, fitted = time_fit(make, X_train, y_train, repeats)
        score = fitted.score(X_test, y_test)
        print(
            f"  {task:<22} {library:<13} {model:<42} {seconds:8.3f} s  "
            f"accuracy {score:.4f}"
        )
        results.append(
            Result(task, library, model, seconds, score, "accuracy", repeats, note)
        )

    task = f"AdaBoost, {n_trees} stumps"
    add(
        task,
        "ml2learn",
        "AdaBoostClassifier()",
        lambda: AdaBoostClassifier(n_estimators=n_trees),
        repeats,
    )
    add(
        task,
        "scikit-learn",
        "AdaBoostClassifier(max_depth=1 tree)",
        lambda: sk_ensemble.AdaBoostClassifier(
            DecisionTreeClassifier(max_depth=1), n_estimators=n_trees, random_state=0
        ),
        slow_repeats,
    )

    gb = dict(n_estimators=n_trees, max_depth=3, learning_rate=0.1)
    task = f"GB exact, {n_trees} trees d3"
    add(
        task,
        "ml2learn",
        "GradientBoostingClassifier(exact)",
        lambda: GradientBoostingClassifier(**gb),
        repeats,
    )
    add(
        task,
        "scikit-learn",
        "GradientBoostingClassifier",
        lambda: sk_ensemble.GradientBoostingClassifier(**gb, random_state=0),
        slow_repeats,
    )

    task = f"GB hist, {n_trees} trees d3"
    add(
        task,
        "ml2learn",
        "GradientBoostingClassifier(hist)",
        lambda: GradientBoostingClassifier(**gb, tree_method="hist"),
        repeats,
    )
    add(
        task,
        "scikit-learn",
        "HistGradientBoostingClassifier",
        lambda: sk_ensemble.HistGradientBoostingClassifier(
            max_iter=n_trees,
            max_depth=3,
            max_leaf_nodes=None,
            learning_rate=0.1,
            early_stopping=False,
            random_state=0,
        ),
        repeats,
    )
    lightgbm = optional_import("lightgbm")
    if lightgbm is not None:
        add(
            task,
            "LightGBM",
            "LGBMClassifier(num_leaves=8, max_depth=3)",
            lambda: lightgbm.LGBMClassifier(
                n_estimators=n_trees,
                max_depth=3,
                num_leaves=8,
                learning_rate=0.1,
                min_child_samples=1,
                verbose=-1,
                random_state=0,
            ),
            repeats,
        )
    return results
