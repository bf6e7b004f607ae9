"""AdaBoost and gradient boosting against scikit-learn and LightGBM.

Data: ``make_classification(n_samples=20000, n_features=50, n_informative=20,
random_state=0)``, 75 % to fit, 25 % to score (``--quick``: 4000 samples).
Every library gets the same settings: AdaBoost with 200 stumps; gradient
boosting with 200 trees of depth 3 and learning rate 0.1.

Sparse input: KJV verses -> their book group (6 classes, from
``bench_sequence``), TF-IDF features (sublinear tf, words in at least 2
verses) kept as a CSR matrix; 8,000 verses to fit, 4,000 to score
(``--quick``: 2,000 / 1,000); gradient boosting with 100 rounds of depth-3
trees, one per class, on the sparse matrix as it is. Needs Debian's
``bible-kjv-text``.

AdaBoost.R2 on five regression sets (diabetes; Friedman 1, 2, 3 and a
linear ``make_regression``, 1,000 rows each): held-out R^2 of 50 depth-3
trees in 5-fold cross-validation repeated 3 times, mean over 3 seeds of the
learners (``--quick``: one repeat, one seed), by reweighting and by
resampling, against scikit-learn's (resampling); the time is per fit.
"""

from sklearn import ensemble as sk_ensemble
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier

from ml2learn.ensemble import AdaBoostClassifier, GradientBoostingClassifier

from ._common import Result, optional_import, time_fit
from .bench_sequence import load_verse_groups


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
    return _dense_rows(quick) + _sparse_text_rows(quick) + _adaboost_r2_rows(quick)


def _regression_sets():
    from sklearn.datasets import (
        load_diabetes,
        make_friedman1,
        make_friedman2,
        make_friedman3,
        make_regression,
    )

    return {
        "diabetes": load_diabetes(return_X_y=True),
        "Friedman 1": make_friedman1(1000, noise=1.0, random_state=0),
        "Friedman 2": make_friedman2(1000, noise=100, random_state=0),
        "Friedman 3": make_friedman3(1000, noise=0.1, random_state=0),
        "linear": make_regression(1000, 10, n_informative=5, noise=30, random_state=0),
    }


def _adaboost_r2_rows(quick):
    import time

    import numpy as np
    from sklearn.model_selection import RepeatedKFold, cross_val_score
    from sklearn.tree import DecisionTreeRegressor

    from ml2learn.ensemble import AdaBoostRegressor

    cv = RepeatedKFold(n_splits=5, n_repeats=1 if quick else 3, random_state=0)
    seeds = range(1 if quick else 3)
    contenders = [
        ("ml2learn", 'AdaBoostRegressor(sampling="reweight")',
         lambda s: AdaBoostRegressor(sampling="reweight", random_state=s)),
        ("ml2learn", 'AdaBoostRegressor(sampling="resample")',
         lambda s: AdaBoostRegressor(sampling="resample", random_state=s)),
        ("scikit-learn", "AdaBoostRegressor(max_depth=3 tree)",
         lambda s: sk_ensemble.AdaBoostRegressor(
             DecisionTreeRegressor(max_depth=3), random_state=s)),
    ]  # fmt: skip
    results = []
    for name, (X, y) in _regression_sets().items():
        task = f"AdaBoost.R2, 50 trees d3, held-out R^2: {name}"
        for library, model, make in contenders:
            start = time.perf_counter()
            scores = [
                cross_val_score(make(s), X, y, cv=cv, scoring="r2").mean()
                for s in seeds
            ]
            seconds = (time.perf_counter() - start) / (len(seeds) * cv.get_n_splits())
            score = float(np.mean(scores))
            print(f"  {task:<48} {library:<13} {model:<40} R^2 {score:.4f}")
            results.append(Result(task, library, model, seconds, score, "R^2", 1))
    return results


def _sparse_text_rows(quick):
    from ml2learn.text import TfidfVectorizer

    data = load_verse_groups()
    if data is None:
        print("  [bible-kjv-text is not installed: apt-get install bible-kjv-text]")
        return []
    texts, groups = data
    n_train, n_test = (2000, 1000) if quick else (8000, 4000)
    train_text, test_text, y_train, y_test = train_test_split(
        texts, groups, train_size=n_train, test_size=n_test, random_state=0,
        stratify=groups,
    )  # fmt: skip
    vectorizer = TfidfVectorizer(tf="sublinear", lowercase=True, min_df=2)
    X_train = vectorizer.fit_transform(train_text)
    X_test = vectorizer.transform(test_text)
    n_rounds = 20 if quick else 100
    task = (
        f"GB on sparse TF-IDF ({X_train.shape[0]} x {X_train.shape[1]}, "
        f"{X_train.nnz} stored), {n_rounds} rounds d3"
    )
    gb = dict(n_estimators=n_rounds, max_depth=3, learning_rate=0.1)
    contenders = [
        ("ml2learn", "GradientBoostingClassifier(exact) on CSR",
         lambda: GradientBoostingClassifier(**gb), 1 if quick else 3),
        ("ml2learn", "GradientBoostingClassifier(hist) on CSR",
         lambda: GradientBoostingClassifier(**gb, tree_method="hist"),
         1 if quick else 3),
        ("scikit-learn", "GradientBoostingClassifier on CSR",
         lambda: sk_ensemble.GradientBoostingClassifier(**gb, random_state=0), 1),
    ]  # fmt: skip
    lightgbm = optional_import("lightgbm")
    if lightgbm is not None:
        contenders.append(
            (
                "LightGBM",
                "LGBMClassifier(num_leaves=8, max_depth=3) on CSR",
                lambda: lightgbm.LGBMClassifier(
                    **gb,
                    num_leaves=8,
                    min_child_samples=1,
                    verbose=-1,
                    random_state=0,
                ),  # fmt: skip
                1 if quick else 3,
            )
        )
    results = []
    for library, model, make, repeats in contenders:
        seconds, fitted = time_fit(make, X_train, y_train, repeats)
        score = fitted.score(X_test, y_test)
        print(f"  {library:<13} {model:<50} {seconds:8.3f} s  accuracy {score:.4f}")
        results.append(
            Result(task, library, model, seconds, score, "accuracy", repeats)
        )
    return results


def _dense_rows(quick):
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
