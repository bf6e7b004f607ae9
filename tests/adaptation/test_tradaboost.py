import math

import numpy as np
import pytest
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

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


def _regression_transfer(seed, n_labelled=20):
    """The target agrees with the source for x < 0 and bends away for x > 0."""
    rng = np.random.RandomState(seed)
    X_s, X_t = rng.uniform(-3, 3, (300, 1)), rng.uniform(-3, 3, (300, 1))
    y_s = np.sin(X_s[:, 0]) + 0.1 * rng.randn(300)
    y_t = np.sin(X_t[:, 0]) + 0.4 * np.clip(X_t[:, 0], 0, None) + 0.1 * rng.randn(300)
    X, y, domain = pack_domains(X_s, y_s, X_t[:n_labelled], y_t[:n_labelled])
    return X, y, domain, X_t[n_labelled:], y_t[n_labelled:]


def test_r2_stage_one_moves_weight_to_the_target():
    from ml2learn.adaptation import TrAdaBoostRegressor

    X, y, domain, _, _ = _regression_transfer(0)
    reg = TrAdaBoostRegressor(n_steps=5, n_estimators=5, random_state=0)
    reg.fit(X, y, sample_domain=domain)
    target = domain < 0
    shares = reg.sample_weight_history_[:, target].sum(axis=1)
    m, n_all = 20, 320
    assert shares[0] == pytest.approx(m / n_all)
    # Pardoe and Stone: after update t the target holds m/(n+m) + t/(S-1) n/(n+m)
    assert shares[1] == pytest.approx(m / n_all + 1 / 4 * (1 - m / n_all))
    assert np.all(np.diff(shares) > 0)
    # source rows are only ever multiplied by beta^e <= 1 (before normalising)
    assert np.all((reg.source_betas_ > 0) & (reg.source_betas_ <= 1))
    assert reg.best_step_ == int(np.argmin(reg.step_errors_))


def test_r2_prime_keeps_source_weights_fixed():
    from ml2learn.adaptation import TrAdaBoostRegressor

    X, y, domain, _, _ = _regression_transfer(1)
    reg = TrAdaBoostRegressor(n_estimators=6, random_state=0)
    reg.estimator_ = DecisionTreeRegressor(max_depth=2)
    weights = np.full(len(y), 1 / len(y))
    target = domain < 0
    _, votes, final = reg._boost_r2(X, y, weights, target, np.random.RandomState(0))
    source = final[~target]
    np.testing.assert_allclose(source / source[0], 1.0)  # all scaled alike
    assert not np.allclose(final[target] / final[target][0], 1.0)
    assert np.all(votes > 0)


def test_r2_without_target_is_adaboost_r2():
    from sklearn.datasets import make_regression

    from ml2learn.adaptation import TrAdaBoostRegressor
    from ml2learn.ensemble import AdaBoostRegressor

    X, y = make_regression(150, 4, noise=5.0, random_state=0)
    ours = TrAdaBoostRegressor(n_estimators=8, random_state=0).fit(X, y)
    reference = AdaBoostRegressor(  # TrAdaBoost.R2 reweights its learners
        DecisionTreeRegressor(max_depth=3),
        n_estimators=8,
        sampling="reweight",
        random_state=0,
    ).fit(X, y)
    np.testing.assert_allclose(ours.predict(X), reference.predict(X))
    np.testing.assert_allclose(ours.estimator_weights_, reference.estimator_weights_)


def test_r2_transfer_beats_source_only():
    from ml2learn.adaptation import TrAdaBoostRegressor
    from ml2learn.ensemble import AdaBoostRegressor

    errors = {"tradaboost": [], "source": []}
    for seed in range(5):
        X, y, domain, X_test, y_test = _regression_transfer(seed)
        fits = {
            "tradaboost": TrAdaBoostRegressor(random_state=0).fit(
                X, y, sample_domain=domain
            ),
            "source": AdaBoostRegressor(
                DecisionTreeRegressor(max_depth=3), n_estimators=30, random_state=0
            ).fit(X[domain > 0], y[domain > 0]),
        }
        for name, model in fits.items():
            errors[name].append(np.mean((model.predict(X_test) - y_test) ** 2))
    assert np.mean(errors["tradaboost"]) < 0.95 * np.mean(errors["source"])
