import math

import numpy as np
import pytest
from sklearn.tree import DecisionTreeClassifier

from ml2learn.adaptation import TrAdaBoostClassifier, pack_domains
from ml2learn.datasets import make_domain_shift
from ml2learn.ensemble import AdaBoostClassifier

# one feature; the source row at 0.2 is labelled against the source's rule,
# the target row at 2.6 against it too
X_SOURCE = np.array([[0.0], [1.0], [2.0], [3.0], [0.2]])
Y_SOURCE = np.array([0, 0, 1, 1, 1])
X_TARGET = np.array([[0.5], [2.5], [2.6]])
Y_TARGET = np.array([0, 1, 0])


def _fit(n_estimators):
    X, y, sample_domain = pack_domains(X_SOURCE, Y_SOURCE, X_TARGET, Y_TARGET)
    clf = TrAdaBoostClassifier(n_estimators=n_estimators)
    return clf.fit(X, y, sample_domain=sample_domain), X, y


def test_first_round_by_hand():
    clf, X, y = _fit(4)
    # the best stump (x > 1.5 -> 1) misses the source row 0.2 and the target
    # row 2.6: 2 of 8 equal weights
    wrong = clf.estimators_[0].predict(X) != y
    np.testing.assert_array_equal(wrong, [0, 0, 0, 0, 1, 0, 0, 1])
    eps = (1 / 8) / (3 / 8)  # on the target rows only
    assert clf.estimator_errors_[0] == pytest.approx(1 / 3)
    assert clf.beta_[0] == pytest.approx(eps / (1 - eps))  # 0.5
    assert clf.estimator_weights_[0] == pytest.approx(math.log(2))
    beta = 1 / (1 + math.sqrt(2 * math.log(5) / 4))  # n = 5 source rows, N = 4
    assert clf.source_beta_ == pytest.approx(beta)
    # misclassified source row * beta, misclassified target row / beta_t
    expected = np.array([1, 1, 1, 1, beta, 1, 1, 2.0])
    np.testing.assert_allclose(clf.sample_weight_history_[1], expected / expected.sum())
    assert clf.normalizers_[0] == pytest.approx(expected.sum() / 8)


def test_wrong_source_rows_fade_and_hard_target_rows_gain():
    clf, X, y = _fit(6)
    history = clf.sample_weight_history_
    outlier, hard_target = 4, 7
    wrong = np.array([est.predict(X) != y for est in clf.estimators_])
    # while a learner misses a source row, its weight falls; a missed target
    # row's rises
    for t in range(len(clf.estimators_)):
        if wrong[t, outlier]:
            assert history[t + 1, outlier] < history[t, outlier]
        if wrong[t, hard_target] and clf.estimator_weights_[t] > 0:
            assert history[t + 1, hard_target] > history[t, hard_target]
    assert history[-1, outlier] < history[0, outlier] / 2
    assert history[-1, hard_target] > history[0, hard_target]


def test_vote_uses_the_second_half():
    clf, X, _ = _fit(7)
    assert clf.first_voting_round_ == 3  # rounds 4..7 of 7 (ceil(7/2) = 4)
    votes = sum(
        clf.estimator_weights_[t] * (clf.estimators_[t].predict(X) - 0.5)
        for t in range(3, 7)
    )
    np.testing.assert_allclose(clf.decision_function(X), votes)
    np.testing.assert_array_equal(clf.predict(X), (votes >= 0).astype(int))
    staged = list(clf.staged_decision_function(X))
    assert len(staged) == 7
    np.testing.assert_allclose(staged[-1], votes)


def test_one_domain_runs_adaboost_rounds():
    from sklearn.datasets import make_classification

    X, y = make_classification(120, n_features=4, random_state=0)
    tr = TrAdaBoostClassifier(n_estimators=8).fit(X, y)
    ada = AdaBoostClassifier(n_estimators=8).fit(X, y)
    np.testing.assert_allclose(tr.sample_weight_history_, ada.sample_weight_history_)
    np.testing.assert_allclose(tr.estimator_errors_, ada.estimator_errors_)
    assert tr.n_source_ == 0 and tr.n_target_ == 120 and np.isnan(tr.source_beta_)


def test_three_classes_use_samme():
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    domain = np.where(np.arange(150) % 5 == 0, -2, 1)
    clf = TrAdaBoostClassifier(n_estimators=10, random_state=0)
    clf.fit(X, y, sample_domain=domain)
    eps = clf.estimator_errors_[0]
    assert clf.estimator_weights_[0] == pytest.approx(
        math.log((1 - eps) / eps) + math.log(2)
    )
    assert clf.score(X, y) > 0.9


def test_perfect_and_useless_learners_give_no_nan():
    # a target the stump fits exactly: eps = 0, a smoothed finite vote
    X, y, domain = pack_domains([[0.0], [1.0]], [0, 1], [[0.1], [0.9]], [0, 1])
    clf = TrAdaBoostClassifier(n_estimators=3).fit(X, y, sample_domain=domain)
    assert np.all(clf.estimator_errors_ == 0)
    assert np.all(np.isfinite(clf.estimator_weights_))
    assert np.all(np.isfinite(clf.sample_weight_history_))
    # a target labelled against every stump: eps >= 1/2 gives no vote
    X, y, domain = pack_domains(
        [[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1], [[0.0], [3.0]], [1, 0]
    )
    clf = TrAdaBoostClassifier(n_estimators=2).fit(X, y, sample_domain=domain)
    assert clf.estimator_errors_[0] >= 0.5
    assert clf.estimator_weights_[0] == 0 and clf.beta_[0] == 1
    assert np.all(np.isfinite(clf.decision_function(X)))


def test_unlabelled_target_rows_and_bad_input():
    X, y, domain = pack_domains(X_SOURCE, Y_SOURCE, X_TARGET, Y_TARGET)
    y_part = y.copy()
    y_part[-1] = -1
    clf = TrAdaBoostClassifier(n_estimators=3).fit(X, y_part, sample_domain=domain)
    assert clf.n_unlabelled_ == 1 and clf.n_target_ == 2
    assert clf.sample_weight_history_.shape[1] == 7
    X_u, y_u, domain_u = pack_domains(X_SOURCE, Y_SOURCE, X_TARGET)
    with pytest.raises(ValueError, match="every target row"):
        TrAdaBoostClassifier().fit(X_u, y_u, sample_domain=domain_u)
    with pytest.raises(ValueError, match="recode the classes"):
        TrAdaBoostClassifier().fit(X, np.where(y == 0, -1, 1), sample_domain=domain)
    with pytest.raises(ValueError, match="one id per row"):
        TrAdaBoostClassifier().fit(X, y, sample_domain=domain[:-1])
    with pytest.raises(ValueError, match="non-zero"):
        TrAdaBoostClassifier().fit(X, y, sample_domain=np.zeros(len(y)))


def test_beats_source_only_and_target_only_on_rotated_moons():
    scores = {"tradaboost": [], "source": [], "target": []}
    for seed in range(3):
        data = make_domain_shift("moons", n_samples=300, angle=40, random_state=seed)
        order = np.random.RandomState(seed).permutation(300)
        labelled, test = order[:15], order[15:]
        X, y, domain = pack_domains(
            data.X_source,
            data.y_source,
            data.X_target[labelled],
            data.y_target[labelled],
        )
        tree = DecisionTreeClassifier(max_depth=3)
        fits = {
            "tradaboost": TrAdaBoostClassifier(tree, n_estimators=40).fit(
                X, y, sample_domain=domain
            ),
            "source": AdaBoostClassifier(tree, n_estimators=40).fit(
                data.X_source, data.y_source
            ),
            "target": AdaBoostClassifier(tree, n_estimators=40).fit(
                data.X_target[labelled], data.y_target[labelled]
            ),
        }
        for name, fitted in fits.items():
            scores[name].append(fitted.score(data.X_target[test], data.y_target[test]))
    mean = {name: np.mean(values) for name, values in scores.items()}
    assert mean["tradaboost"] > mean["source"] + 0.03
    assert mean["tradaboost"] > mean["target"] + 0.03
