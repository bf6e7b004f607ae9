import numpy as np
import pytest
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ml2learn.adaptation import (
    DomainKFold,
    TrAdaBoostClassifier,
    importance_weighted_scorer,
    pack_domains,
    source_scorer,
    target_scorer,
)
from ml2learn.datasets import make_domain_shift


@pytest.fixture(autouse=True)
def routing():
    with sklearn.config_context(enable_metadata_routing=True):
        yield


def _moons(seed=0, n_labelled=30):
    data = make_domain_shift("moons", n_samples=200, angle=40, random_state=seed)
    y_target = data.y_target.copy()
    y_target[n_labelled:] = -1  # most of the target is unlabelled
    return pack_domains(data.X_source, data.y_source, data.X_target, y_target), data


def test_pack_domains_and_errors():
    X, y, domain = pack_domains(np.zeros((3, 2)), [0, 1, 0], np.ones((2, 2)), [1, 0])
    assert X.shape == (5, 2) and y.tolist() == [0, 1, 0, 1, 0]
    assert domain.tolist() == [1, 1, 1, -2, -2]
    with pytest.raises(ValueError, match="must match"):
        pack_domains(np.zeros((3, 2)), [0, 1, 0], np.ones((2, 3)))
    with pytest.raises(ValueError):
        pack_domains(np.zeros((3, 2)), [0, 1], np.ones((2, 2)))
    with pytest.raises(ValueError, match="X_target has no rows"):
        pack_domains(np.zeros((3, 2)), [0, 1, 0], np.ones((0, 2)))


def test_domain_kfold_splits_every_domain():
    domain = np.array([1] * 10 + [-2] * 5 + [3] * 5)
    cv = DomainKFold(5, shuffle=True, random_state=0)
    tests = [test for _, test in cv.split(np.zeros((20, 1)), sample_domain=domain)]
    assert sorted(np.concatenate(tests).tolist()) == list(range(20))
    for test in tests:
        assert np.bincount(domain[test] + 2, minlength=6)[[0, 3, 5]].tolist() == [
            1,
            2,
            1,
        ]
    again = [test for _, test in cv.split(np.zeros((20, 1)), sample_domain=domain)]
    assert all(np.array_equal(a, b) for a, b in zip(tests, again))
    with pytest.raises(ValueError, match="fewer than n_splits"):
        next(DomainKFold(6).split(np.zeros((20, 1)), sample_domain=domain))
    with pytest.raises(ValueError, match="n_splits"):
        DomainKFold(1)


def test_scorers_score_their_domain():
    (X, y, domain), data = _moons()

    class Constant(ClassifierMixin, BaseEstimator):
        def fit(self, X, y):
            self.classes_ = np.array([0, 1])
            return self

        def predict(self, X):
            return np.ones(len(X), dtype=int)

    est = Constant().fit(X, y)
    labelled_target = (domain < 0) & (y != -1)
    assert target_scorer()(est, X, y, sample_domain=domain) == pytest.approx(
        np.mean(y[labelled_target] == 1)
    )
    assert source_scorer()(est, X, y, sample_domain=domain) == pytest.approx(
        np.mean(y[domain > 0] == 1)
    )
    assert 0 <= importance_weighted_scorer()(est, X, y, sample_domain=domain) <= 1
    with pytest.raises(ValueError, match="enable_metadata_routing"):
        target_scorer()(est, X, y)


def test_importance_weights_follow_the_target():
    """Source rows near the target weigh more in importance-weighted
    validation, so it tracks the target score better than source accuracy."""
    data = make_domain_shift("tabular", n_samples=400, severity=1.5, random_state=0)
    X, y, domain = pack_domains(data.X_source, data.y_source, data.X_target)
    from ml2learn.adaptation._model_selection import _importance_weights

    weights = _importance_weights(X, domain < 0, domain > 0)
    near_target = data.X_source.sum(axis=1) > 1.5
    assert weights[near_target].mean() > 3 * weights[~near_target].mean()


def test_routing_reaches_the_final_estimator_in_grid_search():
    (X, y, domain), _ = _moons()
    seen = []

    class Recorder(TrAdaBoostClassifier):
        def fit(self, X, y, sample_domain=None, sample_weight=None):
            seen.append(None if sample_domain is None else np.unique(sample_domain))
            return super().fit(X, y, sample_domain=sample_domain)

    pipe = make_pipeline(StandardScaler(), Recorder(n_estimators=10))
    search = GridSearchCV(
        pipe,
        {"recorder__n_estimators": [5, 10]},
        cv=DomainKFold(3, shuffle=True, random_state=0),
        scoring=target_scorer(),
        n_jobs=2,
    )
    search.fit(X, y, sample_domain=domain)
    fitted = search.best_estimator_[-1]
    assert fitted.n_source_ == 200 and fitted.n_target_ == 30
    assert fitted.n_unlabelled_ == 170
    assert np.isfinite(search.best_score_)
    result = cross_validate(
        make_pipeline(StandardScaler(), LogisticRegression()),
        X,
        y,
        cv=DomainKFold(3),
        scoring={"target": target_scorer(), "source": source_scorer()},
        params={"sample_domain": domain},
    )
    assert result["test_target"].shape == (3,)


def test_grid_search_selects_on_target_performance():
    """With target scoring the search prefers the setting that transfers."""
    (X, y, domain), _ = _moons()
    search = GridSearchCV(
        TrAdaBoostClassifier(),
        {"n_estimators": [1, 30]},
        cv=DomainKFold(3, shuffle=True, random_state=0),
        scoring=target_scorer(),
    ).fit(X, y, sample_domain=domain)
    scores = search.cv_results_["mean_test_score"]
    assert search.best_params_ == {"n_estimators": [1, 30][int(np.argmax(scores))]}


def test_labelled_target_rows_are_spread_over_the_folds():
    (X, y, domain), _ = _moons(n_labelled=6)  # target rows 0-5 labelled
    for _, test in DomainKFold(3).split(X, y, sample_domain=domain):
        labelled = (domain[test] < 0) & (y[test] != -1)
        assert labelled.sum() == 2
