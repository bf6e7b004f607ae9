import io
import re
from contextlib import redirect_stdout

import numpy as np
import pytest
import torch
from scipy.special import softmax
from sklearn.datasets import load_digits, make_classification, make_regression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from skorch.callbacks import Callback

from ml2learn.ensemble import AdaBoostClassifier
from ml2learn.neural import MLPClassifier, MLPRegressor, learning_rate_at

X_clf, y_clf = make_classification(
    n_samples=200, n_features=6, n_informative=4, n_classes=3, random_state=0
)
X_clf = StandardScaler().fit_transform(X_clf)
X_reg, y_reg = make_regression(n_samples=200, n_features=4, noise=1, random_state=0)
y_reg = y_reg / y_reg.std()

FAST = dict(hidden_layer_sizes=(16,), learning_rate=0.01, batch_size=32)


def _set_weights(module, weights):
    with torch.no_grad():
        for name, value in weights.items():
            module.get_parameter(name).copy_(torch.tensor(value))


def test_forward_pass_equals_hand_computation():
    X = np.array([[1.0, -2.0], [0.5, 3.0]])
    W1 = np.array([[1.0, 0.5], [-1.0, 2.0], [0.0, 1.0]])  # (hidden, in)
    b1 = np.array([0.1, -0.2, 0.3])
    W2 = np.array([[1.0, -1.0, 0.5], [0.0, 2.0, -1.0]])  # (out, hidden)
    b2 = np.array([0.05, -0.05])
    weights = {
        "hidden.0.linear.weight": W1,
        "hidden.0.linear.bias": b1,
        "output.weight": W2,
        "output.bias": b2,
    }
    hidden = np.maximum(X @ W1.T + b1, 0)
    logits = hidden @ W2.T + b2
    clf = MLPClassifier((3,), max_epochs=1, random_state=0).fit(X, [0, 1])
    _set_weights(clf.net_.module_, {k: np.float32(v) for k, v in weights.items()})
    np.testing.assert_allclose(clf.predict_proba(X), softmax(logits, axis=1), rtol=1e-6)
    np.testing.assert_allclose(
        clf.decision_function(X), logits[:, 1] - logits[:, 0], rtol=1e-5
    )
    reg = MLPRegressor((3,), max_epochs=1, random_state=0).fit(X, np.zeros((2, 2)))
    _set_weights(reg.net_.module_, {k: np.float32(v) for k, v in weights.items()})
    np.testing.assert_allclose(reg.predict(X), logits, rtol=1e-5)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "gelu", "elu", "leaky_relu"])
def test_activations(activation):
    clf = MLPClassifier(activation=activation, max_epochs=30, random_state=0, **FAST)
    assert clf.fit(X_clf, y_clf).score(X_clf, y_clf) > 0.7


def test_dropout_and_batch_norm_only_act_in_training():
    for options in (
        dict(dropout=0.5),
        dict(batch_norm="before"),
        dict(batch_norm="after"),
    ):
        clf = MLPClassifier(max_epochs=3, random_state=0, **FAST, **options)
        clf.fit(X_clf, y_clf)
        module = clf.net_.module_
        inputs = torch.tensor(X_clf[:50], dtype=torch.float32)
        module.train()
        with torch.no_grad():
            train_out = module(inputs)
        module.eval()
        with torch.no_grad():
            eval_out = module(inputs)
        assert not torch.allclose(train_out, eval_out), options
        # predictions run in float64, the module in float32
        np.testing.assert_allclose(
            clf.decision_function(X_clf[:50]), eval_out.numpy(), rtol=1e-4, atol=1e-5
        )
        np.testing.assert_array_equal(clf.predict(X_clf), clf.predict(X_clf))


def test_batch_norm_placement():
    before = MLPClassifier((4,), batch_norm="before", max_epochs=1).fit(X_clf, y_clf)
    after = MLPClassifier((4,), batch_norm="after", max_epochs=1).fit(X_clf, y_clf)
    block_before = before.net_.module_.hidden[0]
    block_after = after.net_.module_.hidden[0]
    assert block_before.norm_before is not None and block_before.norm_after is None
    assert block_after.norm_after is not None and block_after.norm_before is None


class _ScriptedValidation(Callback):
    """Replaces the validation loss by a script and keeps every epoch's weights."""

    def __init__(self, losses):
        self.losses = losses
        self.snapshots = []

    def on_epoch_end(self, net, **kwargs):
        epoch = len(net.history) - 1
        net.history.record("valid_loss", self.losses[epoch])
        self.snapshots.append(
            {k: v.clone() for k, v in net.module_.state_dict().items()}
        )


def test_early_stopping_on_a_scripted_validation_curve():
    # the reference is epoch 3 (0.4); 0.3999 at epoch 4 is not better by
    # min_delta = 0.001, so epochs 4..8 count five misses and training stops
    # after epoch 8; the lowest loss is still epoch 4's, whose weights return
    script = [1.0, 0.5, 0.4, 0.3999, 0.45, 0.5, 0.5, 0.5, 0.1, 0.1, 0.1, 0.1]
    recorder = _ScriptedValidation(script)
    clf = MLPClassifier(
        early_stopping=True,
        patience=5,
        min_delta=1e-3,
        max_epochs=12,
        callbacks=[recorder],
        random_state=0,
        **FAST,
    ).fit(X_clf, y_clf)
    assert clf.n_epochs_ == 8
    assert clf.best_epoch_ == 4
    np.testing.assert_allclose(clf.validation_loss_curve_, script[:8])
    restored = clf.net_.module_.state_dict()
    for name, value in recorder.snapshots[3].items():
        torch.testing.assert_close(restored[name], value, rtol=0, atol=0)
    assert not torch.equal(
        restored["output.weight"], recorder.snapshots[2]["output.weight"]
    )


def test_early_stopping_restores_a_late_small_improvement():
    # 0.30 at epoch 2 is the reference; the late 0.2995 (epoch 6) improves by
    # less than min_delta, so patience runs out after epoch 6, and the lowest
    # loss, epoch 6's, is what the model keeps
    script = [0.5, 0.30, 0.31, 0.32, 0.305, 0.2995, 0.4, 0.4]
    recorder = _ScriptedValidation(script)
    clf = MLPClassifier(
        early_stopping=True,
        patience=4,
        min_delta=1e-3,
        max_epochs=8,
        callbacks=[recorder],
        random_state=0,
        **FAST,
    ).fit(X_clf, y_clf)
    assert clf.n_epochs_ == 6
    assert clf.best_epoch_ == 6
    restored = clf.net_.module_.state_dict()
    for name, value in recorder.snapshots[5].items():
        torch.testing.assert_close(restored[name], value, rtol=0, atol=0)


def test_early_stopping_really_stops():
    X, y = load_digits(return_X_y=True)
    clf = MLPClassifier(early_stopping=True, max_epochs=300, random_state=0, **FAST)
    clf.fit(X / 16, y)
    assert clf.n_epochs_ < 300
    lowest = int(np.argmin(clf.validation_loss_curve_)) + 1
    assert clf.best_epoch_ == lowest >= clf.n_epochs_ - clf.patience


@pytest.mark.parametrize("schedule", ["time", "step", "exponential", "cosine"])
def test_schedules_follow_their_formula(schedule):
    params = dict(lr_schedule=schedule, lr_decay=0.3, lr_step_size=2, max_epochs=7)
    clf = MLPClassifier((4,), learning_rate=0.05, random_state=0, **params)
    clf.fit(X_clf, y_clf)
    recorded = clf.net_.history[:, "lr"]
    expected = {
        "time": [0.05 / (1 + 0.3 * t) for t in range(7)],
        "step": [0.05 * 0.3 ** (t // 2) for t in range(7)],
        "exponential": [0.05 * np.exp(-0.3 * t) for t in range(7)],
        "cosine": [0.05 * (1 + np.cos(np.pi * t / 7)) / 2 for t in range(7)],
    }[schedule]
    np.testing.assert_allclose(recorded, expected)
    np.testing.assert_allclose(
        [
            learning_rate_at(schedule, t, 0.05, decay=0.3, step_size=2, max_epochs=7)
            for t in range(7)
        ],
        expected,
    )
    assert clf.net_.optimizer_.param_groups[0]["lr"] == pytest.approx(expected[-1])


def test_l1_adds_lambda_times_sum_of_absolute_weights():
    clf = MLPClassifier((8,), l1=0.01, max_epochs=2, random_state=0).fit(X_clf, y_clf)
    net = clf.net_
    X = torch.tensor(X_clf, dtype=torch.float32)
    target = (torch.tensor(y_clf), torch.ones(len(y_clf)))
    y_pred = net.module_(X)
    with_l1 = net.get_loss(y_pred, target, training=True)
    without = net.get_loss(y_pred, target, training=False)
    module = net.module_
    penalty = (
        module.hidden[0].linear.weight.abs().sum() + module.output.weight.abs().sum()
    )
    torch.testing.assert_close(with_l1 - without, 0.01 * penalty)


def test_weight_decay_shrinks_weights():
    plain = MLPClassifier(max_epochs=30, random_state=0, **FAST).fit(X_clf, y_clf)
    decayed = MLPClassifier(
        max_epochs=30, weight_decay=0.5, random_state=0, **FAST
    ).fit(X_clf, y_clf)
    norm = lambda clf: float(clf.net_.module_.output.weight.detach().norm())  # noqa: E731
    assert norm(decayed) < norm(plain)


@pytest.mark.parametrize(
    "optimizer", ["sgd", "rmsprop", "adam", "adamw", "adagrad", "adadelta"]
)
def test_optimizers(optimizer):
    lr = 1.0 if optimizer == "adadelta" else 0.01
    clf = MLPClassifier(
        (16,),
        optimizer=optimizer,
        learning_rate=lr,
        max_epochs=40,
        batch_size=32,
        random_state=0,
    ).fit(X_clf, y_clf)
    assert type(clf.net_.optimizer_).__name__.lower() == optimizer
    assert clf.score(X_clf, y_clf) > 0.7


def test_sgd_nesterov_and_bad_combination():
    clf = MLPClassifier(optimizer="sgd", nesterov=True, max_epochs=2, **FAST)
    clf.fit(X_clf, y_clf)
    assert clf.net_.optimizer_.param_groups[0]["nesterov"]
    with pytest.raises(ValueError, match="nesterov"):
        MLPClassifier(nesterov=True, max_epochs=1).fit(X_clf, y_clf)


def test_nan_loss_stops_with_a_clear_error():
    reg = MLPRegressor(
        optimizer="sgd",
        learning_rate=1e6,
        max_epochs=50,
        **{k: v for k, v in FAST.items() if k != "learning_rate"},
    )
    with pytest.raises(
        ValueError, match=r"training loss became (nan|inf) at epoch \d+"
    ):
        reg.fit(X_reg, y_reg * 1e3)


def test_same_seed_bit_identical_other_seed_differs():
    fits = [
        MLPClassifier(dropout=0.2, max_epochs=5, random_state=s, **FAST).fit(
            X_clf, y_clf
        )
        for s in (0, 0, 1)
    ]
    np.testing.assert_array_equal(
        fits[0].predict_proba(X_clf), fits[1].predict_proba(X_clf)
    )
    assert not np.array_equal(
        fits[0].predict_proba(X_clf), fits[2].predict_proba(X_clf)
    )


def test_zero_sample_weight_is_removal():
    w = np.ones(len(y_clf))
    w[::3] = 0
    weighted = MLPClassifier(max_epochs=5, random_state=0, **FAST)
    weighted.fit(X_clf, y_clf, sample_weight=w)
    removed = MLPClassifier(max_epochs=5, random_state=0, **FAST)
    removed.fit(X_clf[w > 0], y_clf[w > 0])
    np.testing.assert_array_equal(
        weighted.predict_proba(X_clf), removed.predict_proba(X_clf)
    )


def test_weighted_loss_formula():
    clf = MLPClassifier((4,), max_epochs=1, random_state=0).fit(X_clf, y_clf)
    X = torch.tensor(X_clf[:10], dtype=torch.float32)
    y = torch.tensor(y_clf[:10])
    w = torch.arange(1.0, 11.0)
    y_pred = clf.net_.module_(X)
    per_sample = torch.nn.functional.cross_entropy(y_pred, y, reduction="none")
    torch.testing.assert_close(
        clf.net_.get_loss(y_pred, (y, w)), (per_sample * w).sum() / w.sum()
    )


def test_inside_adaboost_with_sample_weight():
    boosted = AdaBoostClassifier(
        MLPClassifier(
            (8,),
            max_epochs=10,
            **{k: v for k, v in FAST.items() if k != "hidden_layer_sizes"},
        ),
        n_estimators=3,
        random_state=0,
    ).fit(X_clf, y_clf)
    assert len(boosted.estimators_) == 3
    assert boosted.score(X_clf, y_clf) > 0.6


def test_warm_start_continues_training():
    clf = MLPClassifier(max_epochs=5, warm_start=True, random_state=0, **FAST)
    clf.fit(X_clf, y_clf)
    first = clf.loss_curve_[-1]
    clf.fit(X_clf, y_clf)
    assert clf.n_epochs_ == 10
    assert clf.loss_curve_[-1] < first
    cold = MLPClassifier(max_epochs=5, random_state=0, **FAST).fit(X_clf, y_clf)
    cold.fit(X_clf, y_clf)
    assert cold.n_epochs_ == 5


def test_partial_fit_one_epoch_at_a_time():
    clf = MLPClassifier(random_state=0, **FAST)
    clf.partial_fit(X_clf[:50], y_clf[:50], classes=[0, 1, 2])
    clf.partial_fit(X_clf[50:], y_clf[50:])
    assert clf.n_epochs_ == 2
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    with pytest.raises(ValueError, match="not seen"):
        clf.partial_fit(X_clf[:5], [0, 1, 2, 3, 3])


def test_init_from_and_freeze_first_layer():
    source = MLPClassifier((16, 8), max_epochs=10, random_state=0, learning_rate=0.01)
    source.fit(X_clf, y_clf)
    tuned = MLPClassifier(
        (16, 8),
        init_from=source,
        freeze=1,
        max_epochs=5,
        learning_rate=0.01,
        random_state=1,
    ).fit(X_clf, (y_clf + 1) % 3)
    before = source.net_.module_.state_dict()
    after = tuned.net_.module_.state_dict()
    assert tuned.frozen_ == ["hidden.0"]
    torch.testing.assert_close(
        after["hidden.0.linear.weight"], before["hidden.0.linear.weight"]
    )
    assert not torch.equal(
        after["hidden.1.linear.weight"], before["hidden.1.linear.weight"]
    )
    named = MLPClassifier(
        (16, 8),
        init_from=source,
        freeze=["hidden.1", "output"],
        max_epochs=2,
        random_state=1,
    ).fit(X_clf, y_clf)
    torch.testing.assert_close(
        named.net_.module_.state_dict()["output.weight"], before["output.weight"]
    )
    with pytest.raises(ValueError, match="same feature extractor"):
        MLPClassifier((4,), init_from=source, max_epochs=1).fit(X_clf, y_clf)
    with pytest.raises(ValueError, match="do not exist"):
        MLPClassifier((16, 8), freeze=["nope"], max_epochs=1).fit(X_clf, y_clf)


def test_multilabel_and_multioutput():
    Y = np.column_stack([y_clf == 0, y_clf == 1, X_clf[:, 0] > 0]).astype(int)
    clf = MLPClassifier(max_epochs=60, random_state=0, **FAST).fit(X_clf, Y)
    assert clf.predict(X_clf).shape == Y.shape
    assert clf.predict_proba(X_clf).shape == Y.shape
    assert (clf.predict(X_clf) == Y).mean() > 0.85
    Y_reg = np.column_stack([y_reg, -y_reg])
    reg = MLPRegressor(max_epochs=60, random_state=0, **FAST).fit(X_reg, Y_reg)
    assert reg.predict(X_reg).shape == (200, 2)
    assert reg.score(X_reg, Y_reg) > 0.8


def test_verbose_prints_epoch_table():
    out = io.StringIO()
    with redirect_stdout(out):
        MLPClassifier(max_epochs=3, verbose=1, random_state=0, **FAST).fit(X_clf, y_clf)
    text = out.getvalue()
    assert "train_loss" in text
    assert len(re.findall(r"^\s+\d+\s", text, flags=re.M)) == 3


def test_digits_accuracy():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X / 16, y, random_state=0)
    clf = MLPClassifier((128,), batch_size=64, max_epochs=30, random_state=0)
    assert clf.fit(X_train, y_train).score(X_test, y_test) > 0.95


def test_bad_input():
    with pytest.raises(ValueError, match="could not convert|numeric"):
        MLPClassifier(max_epochs=1).fit(np.array([["a", "b"], ["c", "d"]]), [0, 1])
    with pytest.raises(ValueError, match="NaN"):
        MLPClassifier(max_epochs=1).fit([[np.nan, 1.0], [1.0, 2.0]], [0, 1])
    with pytest.raises(ValueError, match="at least 2 classes"):
        MLPClassifier(max_epochs=1).fit(X_clf, np.zeros(len(X_clf)))
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        MLPClassifier((4, 0), max_epochs=1).fit(X_clf, y_clf)
    with pytest.raises(ValueError, match="learning_rate"):
        MLPClassifier(learning_rate=-1).fit(X_clf, y_clf)
    clf = MLPClassifier(max_epochs=1).fit(X_clf, y_clf)
    with pytest.raises(ValueError, match="6 features"):
        clf.predict(X_clf[:, :3])
    with pytest.raises(ValueError, match="early_stopping needs"):
        MLPClassifier(early_stopping=True, validation_fraction=0.01, max_epochs=1).fit(
            X_clf[:20], y_clf[:20]
        )


def test_verbose_two_adds_a_progress_bar(capsys):
    clf = MLPClassifier(max_epochs=2, verbose=2, random_state=0, **FAST)
    clf.fit(X_clf, y_clf)
    names = [name for name, _ in clf.net_.callbacks_]
    assert "progress" in names and "print_log" in names
    silent = MLPClassifier(max_epochs=2, verbose=0, random_state=0, **FAST)
    silent.fit(X_clf, y_clf)
    assert "print_log" not in [name for name, _ in silent.net_.callbacks_]


def test_device_choice():
    clf = MLPClassifier(max_epochs=1, device="auto", **FAST).fit(X_clf, y_clf)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert clf.net_.device == expected
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="CUDA is not available"):
            MLPClassifier(max_epochs=1, device="cuda").fit(X_clf, y_clf)


# -- sparse input, the Poisson loss, pickling an early-stopped fit ---------------


def test_sparse_input_trains_and_predicts_as_the_dense_matrix():
    import scipy.sparse as sp

    X = np.where(np.abs(X_clf) < 0.8, 0.0, X_clf)
    params = dict(FAST, max_epochs=4, random_state=0)
    dense = MLPClassifier(**params).fit(X, y_clf)
    for layout in (sp.csr_matrix, sp.csc_matrix, sp.coo_array):
        sparse = MLPClassifier(**params).fit(layout(X), y_clf)
        np.testing.assert_array_equal(sparse.loss_curve_, dense.loss_curve_)
        np.testing.assert_allclose(
            sparse.predict_proba(layout(X)), dense.predict_proba(X), rtol=1e-12
        )
        np.testing.assert_allclose(sparse.transform(layout(X)), dense.transform(X))
    stopped = MLPClassifier(**params, early_stopping=True).fit(sp.csr_matrix(X), y_clf)
    assert len(stopped.validation_loss_curve_) == len(stopped.loss_curve_)


def test_tfidf_features_into_an_mlp():
    from sklearn.pipeline import make_pipeline

    from ml2learn.text import TfidfVectorizer

    def documents(numbers):
        cats = [f"the cat sat on mat number {i}" for i in numbers]
        stocks = [f"stocks fell as markets closed lower day {i}" for i in numbers]
        return cats + stocks, np.repeat([0, 1], len(numbers))

    texts, y = documents(range(30))
    pipe = make_pipeline(
        TfidfVectorizer(), MLPClassifier(**FAST, max_epochs=20, random_state=0)
    )
    unseen, y_unseen = documents(range(90, 95))
    assert pipe.fit(texts, y).score(unseen, y_unseen) == 1.0


def test_poisson_loss_is_the_deviance_through_a_log_link():
    reg = MLPRegressor(loss="poisson")
    criterion = reg._make_criterion()
    f = torch.tensor([[0.3], [-1.2], [2.0]])
    z = torch.tensor([[1.0], [0.0], [4.0]])
    np.testing.assert_allclose(
        criterion(f, z).numpy(), (torch.exp(f) - z * f).numpy(), rtol=1e-6
    )
    with pytest.raises(ValueError, match="non-negative targets"):
        reg.fit(X_reg, y_reg)


def test_poisson_loss_fits_counts_better_than_the_squared_error():
    from sklearn.metrics import mean_poisson_deviance

    rng = np.random.RandomState(0)
    X = rng.randn(1500, 3)
    mu = 20 * np.exp(0.8 * X[:, 0] - 0.5 * X[:, 1] ** 2 + 1.0)
    y = rng.poisson(mu).astype(float)
    params = dict(hidden_layer_sizes=(32,), learning_rate=3e-3, max_epochs=30)
    poisson = MLPRegressor(loss="poisson", **params, random_state=0).fit(
        X[:1000], y[:1000]
    )
    assert poisson.y_mean_ == 0 and poisson.y_scale_ == pytest.approx(y[:1000].mean())
    predicted = poisson.predict(X[1000:])
    assert predicted.min() > 0
    deviance = mean_poisson_deviance(y[1000:], predicted)
    # the true means reach 1.03, this fit 1.69 (a short training); the
    # squared error with negative predictions clipped 5 to 6
    assert deviance < 2.0 * mean_poisson_deviance(y[1000:], mu[1000:])
    squared = MLPRegressor(**params, random_state=0).fit(X[:1000], y[:1000])
    clipped = np.clip(squared.predict(X[1000:]), 1e-9, None)
    assert deviance < mean_poisson_deviance(y[1000:], clipped) / 2


def test_an_early_stopped_fit_pickles():
    import pickle

    clf = MLPClassifier(**FAST, max_epochs=3, early_stopping=True, random_state=0)
    clf.fit(X_clf, y_clf)
    loaded = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(loaded.predict_proba(X_clf), clf.predict_proba(X_clf))


class _Threads(Callback):
    """The torch threads each training batch ran with."""

    def initialize(self):
        self.seen = set()
        return self

    def on_batch_begin(self, net, **kwargs):
        self.seen.add(torch.get_num_threads())


@pytest.mark.parametrize(
    "hidden, threads_in_training",
    [((16,), 1), ((512, 512), 2)],  # 32 x 6.5k and 32 x 0.27M multiply-adds
)
def test_small_batches_train_on_one_thread(hidden, threads_in_training):
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        seen = _Threads()
        MLPClassifier(hidden, max_epochs=1, batch_size=32, callbacks=[seen]).fit(
            X_clf, y_clf
        )
        assert seen.seen == {threads_in_training}
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_one_thread_or_two_train_the_same_small_network(monkeypatch):
    # so the one-thread rule changes the speed only, not the weights
    monkeypatch.setattr(MLPClassifier, "_training_threads", lambda *args: None)
    weights = []
    before = torch.get_num_threads()
    try:
        for threads in (1, 2):
            torch.set_num_threads(threads)
            clf = MLPClassifier((64,), max_epochs=2, random_state=0, batch_size=64)
            clf.fit(X_clf, y_clf)
            weights.append([p.detach().clone() for p in clf.net_.module_.parameters()])
    finally:
        torch.set_num_threads(before)
    for a, b in zip(*weights):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
