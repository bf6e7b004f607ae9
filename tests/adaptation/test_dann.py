import math

import numpy as np
import pytest
import sklearn
import torch
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ml2learn.adaptation import (
    DANNClassifier,
    DANNRegressor,
    DomainKFold,
    GradientReversal,
    TrAdaBoostClassifier,
    adaptation_factor,
    annealed_learning_rate,
    pack_domains,
    target_scorer,
)
from ml2learn.adaptation._dann import _DomainDataset, _PairedIterator
from ml2learn.datasets import make_domain_shift

SMALL = dict(feature_layer_sizes=(16,), domain_layer_sizes=(16,), max_epochs=20)


def _moons(n=200, angle=30, seed=0):
    data = make_domain_shift("moons", n_samples=n, angle=angle, random_state=seed)
    return data, pack_domains(data.X_source, data.y_source, data.X_target)


def test_gradient_reversal_layer():
    x = torch.randn(4, 3, requires_grad=True)
    incoming = torch.randn(4, 3)
    out = GradientReversal.apply(x, 0.7)
    torch.testing.assert_close(out, x)  # identity forward
    out.backward(incoming)
    torch.testing.assert_close(x.grad, -0.7 * incoming)


def test_schedules_are_the_papers_formulas():
    for p in (0.0, 0.1, 0.5, 1.0):
        assert adaptation_factor(p) == pytest.approx(2 / (1 + math.exp(-10 * p)) - 1)
        assert annealed_learning_rate(p, 0.01) == pytest.approx(
            0.01 / (1 + 10 * p) ** 0.75
        )
    assert adaptation_factor(0.0) == 0.0 and adaptation_factor(1.0) > 0.9999


def test_schedules_drive_training():
    data, (X, y, domain) = _moons(100)
    dann = DANNClassifier(**SMALL, batch_size=25, random_state=0)
    dann.fit(X, y, sample_domain=domain)
    steps = 20 * 4  # 100 source rows in batches of 25
    last_step = [(4 * (e + 1) - 1) / steps for e in range(20)]
    np.testing.assert_allclose(
        dann.lambda_curve_, [adaptation_factor(p) for p in last_step]
    )
    lr = np.array(dann.net_.history[:, "lr"])
    np.testing.assert_allclose(lr, [annealed_learning_rate(p, 0.05) for p in last_step])
    constant = DANNClassifier(
        **SMALL, adaptation_schedule="constant", domain_weight=0.3, lr_annealing=False
    ).fit(X, y, sample_domain=domain)
    np.testing.assert_allclose(constant.lambda_curve_, 0.3)
    assert np.all(np.isfinite(dann.domain_loss_curve_))
    assert np.all(
        (dann.domain_accuracy_curve_ >= 0) & (dann.domain_accuracy_curve_ <= 1)
    )
    np.testing.assert_allclose(
        dann.loss_curve_, dann.label_loss_curve_ + dann.domain_loss_curve_, rtol=1e-5
    )


def test_each_source_batch_is_paired_with_a_target_batch():
    X_source = torch.arange(10.0).reshape(10, 1)
    X_target = 100 + torch.arange(7.0).reshape(7, 1)
    dataset = _DomainDataset(X_source, torch.zeros(10), None, X_target)
    batches = list(
        _PairedIterator(dataset, 4, shuffle=True, rng=np.random.RandomState(0))
    )
    seen_target = []
    for inputs, (_, _, n_source) in batches:
        assert len(inputs) == 2 * n_source
        assert torch.all(inputs[:n_source] < 100) and torch.all(
            inputs[n_source:] >= 100
        )
        seen_target += inputs[n_source:, 0].tolist()
    # the target rows are used in turn, every one before any repeats
    assert sorted(seen_target[:7]) == list(range(100, 107))


def test_target_labels_are_never_read():
    data, (X, y, domain) = _moons(100)
    y_true = np.concatenate([data.y_source, data.y_target])
    y_noise = np.concatenate(
        [data.y_source, np.random.RandomState(1).randint(0, 2, 100)]
    )
    predictions = [
        DANNClassifier(**SMALL, random_state=0)
        .fit(X, labels, sample_domain=domain)
        .predict_proba(X)
        for labels in (y, y_true, y_noise)
    ]
    np.testing.assert_array_equal(predictions[0], predictions[1])
    np.testing.assert_array_equal(predictions[0], predictions[2])


def test_without_target_rows_it_is_the_plain_network():
    data, _ = _moons(100)
    dann = DANNClassifier(**SMALL, random_state=0).fit(data.X_source, data.y_source)
    assert dann.n_target_ == 0
    assert np.all(np.isnan(dann.domain_loss_curve_))
    np.testing.assert_allclose(dann.loss_curve_, dann.label_loss_curve_, rtol=1e-5)


def test_adaptation_beats_source_only_on_rotated_moons():
    data, (X, y, domain) = _moons(200, angle=30)
    params = dict(max_epochs=150, random_state=0)
    adapted = DANNClassifier(**params).fit(X, y, sample_domain=domain)
    source_only = DANNClassifier(domain_weight=0, **params).fit(
        X, y, sample_domain=domain
    )
    target_score = adapted.score(data.X_target, data.y_target)
    assert target_score > source_only.score(data.X_target, data.y_target) + 0.05
    # the domain classifier ends near chance on the adapted features
    assert adapted.domain_accuracy_curve_[-1] < 0.7


def test_convolutional_extractor_and_regressor():
    data = make_domain_shift("digits", shift="noise", random_state=0)
    X, y, domain = pack_domains(
        data.X_source[:200], data.y_source[:200], data.X_target[:100]
    )
    cnn = DANNClassifier(
        (16,), image_shape=(8, 8), filters=(8,), max_epochs=3, random_state=0
    ).fit(X, y, sample_domain=domain)
    assert cnn.predict(data.X_target[:5]).shape == (5,)
    assert cnn.extract_features(data.X_target[:5]).shape == (5, 16)
    with pytest.raises(ValueError, match="image_shape"):
        DANNClassifier(image_shape=(7, 7), max_epochs=1).fit(X, y, sample_domain=domain)
    rng = np.random.RandomState(0)
    X_s, X_t = rng.normal(size=(80, 3)), rng.normal(0.5, size=(40, 3))
    Xr, yr, dr = pack_domains(X_s, 100 * X_s[:, 0] + 5, X_t)
    reg = DANNRegressor((16,), max_epochs=30, random_state=0).fit(
        Xr, yr, sample_domain=dr
    )
    assert reg.y_mean_[0] == pytest.approx(np.mean(100 * X_s[:, 0] + 5))
    assert reg.score(X_s, 100 * X_s[:, 0] + 5) > 0.8


def test_regressor_defaults_train_on_unscaled_inputs():
    from sklearn.base import clone
    from sklearn.utils.estimator_checks import check_fit_idempotent, check_n_features_in

    reg = DANNRegressor()
    assert reg.learning_rate == 0.01 == clone(reg).get_params()["learning_rate"]
    assert DANNClassifier().learning_rate == 0.05
    # scikit-learn's checks on features near 100, with the default 200 epochs
    check_fit_idempotent("DANNRegressor", reg)
    check_n_features_in("DANNRegressor", reg)
    # the classifier's rate diverges there
    with pytest.raises(ValueError, match="lower learning_rate"):
        check_n_features_in("DANNRegressor", DANNRegressor(learning_rate=0.05))


def test_bad_domains():
    data, (X, y, domain) = _moons(50)
    with pytest.raises(ValueError, match="every row is a target row"):
        DANNClassifier(**SMALL).fit(X, y, sample_domain=-np.ones(len(y), dtype=int))
    with pytest.raises(ValueError, match="one id per row"):
        DANNClassifier(**SMALL).fit(X, y, sample_domain=domain[:10])
    with pytest.raises(TypeError, match="integer domain ids"):
        DANNClassifier(**SMALL).fit(
            X, y, sample_domain=np.where(domain > 0, "source", "target")
        )


@pytest.mark.parametrize("Estimator", [DANNClassifier, TrAdaBoostClassifier])
def test_the_unlabelled_mark_is_never_learned_as_a_class(Estimator):
    data, (X, y, domain) = _moons(50)
    assert (y == -1).sum() == 50
    estimator = Estimator(**SMALL) if Estimator is DANNClassifier else Estimator()
    if Estimator is TrAdaBoostClassifier:  # it learns from a few target labels
        y[50:55] = data.y_target[:5]
    with pytest.raises(ValueError, match="y holds -1, the mark of unlabelled"):
        estimator.fit(X, y)  # sample_domain forgotten
    assert estimator.fit(X, y, sample_domain=domain).classes_.tolist() == [0, 1]
    # -1 and +1 without 0 are a binary task, not the mark
    signed = np.where(data.y_source == 0, -1, 1)
    assert estimator.fit(data.X_source, signed).classes_.tolist() == [-1, 1]
    with pytest.raises(ValueError, match="encode the classes as integers"):
        pack_domains(data.X_source, np.array(["a", "b"])[data.y_source], data.X_target)


def test_routing_through_pipeline_and_grid_search():
    data, (X, y, domain) = _moons(60)
    y = np.concatenate([data.y_source, data.y_target])  # kept for scoring only
    with sklearn.config_context(enable_metadata_routing=True):
        search = GridSearchCV(
            make_pipeline(StandardScaler(), DANNClassifier(**SMALL, random_state=0)),
            {"dannclassifier__domain_weight": [0.0, 1.0]},
            cv=DomainKFold(2, shuffle=True, random_state=0),
            scoring=target_scorer(),
        ).fit(X, y, sample_domain=domain)
    fitted = search.best_estimator_[-1]
    assert fitted.n_source_ == 60 and fitted.n_target_ == 60
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))


def test_dataframe_columns_reordered_at_predict_are_refused():
    pd = pytest.importorskip("pandas")
    data = make_domain_shift("moons", n_samples=60, random_state=0)
    X, y, domains = pack_domains(data.X_source, data.y_source, data.X_target)
    frame = pd.DataFrame(X, columns=["a", "b"])
    dann = DANNClassifier((8,), domain_layer_sizes=(4,), max_epochs=1, random_state=0)
    dann.fit(frame, y, sample_domain=domains)
    assert list(dann.feature_names_in_) == ["a", "b"]
    with pytest.raises(ValueError, match="feature names"):
        dann.predict(frame[["b", "a"]])
