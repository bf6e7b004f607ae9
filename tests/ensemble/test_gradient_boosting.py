import numpy as np
import pytest
from sklearn import ensemble as sk_ensemble
from sklearn.datasets import load_breast_cancer, make_classification, make_regression
from sklearn.dummy import DummyRegressor
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from ml2learn.datasets import load_ml2_marks
from ml2learn.ensemble import GradientBoostingClassifier, GradientBoostingRegressor
from ml2learn.ensemble._losses import weighted_percentile

# -- the notes' six-student example -------------------------------------------


def test_notes_initial_model_and_residuals():
    marks = load_ml2_marks()
    reg = GradientBoostingRegressor(n_estimators=1, learning_rate=0.1)
    reg.fit(marks.data, marks.target)
    np.testing.assert_allclose(reg.init_, [73.0])
    residuals = marks.target - reg.init_[0]
    np.testing.assert_allclose(residuals, [17, -18, 11, -9, 5, -6])


def test_notes_first_update_uses_leaf_means_of_residuals():
    marks = load_ml2_marks()
    reg = GradientBoostingRegressor(n_estimators=1, learning_rate=0.1, max_depth=2)
    reg.fit(marks.data, marks.target)
    tree = reg.estimators_[0, 0]
    leaves = tree.apply(marks.data)
    residuals = marks.target - 73.0
    expected = np.empty(6)
    for leaf in np.unique(leaves):
        expected[leaves == leaf] = 73.0 + 0.1 * residuals[leaves == leaf].mean()
    np.testing.assert_allclose(reg.predict(marks.data), expected)


def test_notes_table_with_the_notes_first_tree():
    # The notes' first tree has leaves {1, 3, 5}, {2}, {4}, {6}; a feature that
    # names each student's leaf lets our tree find exactly that partition.
    leaf_of_student = np.array([[0.0], [1.0], [0.0], [2.0], [0.0], [3.0]])
    y = load_ml2_marks().target
    reg = GradientBoostingRegressor(
        n_estimators=1, learning_rate=0.1, max_depth=None, max_leaf_nodes=4
    ).fit(leaf_of_student, y)
    np.testing.assert_allclose(
        reg.predict(leaf_of_student), [74.1, 71.2, 74.1, 72.1, 74.1, 72.4]
    )
    np.testing.assert_allclose(
        y - reg.predict(leaf_of_student), [15.9, -16.2, 9.9, -8.1, 3.9, -5.4]
    )


def test_new_sample_is_predicted_by_its_leaves():
    marks = load_ml2_marks()
    reg = GradientBoostingRegressor(n_estimators=2, learning_rate=0.1, max_depth=2)
    reg.fit(marks.data, marks.target)
    new = np.array([[14.0, 5.0, 1.0, 80.0]])
    expected = 73.0 + sum(tree.predict(new)[0] for tree in reg.estimators_[:, 0])
    assert reg.predict(new)[0] == pytest.approx(expected)


# -- the algorithm ------------------------------------------------------------


@pytest.mark.parametrize(
    "loss, init",
    [
        ("squared_error", lambda y: y.mean()),
        ("absolute_error", np.median),
        ("huber", np.median),
        ("quantile", lambda y: np.quantile(y, 0.9, method="averaged_inverted_cdf")),
    ],
)
def test_initial_constant_minimises_loss(loss, init):
    X, y = make_regression(n_samples=101, n_features=3, random_state=0)
    reg = GradientBoostingRegressor(loss=loss, n_estimators=1).fit(X, y)
    assert reg.init_[0] == pytest.approx(init(y))


def test_log_loss_init_and_newton_leaves():
    X, y = make_classification(n_samples=200, random_state=0)
    clf = GradientBoostingClassifier(n_estimators=1, learning_rate=0.5).fit(X, y)
    p = y.mean()
    assert clf.init_[0] == pytest.approx(np.log(p / (1 - p)))
    tree = clf.estimators_[0, 0]
    leaves = tree.apply(X)
    for leaf in np.unique(leaves):
        rows = leaves == leaf
        newton = (y[rows] - p).sum() / (p * (1 - p) * rows.sum())
        assert tree.value[leaf] == pytest.approx(0.5 * newton)


@pytest.mark.parametrize("loss", ["absolute_error", "quantile"])
def test_quantile_losses_use_leaf_quantiles(loss):
    X, y = make_regression(n_samples=60, n_features=2, noise=5, random_state=0)
    reg = GradientBoostingRegressor(
        loss=loss, n_estimators=1, learning_rate=1.0, alpha=0.3
    ).fit(X, y)
    q = 50 if loss == "absolute_error" else 30
    residual = y - reg.init_[0]
    tree = reg.estimators_[0, 0]
    leaves = tree.apply(X)
    ones = np.ones(len(y))
    for leaf in np.unique(leaves):
        rows = leaves == leaf
        assert tree.value[leaf] == pytest.approx(
            weighted_percentile(residual[rows], ones[rows], q)
        )


def test_weighted_percentile_equals_repeated_rows():
    rng = np.random.RandomState(0)
    values = rng.randn(20)
    weights = rng.randint(1, 4, 20)
    repeated = np.repeat(values, weights)
    for q in (10, 50, 90):
        assert weighted_percentile(values, weights.astype(float), q) == (
            pytest.approx(np.percentile(repeated, q, method="averaged_inverted_cdf"))
        )


def test_multinomial_builds_one_tree_per_class():
    X, y = make_classification(
        n_samples=300, n_informative=5, n_classes=3, random_state=0
    )
    clf = GradientBoostingClassifier(n_estimators=5).fit(X, y)
    assert clf.estimators_.shape == (5, 3)
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1)
    np.testing.assert_array_equal(clf.predict(X), np.argmax(proba, axis=1))
    assert clf.decision_function(X).shape == (300, 3)


def test_exponential_loss():
    X, y = make_classification(n_samples=300, random_state=0)
    clf = GradientBoostingClassifier(loss="exponential", n_estimators=30).fit(X, y)
    F = clf.decision_function(X)
    np.testing.assert_allclose(clf.predict_proba(X)[:, 1], 1 / (1 + np.exp(-2 * F)))
    assert clf.score(X, y) > 0.9
    X3, y3 = make_classification(
        n_samples=60, n_informative=3, n_classes=3, random_state=0
    )
    with pytest.raises(ValueError, match="exactly 2 classes"):
        GradientBoostingClassifier(loss="exponential").fit(X3, y3)


@pytest.mark.parametrize("tree_method", ["exact", "hist"])
def test_staged_predictions_and_train_score(tree_method):
    X, y = make_regression(n_samples=200, n_features=4, noise=5, random_state=0)
    reg = GradientBoostingRegressor(n_estimators=20, tree_method=tree_method)
    reg.fit(X, y)
    staged = list(reg.staged_predict(X))
    assert len(staged) == 20
    np.testing.assert_allclose(staged[-1], reg.predict(X))
    mse = [np.mean((y - p) ** 2) for p in staged]
    np.testing.assert_allclose(reg.train_score_, mse)
    assert np.all(np.diff(reg.train_score_) <= 1e-9)


def test_max_leaf_nodes_and_min_samples_leaf():
    X, y = make_regression(n_samples=300, n_features=5, random_state=0)
    reg = GradientBoostingRegressor(
        n_estimators=3, max_depth=None, max_leaf_nodes=7, min_samples_leaf=10
    ).fit(X, y)
    for tree in reg.estimators_[:, 0]:
        assert tree.n_leaves == 7
        assert tree.n_node_samples[tree.left < 0].min() >= 10
    deep = GradientBoostingRegressor(n_estimators=1, max_depth=2).fit(X, y)
    assert deep.estimators_[0, 0].max_depth == 2


def test_hist_agrees_with_exact_when_values_are_few():
    rng = np.random.RandomState(0)
    X = rng.randint(0, 20, size=(400, 4)).astype(float)
    y = X[:, 0] * 2 - X[:, 1] + rng.randn(400)
    exact = GradientBoostingRegressor(n_estimators=10).fit(X, y)
    hist = GradientBoostingRegressor(n_estimators=10, tree_method="hist").fit(X, y)
    np.testing.assert_allclose(exact.predict(X), hist.predict(X))


def test_subsample_gives_oob_improvement():
    X, y = make_regression(n_samples=300, n_features=4, noise=5, random_state=0)
    reg = GradientBoostingRegressor(n_estimators=20, subsample=0.5, random_state=0).fit(
        X, y
    )
    assert reg.oob_improvement_.shape == (20,)
    assert reg.oob_scores_.shape == (20,)
    assert reg.oob_score_ == reg.oob_scores_[-1]
    assert reg.oob_improvement_[:5].min() > 0
    same = GradientBoostingRegressor(
        n_estimators=20, subsample=0.5, random_state=0
    ).fit(X, y)
    np.testing.assert_array_equal(reg.predict(X), same.predict(X))
    full = GradientBoostingRegressor(n_estimators=2).fit(X, y)
    assert not hasattr(full, "oob_improvement_")


def test_max_features_uses_random_subsets():
    X, y = make_regression(n_samples=200, n_features=10, random_state=0)
    reg = GradientBoostingRegressor(
        n_estimators=10, max_features="sqrt", random_state=0
    ).fit(X, y)
    assert reg.max_features_ == 3
    assert reg.score(X, y) > 0.5


def test_early_stopping():
    X, y = make_classification(n_samples=600, flip_y=0.3, random_state=0)
    clf = GradientBoostingClassifier(
        n_estimators=500, n_iter_no_change=5, validation_fraction=0.2, random_state=0
    ).fit(X, y)
    assert clf.n_estimators_ < 500
    assert clf.estimators_.shape[0] == clf.n_estimators_ == len(clf.train_score_)


def test_warm_start_equals_one_fit():
    X, y = make_regression(n_samples=200, n_features=4, random_state=0)
    once = GradientBoostingRegressor(n_estimators=20).fit(X, y)
    warm = GradientBoostingRegressor(n_estimators=10, warm_start=True).fit(X, y)
    warm.set_params(n_estimators=20).fit(X, y)
    assert warm.n_estimators_ == 20
    np.testing.assert_allclose(warm.predict(X), once.predict(X))
    with pytest.raises(ValueError, match="n_estimators"):
        warm.set_params(n_estimators=5).fit(X, y)


def test_init_estimator_and_zero():
    X, y = make_regression(n_samples=200, n_features=4, random_state=0)
    zero = GradientBoostingRegressor(n_estimators=1, init="zero").fit(X, y)
    np.testing.assert_array_equal(zero.init_, [0.0])
    dummy = GradientBoostingRegressor(n_estimators=5, init=DummyRegressor()).fit(X, y)
    default = GradientBoostingRegressor(n_estimators=5).fit(X, y)
    np.testing.assert_allclose(dummy.predict(X), default.predict(X))
    Xc, yc = make_classification(n_samples=200, random_state=0)
    clf = GradientBoostingClassifier(n_estimators=5, init=LogisticRegression())
    assert clf.fit(Xc, yc).score(Xc, yc) > 0.9


def test_feature_importances_sum_to_one():
    X, y = make_regression(n_samples=200, n_features=5, n_informative=2, random_state=0)
    reg = GradientBoostingRegressor(n_estimators=20).fit(X, y)
    assert reg.feature_importances_.sum() == pytest.approx(1)
    assert set(np.argsort(reg.feature_importances_)[-2:]) == set(
        np.argsort(np.abs(np.corrcoef(X.T, y)[-1, :-1]))[-2:]
    )


def test_verbose_prints_progress(capsys):
    X, y = make_regression(n_samples=50, n_features=2, random_state=0)
    GradientBoostingRegressor(n_estimators=3, verbose=2).fit(X, y)
    out = capsys.readouterr().out
    assert "Train Loss" in out and len(out.splitlines()) == 4


# -- agreement with scikit-learn ------------------------------------------------


@pytest.mark.parametrize("loss", ["squared_error", "absolute_error", "huber"])
def test_regressor_r2_agrees_with_sklearn(loss):
    X, y = make_regression(n_samples=2000, n_features=10, noise=20, random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    params = dict(n_estimators=100, max_depth=3, loss=loss)
    ours = GradientBoostingRegressor(**params).fit(X_train, y_train)
    theirs = sk_ensemble.GradientBoostingRegressor(**params, random_state=0)
    theirs.fit(X_train, y_train)
    assert abs(ours.score(X_test, y_test) - theirs.score(X_test, y_test)) <= 0.01


def test_classifier_accuracy_agrees_with_sklearn():
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, random_state=0, stratify=y
    )
    ours = GradientBoostingClassifier(n_estimators=100).fit(X_train, y_train)
    theirs = sk_ensemble.GradientBoostingClassifier(n_estimators=100, random_state=0)
    theirs.fit(X_train, y_train)
    assert abs(ours.score(X_test, y_test) - theirs.score(X_test, y_test)) <= 0.01


@pytest.mark.parametrize("tree_method", ["exact", "hist"])
def test_multiclass_accuracy_agrees_with_sklearn(tree_method):
    X, y = make_classification(
        n_samples=1500, n_features=10, n_informative=6, n_classes=3, random_state=0
    )
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    ours = GradientBoostingClassifier(n_estimators=50, tree_method=tree_method)
    theirs = sk_ensemble.GradientBoostingClassifier(n_estimators=50, random_state=0)
    ours.fit(X_train, y_train)
    theirs.fit(X_train, y_train)
    assert abs(ours.score(X_test, y_test) - theirs.score(X_test, y_test)) <= 0.01


# -- bad input ------------------------------------------------------------------


@pytest.mark.parametrize(
    "Estimator", [GradientBoostingClassifier, GradientBoostingRegressor]
)
def test_bad_input(Estimator):
    X, y = make_classification(n_samples=30, n_features=4, random_state=0)
    with pytest.raises(ValueError, match="NaN"):
        Estimator().fit(np.where(X > 1, np.nan, X), y)
    with pytest.raises(ValueError, match="infinity"):
        Estimator().fit(np.where(X > 1, np.inf, X), y)
    with pytest.raises(ValueError, match="[Nn]egative"):
        Estimator().fit(X, y, sample_weight=-np.ones(30))
    with pytest.raises(ValueError, match="non-zero"):
        Estimator().fit(X, y, sample_weight=np.zeros(30))
    with pytest.raises(ValueError, match="learning_rate"):
        Estimator(learning_rate=0).fit(X, y)
    fitted = Estimator(n_estimators=2).fit(X, y)
    with pytest.raises(ValueError, match="4 features"):
        fitted.predict(X[:, :2])


def test_single_class_is_rejected():
    with pytest.raises(ValueError, match="at least 2 classes"):
        GradientBoostingClassifier().fit(np.ones((4, 2)), [1, 1, 1, 1])


def test_non_finite_predictions_stop_training():
    X = np.arange(10.0).reshape(-1, 1)
    y = np.array([0.0, 1.0] * 5)
    # each round multiplies the residuals by about -1e10: inf by round 33
    with pytest.raises(ValueError, match="non-finite predictions at round 33"):
        GradientBoostingRegressor(learning_rate=1e10, n_estimators=60).fit(X, y)


def test_an_init_without_sample_weight_is_not_given_weights_silently():
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = make_classification(120, 5, random_state=0)
    init = make_pipeline(StandardScaler(), LogisticRegression())
    weights = np.linspace(0.5, 2.0, len(y))
    with pytest.raises(ValueError, match="Pipeline does not take sample_weight"):
        GradientBoostingClassifier(n_estimators=3, init=init).fit(X, y, weights)
    # uniform weights change nothing, so they need no support
    fitted = GradientBoostingClassifier(n_estimators=3, init=init)
    fitted.fit(X, y, sample_weight=np.full(len(y), 2.0))
    plain = GradientBoostingClassifier(n_estimators=3, init=init).fit(X, y)
    np.testing.assert_allclose(fitted.predict_proba(X), plain.predict_proba(X))
    # an init that takes weights gets them
    weighted = GradientBoostingClassifier(n_estimators=3, init=LogisticRegression())
    weighted.fit(X, y, weights)
    expected = LogisticRegression().fit(X, y, sample_weight=weights)
    np.testing.assert_allclose(weighted.init_.coef_, expected.coef_, rtol=1e-6)


def test_remaining_time_is_extrapolated_from_the_rounds_after_the_first(
    capsys, monkeypatch
):
    from ml2learn.ensemble import _gradient_boosting

    # start at 0 s; the first round (with the one-off work) ends at 10 s,
    # then every round takes 1 s
    clock = iter([0.0, 10.0, 11.0, 12.0])
    monkeypatch.setattr(_gradient_boosting.time, "perf_counter", lambda: next(clock))
    printer = _gradient_boosting._ProgressPrinter(2, 10, has_oob=False)
    for i in range(3):
        printer.update(i, 1.0)
    remaining = [
        float(line.split()[-1][:-1])
        for line in capsys.readouterr().out.splitlines()[1:]
    ]
    assert remaining == [90.0, 8.0, 7.0]
