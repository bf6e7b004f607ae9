import numpy as np
import pytest
from sklearn import ensemble as sk_ensemble
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_iris,
    make_classification,
    make_regression,
)
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.tree import DecisionTreeClassifier

from ml2learn.datasets import load_adaboost_rounds_example
from ml2learn.ensemble import (
    AdaBoostClassifier,
    AdaBoostRegressor,
    DecisionStump,
    format_rounds_table,
)


@pytest.fixture(scope="module")
def notes_example():
    data = load_adaboost_rounds_example()
    return AdaBoostClassifier(n_estimators=3).fit(data.data, data.target), data


def test_notes_rounds_errors_and_votes(notes_example):
    clf, _ = notes_example
    # notes: eps 0.300 -> alpha 0.424, eps 0.2142 -> alpha 0.6496, eps 0.1365
    np.testing.assert_allclose(clf.estimator_errors_[:2], [0.300, 3 / 14])
    assert round(clf.estimator_weights_[0], 3) == 0.424
    assert round(clf.estimator_weights_[1], 4) == 0.6496
    # eps_3 = 3 / 22; the notes sum three rounded weights, 3 * 0.0455 = 0.1365
    assert clf.estimator_errors_[2] == pytest.approx(3 / 22)
    assert round(3 * round(clf.sample_weight_history_[2][0], 4), 4) == 0.1365
    # The notes print alpha_3 = 0.7378, which contradicts their own formula:
    # 1/2 ln((1 - 0.1365) / 0.1365) = 0.922, Schapire's original value (0.92).
    assert clf.estimator_weights_[2] == pytest.approx(
        0.5 * np.log((1 - 3 / 22) / (3 / 22))
    )
    assert round(clf.estimator_weights_[2], 2) == 0.92


def test_notes_distributions(notes_example):
    clf, data = notes_example
    history = clf.sample_weight_history_
    assert history.shape == (4, 10)
    np.testing.assert_allclose(history[0], 0.1)
    wrong_1 = np.isin(np.arange(1, 11), data.mistakes[0])
    np.testing.assert_allclose(history[1][wrong_1].round(4), 0.1667)
    np.testing.assert_allclose(history[1][~wrong_1].round(4), 0.0714)
    assert round(clf.normalizers_[0], 4) == 0.9165
    assert round(clf.normalizers_[1], 3) == round(0.8206, 3)
    d3 = history[2].round(4)
    np.testing.assert_allclose(d3[[0, 1, 8, 9]], 0.0455)
    np.testing.assert_allclose(d3[[2, 3, 4]], 0.1061)
    np.testing.assert_allclose(d3[[5, 6, 7]], 0.1667)
    # each learner made exactly the notes' mistakes
    for t, stump in enumerate(clf.estimators_):
        wrong = np.flatnonzero(stump.predict(data.data) != (data.target > 0)) + 1
        assert tuple(wrong) == data.mistakes[t]


def test_notes_final_hypothesis(notes_example):
    clf, data = notes_example
    votes = data.data @ clf.estimator_weights_
    np.testing.assert_allclose(clf.decision_function(data.data), votes)
    np.testing.assert_array_equal(clf.predict(data.data), np.sign(votes))
    assert clf.score(data.data, data.target) == 1.0


def test_rounds_table_lists_every_round(notes_example):
    clf, _ = notes_example
    table = clf.rounds_table()
    assert table == format_rounds_table(clf)
    assert "0.9165" in table and "0.4236" in table and "D_3(i)" in table
    assert len(table.splitlines()) == 1 + 10 + 3


def test_update_rule_matches_formula():
    X, y = make_classification(n_samples=200, random_state=1)
    clf = AdaBoostClassifier(n_estimators=5, learning_rate=0.7).fit(X, y)
    signed = np.where(y == 1, 1, -1)
    for t, stump in enumerate(clf.estimators_):
        D = clf.sample_weight_history_[t]
        h = np.where(stump.predict(X) == 1, 1, -1)
        eps = D[h != signed].sum()
        assert clf.estimator_errors_[t] == pytest.approx(eps)
        alpha = 0.7 * 0.5 * np.log((1 - eps) / eps)
        assert clf.estimator_weights_[t] == pytest.approx(alpha)
        unnormalised = D * np.exp(-alpha * signed * h)
        np.testing.assert_allclose(
            clf.sample_weight_history_[t + 1], unnormalised / unnormalised.sum()
        )
        assert clf.normalizers_[t] == pytest.approx(unnormalised.sum())


@pytest.mark.parametrize(
    "loader, n_estimators",
    [(load_breast_cancer, 100), (load_iris, 50), (load_digits, 100)],
)
def test_accuracy_agrees_with_sklearn(loader, n_estimators):
    X, y = loader(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, random_state=0, stratify=y
    )
    ours = AdaBoostClassifier(n_estimators=n_estimators).fit(X_train, y_train)
    theirs = sk_ensemble.AdaBoostClassifier(
        DecisionTreeClassifier(max_depth=1), n_estimators=n_estimators, random_state=0
    ).fit(X_train, y_train)
    # Our stump minimises the weighted error, sklearn's the Gini impurity: the
    # ensembles differ slightly; on these small test sets (143 to 450 rows)
    # one row is 0.2 to 0.7 points.
    assert abs(ours.score(X_test, y_test) - theirs.score(X_test, y_test)) <= 0.04


def test_default_accuracy_within_one_point_of_sklearn():
    X, y = make_classification(
        n_samples=4000, n_features=20, n_informative=8, random_state=0
    )
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    ours = AdaBoostClassifier(n_estimators=100).fit(X_train, y_train)
    theirs = sk_ensemble.AdaBoostClassifier(n_estimators=100).fit(X_train, y_train)
    assert abs(ours.score(X_test, y_test) - theirs.score(X_test, y_test)) <= 0.01


@pytest.mark.parametrize("n_classes", [2, 3])
def test_accuracy_agrees_with_sklearn_same_weak_learner(n_classes):
    X, y = make_classification(
        n_samples=600,
        n_features=10,
        n_informative=5,
        n_classes=n_classes,
        random_state=0,
    )
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    weak = DecisionTreeClassifier(max_depth=1, random_state=0)
    ours = AdaBoostClassifier(weak, n_estimators=60).fit(X_train, y_train)
    theirs = sk_ensemble.AdaBoostClassifier(weak, n_estimators=60).fit(X_train, y_train)
    assert abs(ours.score(X_test, y_test) - theirs.score(X_test, y_test)) <= 0.01
    np.testing.assert_array_equal(ours.predict(X_test), theirs.predict(X_test))


def test_samme_multiclass_update():
    X, y = load_iris(return_X_y=True)
    clf = AdaBoostClassifier(n_estimators=4).fit(X, y)
    K = 3
    for t, stump in enumerate(clf.estimators_):
        D = clf.sample_weight_history_[t]
        wrong = stump.predict(X) != y
        eps = D[wrong].sum()
        alpha = np.log((1 - eps) / eps) + np.log(K - 1)
        assert clf.estimator_weights_[t] == pytest.approx(alpha)
        expected = D * np.exp(alpha * wrong)
        np.testing.assert_allclose(
            clf.sample_weight_history_[t + 1], expected / expected.sum()
        )
    decision = clf.decision_function(X)
    np.testing.assert_allclose(decision.sum(axis=1), 0, atol=1e-12)
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1)
    np.testing.assert_array_equal(np.argmax(proba, axis=1), clf.predict(X))


def test_staged_methods_end_at_final_model():
    X, y = make_classification(n_samples=200, random_state=0)
    clf = AdaBoostClassifier(n_estimators=15).fit(X, y)
    staged = list(clf.staged_predict(X))
    assert len(staged) == len(clf.estimators_) == 15
    np.testing.assert_array_equal(staged[-1], clf.predict(X))
    np.testing.assert_allclose(
        list(clf.staged_decision_function(X))[-1], clf.decision_function(X)
    )
    np.testing.assert_allclose(
        list(clf.staged_predict_proba(X))[-1], clf.predict_proba(X)
    )
    scores = list(clf.staged_score(X, y))
    assert scores[-1] == clf.score(X, y)
    assert scores[-1] >= scores[0]


def test_binary_probability_is_logistic_of_twice_the_vote():
    X, y = make_classification(n_samples=100, random_state=0)
    clf = AdaBoostClassifier(n_estimators=5).fit(X, y)
    F = clf.decision_function(X)
    np.testing.assert_allclose(clf.predict_proba(X)[:, 1], 1 / (1 + np.exp(-2 * F)))


def test_perfect_weak_learner_stops_without_nan():
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([0, 0, 1, 1])
    clf = AdaBoostClassifier(n_estimators=10).fit(X, y)
    assert len(clf.estimators_) == 1
    assert clf.estimator_errors_[0] == 0.0
    assert clf.sample_weight_history_.shape == (2, 4)
    np.testing.assert_array_equal(*clf.sample_weight_history_)
    # Schapire & Singer's smoothing with 1/m: alpha = 1/2 ln(m + 1)
    assert clf.estimator_weights_[0] == pytest.approx(0.5 * np.log(5))
    assert np.all(np.isfinite(clf.predict_proba(X)))
    assert clf.score(X, y) == 1.0


def test_learner_no_better_than_chance():
    X = np.array([[0.0], [0.0], [1.0], [1.0]])
    y = np.array([0, 1, 0, 1])
    with pytest.raises(ValueError, match="no better than chance"):
        AdaBoostClassifier().fit(X, y)


def test_stops_when_later_learner_is_chance():
    # The weighted majority class errs on the 40 % minority; after one update
    # both classes weigh 1/2, so the next majority vote is exactly chance.
    X = np.zeros((10, 1))
    y = np.array([0] * 6 + [1] * 4)
    majority = DummyClassifier(strategy="most_frequent")
    clf = AdaBoostClassifier(majority, n_estimators=10).fit(X, y)
    assert len(clf.estimators_) == 1
    np.testing.assert_allclose(clf.estimator_errors_, [0.4])
    np.testing.assert_allclose(clf.sample_weight_history_[1][y == 1].sum(), 0.5)
    assert np.all(np.isfinite(clf.predict_proba(X)))


def test_weak_learner_without_sample_weight_is_fit_on_resample():
    X, y = make_classification(n_samples=150, random_state=0)
    clf = AdaBoostClassifier(
        KNeighborsClassifier(n_neighbors=15), n_estimators=5, random_state=0
    ).fit(X, y)
    again = AdaBoostClassifier(
        KNeighborsClassifier(n_neighbors=15), n_estimators=5, random_state=0
    ).fit(X, y)
    np.testing.assert_array_equal(clf.predict(X), again.predict(X))
    assert clf.score(X, y) > 0.8


def test_any_weak_learner_with_sample_weight():
    X, y = make_classification(n_samples=200, random_state=0)
    clf = AdaBoostClassifier(LogisticRegression(), n_estimators=5).fit(X, y)
    assert clf.score(X, y) > 0.8
    with pytest.raises(AttributeError, match="feature_importances_"):
        _ = clf.feature_importances_


def test_feature_importances_weighted_by_alpha():
    X, y = make_classification(n_samples=200, n_features=6, random_state=0)
    clf = AdaBoostClassifier(n_estimators=20).fit(X, y)
    expected = np.zeros(6)
    for stump, alpha in zip(clf.estimators_, clf.estimator_weights_):
        expected[stump.feature_] += alpha
    np.testing.assert_allclose(clf.feature_importances_, expected / expected.sum())


def test_stump_fast_path_equals_generic_path():
    X, y = load_digits(return_X_y=True)
    fast = AdaBoostClassifier(n_estimators=20).fit(X, y)
    generic = AdaBoostClassifier(DecisionStump(), n_estimators=20)
    generic._prepare_rounds = lambda *args: setattr(generic, "_presorted", None)
    generic.fit(X, y)
    np.testing.assert_allclose(fast.estimator_weights_, generic.estimator_weights_)
    np.testing.assert_array_equal(fast.predict(X), generic.predict(X))


@pytest.mark.parametrize(
    "kwargs, X, y, match",
    [
        ({}, [[np.nan, 1.0], [1.0, 2.0]], [0, 1], "NaN"),
        ({}, [[np.inf, 1.0], [1.0, 2.0]], [0, 1], "infinity"),
        ({}, [[0.0], [1.0]], [1, 1], "at least 2 classes"),
        ({"n_estimators": 0}, [[0.0], [1.0]], [0, 1], "n_estimators"),
        ({"learning_rate": -1}, [[0.0], [1.0]], [0, 1], "learning_rate"),
    ],
)
def test_bad_input_is_rejected(kwargs, X, y, match):
    with pytest.raises(ValueError, match=match):
        AdaBoostClassifier(**kwargs).fit(X, y)


def test_bad_sample_weight_and_feature_count():
    X, y = make_classification(n_samples=20, n_features=4, random_state=0)
    with pytest.raises(ValueError, match="[Nn]egative"):
        AdaBoostClassifier().fit(X, y, sample_weight=-np.ones(20))
    with pytest.raises(ValueError, match="non-zero"):
        AdaBoostClassifier().fit(X, y, sample_weight=np.zeros(20))
    clf = AdaBoostClassifier(n_estimators=3).fit(X, y)
    with pytest.raises(ValueError, match="4 features"):
        clf.predict(X[:, :3])


# -- AdaBoost.R2 ---------------------------------------------------------


def test_r2_update_rule():
    X, y = load_diabetes(return_X_y=True)
    reg = AdaBoostRegressor(n_estimators=4, loss="square", random_state=0).fit(X, y)
    for t, tree in enumerate(reg.estimators_):
        D = reg.sample_weight_history_[t]
        error = np.abs(tree.predict(X) - y)
        loss = (error / error.max()) ** 2
        mean_loss = np.sum(D * loss)
        assert reg.estimator_errors_[t] == pytest.approx(mean_loss)
        beta = mean_loss / (1 - mean_loss)
        assert reg.estimator_weights_[t] == pytest.approx(np.log(1 / beta))
        expected = D * beta ** (1 - loss)
        np.testing.assert_allclose(
            reg.sample_weight_history_[t + 1], expected / expected.sum()
        )


def test_r2_prediction_is_weighted_median():
    X, y = load_diabetes(return_X_y=True)
    reg = AdaBoostRegressor(n_estimators=7, random_state=0).fit(X, y)
    predictions = np.column_stack([e.predict(X[:20]) for e in reg.estimators_])
    weights = reg.estimator_weights_
    for row, value in zip(predictions, reg.predict(X[:20])):
        below = weights[row <= value].sum()
        strictly_below = weights[row < value].sum()
        assert below >= 0.5 * weights.sum() - 1e-9
        assert strictly_below < 0.5 * weights.sum()
    np.testing.assert_allclose(list(reg.staged_predict(X))[-1], reg.predict(X))


@pytest.mark.parametrize("loss", ["linear", "square", "exponential"])
def test_resampling_is_drucker_and_scikit_learns_algorithm(loss):
    from sklearn.tree import DecisionTreeRegressor

    X, y = load_diabetes(return_X_y=True)
    ours = AdaBoostRegressor(n_estimators=30, loss=loss, sampling="resample")
    ours.set_params(random_state=0).fit(X, y)
    theirs = sk_ensemble.AdaBoostRegressor(
        DecisionTreeRegressor(max_depth=3), n_estimators=30, loss=loss, random_state=0
    ).fit(X, y)
    # the same seeds, bootstrap samples, weights and votes: bit for bit
    # (scikit-learn pads its arrays with zeros after an early stop)
    n_rounds = len(ours.estimators_)
    assert n_rounds == len(theirs.estimators_)
    np.testing.assert_array_equal(
        ours.estimator_weights_, theirs.estimator_weights_[:n_rounds]
    )
    np.testing.assert_array_equal(
        ours.estimator_errors_, theirs.estimator_errors_[:n_rounds]
    )
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    again = AdaBoostRegressor(n_estimators=30, loss=loss, sampling="resample")
    np.testing.assert_array_equal(
        again.set_params(random_state=0).fit(X, y).predict(X), ours.predict(X)
    )
    other = again.set_params(random_state=1).fit(X, y).predict(X)
    assert not np.array_equal(other, ours.predict(X))


def test_resampling_is_the_default_and_reweighting_does_not_depend_on_the_seed():
    X, y = load_diabetes(return_X_y=True)
    assert AdaBoostRegressor().sampling == "resample"  # the better, Drucker's
    a, b = (
        AdaBoostRegressor(n_estimators=10, sampling="reweight", random_state=seed)
        for seed in (0, 1)
    )
    np.testing.assert_allclose(a.fit(X, y).predict(X), b.fit(X, y).predict(X))
    with pytest.raises(ValueError, match="sampling"):
        AdaBoostRegressor(sampling="bootstrap").fit(X, y)


@pytest.mark.parametrize("loss", ["linear", "square", "exponential"])
def test_r2_agrees_with_sklearn(loss):
    X, y = make_regression(n_samples=1500, n_features=10, noise=10, random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    ours = AdaBoostRegressor(
        n_estimators=50, loss=loss, sampling="reweight", random_state=0
    )
    ours_score = ours.fit(X_train, y_train).score(X_test, y_test)
    # sklearn resamples by weight (random), reweighting does not: compare with
    # the mean over a few of sklearn's seeds
    theirs_score = np.mean(
        [
            sk_ensemble.AdaBoostRegressor(n_estimators=50, loss=loss, random_state=s)
            .fit(X_train, y_train)
            .score(X_test, y_test)
            for s in range(3)
        ]
    )
    # (sklearn's own spread over seeds is about 0.01 here)
    assert abs(ours_score - theirs_score) <= 0.02


def test_r2_perfect_learner_stops():
    X = np.arange(10.0).reshape(-1, 1)
    reg = AdaBoostRegressor(n_estimators=5, sampling="reweight").fit(
        X, 2 * (X[:, 0] > 4)
    )
    assert len(reg.estimators_) == 1
    np.testing.assert_allclose(reg.predict(X), 2 * (X[:, 0] > 4))


def test_sparse_input_equals_dense():
    from scipy import sparse

    X, y = load_digits(return_X_y=True)
    dense = AdaBoostClassifier(n_estimators=15).fit(X, y)
    fitted = AdaBoostClassifier(n_estimators=15).fit(sparse.csr_matrix(X), y)
    np.testing.assert_allclose(fitted.estimator_weights_, dense.estimator_weights_)
    np.testing.assert_allclose(
        fitted.decision_function(sparse.csr_array(X)), dense.decision_function(X)
    )
    reg = AdaBoostRegressor(n_estimators=5, random_state=0)
    reg.fit(sparse.csc_matrix(X), y.astype(float))
    assert reg.predict(sparse.csr_matrix(X)).shape == (len(y),)


def test_overflowing_weights_stop_boosting_with_a_warning():
    # scikit-learn's test_sample_weights_infinite, in our terms: a huge
    # learning rate overflows D after the first round
    X, y = make_classification(200, random_state=0)
    with pytest.warns(UserWarning, match="overflowed in round 1"):
        clf = AdaBoostClassifier(n_estimators=20, learning_rate=1e6).fit(X, y)
    assert len(clf.estimators_) == 1
    assert np.isfinite(clf.sample_weight_history_).all()
    single = AdaBoostClassifier(n_estimators=1).fit(X, y)
    assert clf.score(X, y) == single.score(X, y) > 0.9


def test_a_zero_weight_row_with_a_large_residual_keeps_the_weights_finite():
    X, y = make_regression(100, 3, random_state=0)
    y[0] += 1e6
    weights = np.ones(100)
    weights[0] = 0
    reg = AdaBoostRegressor(n_estimators=10, random_state=0)
    reg.fit(X, y, sample_weight=weights)
    assert len(reg.estimators_) == 10
    assert np.isfinite(reg.sample_weight_history_).all()
    assert not reg.sample_weight_history_[:, 0].any()  # it weighs nothing


def test_log_proba_of_a_confident_vote_is_finite():
    X, y = load_breast_cancer(return_X_y=True)
    clf = AdaBoostClassifier(n_estimators=400).fit(X, y)
    assert np.abs(clf.decision_function(X)).max() > 40  # 1 - sigmoid(80) == 0
    log_proba = clf.predict_log_proba(X)
    assert np.isfinite(log_proba).all()
    np.testing.assert_allclose(np.exp(log_proba).sum(axis=1), 1.0)
    proba = clf.predict_proba(X)
    shown = proba > 1e-300
    np.testing.assert_allclose(
        log_proba[shown], np.log(proba[shown]), rtol=1e-9, atol=1e-12
    )


def test_monitor_stops_boosting_and_sees_each_round():
    X, y = load_breast_cancer(return_X_y=True)
    seen = []

    def monitor(t, booster, info):
        seen.append((t, info["weight"], info["error"]))
        assert isinstance(info["estimator"], DecisionStump)
        return t == 4

    stopped = AdaBoostClassifier(n_estimators=50).fit(X, y, monitor=monitor)
    five = AdaBoostClassifier(n_estimators=5).fit(X, y)
    assert len(stopped.estimators_) == 5 and [t for t, _, _ in seen] == list(range(5))
    np.testing.assert_array_equal(stopped.estimator_weights_, five.estimator_weights_)
    np.testing.assert_array_equal(
        stopped.decision_function(X), five.decision_function(X)
    )
    np.testing.assert_array_equal([w for _, w, _ in seen], five.estimator_weights_)
    reg = AdaBoostRegressor(n_estimators=30, random_state=0)
    reg.fit(*load_diabetes(return_X_y=True), monitor=lambda t, est, info: t == 2)
    assert len(reg.estimators_) == 3
