"""What scikit-learn's own gradient-boosting tests expect of the interface:
sparse input, ``min_samples_split``, ``min_impurity_decrease``, ``apply``,
the ``monitor`` of ``fit``, out-of-bag figures after a warm start, the
training-loss convention and classes left without weight. Written in the
intent of ``sklearn/ensemble/tests/test_gradient_boosting.py``; the
predictions are compared with scikit-learn's to rounding."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import ensemble as sk_ensemble
from sklearn.datasets import make_classification, make_regression
from sklearn.metrics import log_loss

from ml2learn.ensemble import GradientBoostingClassifier, GradientBoostingRegressor


def _regression(n_samples=400):
    return make_regression(n_samples=n_samples, n_features=8, noise=10, random_state=0)


def _n_nodes(estimators):
    return sum(tree.node_count for tree in estimators.ravel())


def _sk_n_nodes(estimators):
    return sum(tree.tree_.node_count for tree in estimators.ravel())


# -- min_samples_split and min_impurity_decrease -------------------------------


@pytest.mark.parametrize(
    "params",
    [
        dict(min_samples_split=40),
        dict(min_samples_split=0.25),
        dict(min_impurity_decrease=400.0),
        dict(min_impurity_decrease=100.0, max_leaf_nodes=6, max_depth=None),
    ],
)
def test_split_limits_give_scikit_learns_trees(params):
    X, y = _regression()
    ours = GradientBoostingRegressor(n_estimators=20, **params).fit(X, y)
    theirs = sk_ensemble.GradientBoostingRegressor(
        n_estimators=20, random_state=0, **params
    ).fit(X, y)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-10)
    assert _n_nodes(ours.estimators_) == _sk_n_nodes(theirs.estimators_)
    unlimited = GradientBoostingRegressor(
        n_estimators=20, max_depth=params.get("max_depth", 3)
    ).fit(X, y)
    # the limits prune: the same rounds with fewer nodes
    assert _n_nodes(ours.estimators_) < _n_nodes(unlimited.estimators_)


def test_min_impurity_decrease_is_per_unit_of_weight_for_classifiers():
    X, y = make_classification(
        n_samples=300, n_classes=3, n_informative=4, random_state=0
    )
    weights = np.random.RandomState(0).uniform(0.5, 2.0, len(y))
    params = dict(n_estimators=10, min_impurity_decrease=0.002, subsample=0.7)
    ours = GradientBoostingClassifier(**params, random_state=0)
    ours.fit(X, y, sample_weight=weights)
    for tree in ours.estimators_.ravel():
        inner = tree.left >= 0
        # every split's gain per unit of the in-bag weight reaches the limit
        assert np.all(tree.gain[inner] / (0.7 * weights.sum()) > 0.001)
    pruned = _n_nodes(ours.estimators_)
    free = GradientBoostingClassifier(n_estimators=10, subsample=0.7, random_state=0)
    assert pruned < _n_nodes(free.fit(X, y, sample_weight=weights).estimators_)


def test_min_samples_split_leaves_small_nodes_unsplit():
    X, y = _regression()
    reg = GradientBoostingRegressor(n_estimators=5, max_depth=6, min_samples_split=50)
    for tree in reg.fit(X, y).estimators_[:, 0]:
        assert tree.n_node_samples[tree.left >= 0].min() >= 50


@pytest.mark.parametrize(
    "params, name",
    [
        (dict(min_samples_split=1), "min_samples_split"),
        (dict(min_samples_split=1.5), "min_samples_split"),
        (dict(min_impurity_decrease=-1.0), "min_impurity_decrease"),
    ],
)
def test_bad_split_limits_name_the_parameter(params, name):
    X, y = _regression(50)
    with pytest.raises(ValueError, match=name):
        GradientBoostingRegressor(**params).fit(X, y)


# -- sparse input -----------------------------------------------------------------


def _sparse_data(classification, seed=0, decimals=1):
    rng = np.random.RandomState(seed)
    if classification:
        X, y = make_classification(
            n_samples=400, n_features=12, n_informative=6, n_classes=3, random_state=0
        )
    else:
        X, y = _regression()
    # mostly zeros, negative and positive values, ties unless decimals is None
    X = np.where(rng.rand(*X.shape) < 0.7, 0.0, X)
    return (X if decimals is None else np.round(X, decimals)), y


@pytest.mark.parametrize("tree_method", ["exact", "hist"])
@pytest.mark.parametrize("layout", [sp.csr_matrix, sp.csc_matrix, sp.coo_array])
@pytest.mark.parametrize("classification", [False, True])
def test_sparse_input_grows_the_dense_trees(tree_method, layout, classification):
    X, y = _sparse_data(classification)
    Estimator = (
        GradientBoostingClassifier if classification else GradientBoostingRegressor
    )
    params = dict(
        n_estimators=15, tree_method=tree_method, subsample=0.8, random_state=0
    )
    dense = Estimator(**params).fit(X, y)
    sparse = Estimator(**params).fit(layout(X), y)
    for ours, theirs in zip(sparse.estimators_.ravel(), dense.estimators_.ravel()):
        np.testing.assert_array_equal(ours.feature, theirs.feature)
        np.testing.assert_array_equal(ours.threshold, theirs.threshold)
        np.testing.assert_allclose(ours.value, theirs.value, rtol=1e-9, atol=1e-12)
    method = "predict_proba" if classification else "predict"
    expected = getattr(dense, method)(X)
    np.testing.assert_allclose(getattr(sparse, method)(layout(X)), expected, atol=1e-10)
    np.testing.assert_allclose(getattr(sparse, method)(X), expected, atol=1e-10)
    np.testing.assert_array_equal(sparse.apply(layout(X)), dense.apply(X))


def test_sparse_input_agrees_with_scikit_learn():
    # scikit-learn breaks ties between features in a random order; leaves of
    # at least 5 rows keep splits that isolate the same rows (ties) away
    X, y = _sparse_data(classification=True, decimals=None)
    X = sp.csr_matrix(X)
    params = dict(n_estimators=20, min_samples_leaf=5)
    ours = GradientBoostingClassifier(**params).fit(X, y)
    theirs = sk_ensemble.GradientBoostingClassifier(**params, random_state=0)
    theirs.fit(X, y)
    np.testing.assert_allclose(
        ours.predict_proba(X), theirs.predict_proba(X), atol=1e-12
    )


def test_explicitly_stored_zeros_count_as_zeros():
    X, y = _sparse_data(classification=False)
    stored = sp.csr_matrix(X)
    # store a zero in every row of the first three columns explicitly
    rows = np.repeat(np.arange(X.shape[0]), 3)
    columns = np.tile(np.arange(3), X.shape[0])
    explicit = sp.csr_matrix(
        (
            np.concatenate([stored.data, np.zeros(len(rows))]),
            (
                np.concatenate([stored.nonzero()[0], rows]),
                np.concatenate([stored.nonzero()[1], columns]),
            ),
        ),
        shape=X.shape,
    )
    explicit.sum_duplicates()
    assert explicit.nnz > stored.nnz
    a = GradientBoostingRegressor(n_estimators=10).fit(explicit, y)
    b = GradientBoostingRegressor(n_estimators=10).fit(X, y)
    np.testing.assert_allclose(a.predict(explicit), b.predict(X), rtol=1e-10)


def test_tfidf_features_into_gradient_boosting():
    from sklearn.pipeline import make_pipeline

    from ml2learn.text import TfidfVectorizer

    def documents(numbers):
        cats = [f"the cat sat on mat number {i}" for i in numbers]
        stocks = [f"stocks fell as markets closed lower day {i}" for i in numbers]
        return cats + stocks, np.repeat([0, 1], len(numbers))

    texts, y = documents(range(30))
    pipe = make_pipeline(TfidfVectorizer(), GradientBoostingClassifier(n_estimators=10))
    assert pipe.fit(texts, y).score(texts, y) == 1.0
    unseen, y_unseen = documents(range(90, 95))
    assert pipe.score(unseen, y_unseen) == 1.0


# -- apply, monitor, warm start -----------------------------------------------------


@pytest.mark.parametrize("n_classes", [0, 2, 3])
def test_apply_gives_the_leaves_whose_values_sum_to_the_prediction(n_classes):
    if n_classes:
        X, y = make_classification(
            n_samples=200, n_informative=4, n_classes=n_classes, random_state=0
        )
        est = GradientBoostingClassifier(n_estimators=7).fit(X, y)
        theirs = sk_ensemble.GradientBoostingClassifier(n_estimators=7).fit(X, y)
    else:
        X, y = _regression(200)
        est = GradientBoostingRegressor(n_estimators=7).fit(X, y)
        theirs = sk_ensemble.GradientBoostingRegressor(n_estimators=7).fit(X, y)
    leaves = est.apply(X)
    assert leaves.shape == theirs.apply(X).shape
    leaves = leaves.reshape(len(X), 7, -1)
    raw = est._raw_start(X)
    for r in range(7):
        for k in range(leaves.shape[2]):
            tree = est.estimators_[r, k]
            assert np.all(tree.left[leaves[:, r, k]] == -1)
            raw[:, k] += tree.value[leaves[:, r, k]]
    np.testing.assert_allclose(raw, est._raw_predict(X))


def test_monitor_sees_every_round_and_can_stop_training():
    X, y = _regression(200)
    seen = []

    def monitor(i, estimator, local_variables):
        seen.append(
            (
                i,
                len(estimator.estimators_),
                len(estimator.train_score_),
                "raw" in local_variables,
            )
        )
        return i == 5

    reg = GradientBoostingRegressor(n_estimators=50).fit(X, y, monitor=monitor)
    assert seen == [(i, i + 1, i + 1, True) for i in range(6)]
    assert reg.n_estimators_ == 6 == len(reg.train_score_)
    full = GradientBoostingRegressor(n_estimators=6).fit(X, y)
    np.testing.assert_allclose(reg.predict(X), full.predict(X))


def test_oob_figures_cover_every_round_after_a_warm_start_turns_on_subsample():
    X, y = _regression(300)
    reg = GradientBoostingRegressor(n_estimators=5, warm_start=True).fit(X, y)
    assert not hasattr(reg, "oob_scores_")
    reg.set_params(n_estimators=12, subsample=0.5, random_state=0).fit(X, y)
    for name in ("oob_improvement_", "oob_scores_", "train_score_"):
        assert getattr(reg, name).shape == (12,)
    assert (
        np.isnan(reg.oob_scores_[:5]).all() and np.isnan(reg.oob_improvement_[:5]).all()
    )
    assert np.isfinite(reg.oob_scores_[5:]).all()
    assert reg.oob_score_ == reg.oob_scores_[-1]
    reg.set_params(n_estimators=14, subsample=1.0).fit(X, y)
    assert reg.oob_scores_.shape == (14,) and np.isnan(reg.oob_scores_[12:]).all()


# -- the training loss -------------------------------------------------------------


@pytest.mark.parametrize("n_classes", [2, 3])
def test_train_score_is_the_mean_cross_entropy(n_classes):
    X, y = make_classification(
        n_samples=300, n_informative=4, n_classes=n_classes, random_state=0
    )
    weights = np.random.RandomState(0).uniform(0.5, 2.0, len(y))
    clf = GradientBoostingClassifier(n_estimators=10).fit(X, y, sample_weight=weights)
    staged = [
        log_loss(y, p, sample_weight=weights) for p in clf.staged_predict_proba(X)
    ]
    np.testing.assert_allclose(clf.train_score_, staged, rtol=1e-10)
    theirs = sk_ensemble.GradientBoostingClassifier(n_estimators=10, random_state=0)
    theirs.fit(X, y, sample_weight=weights)
    # scikit-learn reports the binomial deviance (twice the loss) for 2 classes
    factor = 2.0 if n_classes == 2 else 1.0
    np.testing.assert_allclose(
        theirs.train_score_, factor * clf.train_score_, rtol=1e-8
    )


# -- classes left without weight ---------------------------------------------------


def test_a_class_without_weight_is_flagged_and_one_class_left_is_refused():
    X, y = make_classification(
        n_samples=300, n_classes=3, n_informative=5, random_state=0
    )
    weights = np.where(y == 2, 0.0, 1.0)
    with pytest.warns(
        UserWarning, match=r"Classes \[2\] have zero total sample_weight"
    ):
        clf = GradientBoostingClassifier(n_estimators=5).fit(
            X, y, sample_weight=weights
        )
    assert clf.classes_.tolist() == [0, 1, 2]
    assert clf.predict_proba(X)[:, 2].max() < 1e-10
    assert 2 not in clf.predict(X)
    with pytest.raises(ValueError, match="fewer than 2 classes with positive weight"):
        GradientBoostingClassifier().fit(X, y, sample_weight=(y == 0).astype(float))


def test_early_stopping_refuses_classes_it_cannot_keep_in_training():
    X, y = make_classification(
        n_samples=300, n_classes=3, n_informative=5, random_state=0
    )
    y = np.array(["a", "b", "c"], dtype=object)[y]
    y[0] = "rare"
    with pytest.raises(ValueError, match=r"classes \['rare'\] have 1"):
        GradientBoostingClassifier(n_iter_no_change=3).fit(X, y)
    y[1] = "rare"
    with pytest.raises(ValueError, match=r"\['rare'\] have no training rows"):
        GradientBoostingClassifier(
            n_iter_no_change=3, validation_fraction=0.95, random_state=0
        ).fit(X, y)
