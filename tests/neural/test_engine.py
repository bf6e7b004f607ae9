"""The training engine every neural estimator shares: warm starts that honour
changed settings, reproducible continuations, interrupts, schedules,
clipping, initialisation, gradient records and the declared parameters."""

import inspect
import math
import pickle

import numpy as np
import pytest
import torch
from numpydoc.docscrape import ClassDoc
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.utils.validation import check_is_fitted
from skorch.callbacks import Callback, EarlyStopping

from ml2learn import all_estimators
from ml2learn.adaptation import DANNClassifier
from ml2learn.neural import (
    CNNClassifier,
    CNNRegressor,
    MLPClassifier,
    MLPRegressor,
    RNNClassifier,
    RNNRegressor,
    TransformerClassifier,
    TransformerRegressor,
)
from ml2learn.neural._base import BaseNeuralEstimator
from ml2learn.neural._callbacks import GradientClipping
from ml2learn.neural._training_params import TRAINING_PARAMETERS, _default_text

X, y = make_classification(
    n_samples=120, n_features=6, n_informative=4, n_classes=3, random_state=0
)
X = X.astype(np.float32)
FAST = dict(hidden_layer_sizes=(16,), learning_rate=0.01, batch_size=32)

NEURAL = [
    (name, cls)
    for name, cls in all_estimators()
    if issubclass(cls, BaseNeuralEstimator)
]
# the per-architecture choices a family may default differently
FAMILY_DEFAULTS = {"optimizer", "learning_rate", "max_epochs", "batch_size"}


class _Record(Callback):
    """Remembers what every epoch and batch saw."""

    def initialize(self):
        self.epochs, self.batches = 0, []
        return self

    def on_epoch_end(self, net, **kwargs):
        self.epochs += 1

    def on_batch_begin(self, net, batch=None, training=False, **kwargs):
        if training:
            self.batches.append(batch[0])


class _Interrupt(Callback):
    """Presses Ctrl-C at the end of epoch ``at``."""

    def __init__(self, at=2):
        self.at = at

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == self.at:
            raise KeyboardInterrupt


# -- warm start and partial_fit ----------------------------------------------


def test_warm_start_runs_the_new_number_of_epochs():
    clf = MLPClassifier(max_epochs=3, warm_start=True, random_state=0, **FAST)
    clf.fit(X, y)
    clf.set_params(max_epochs=5).fit(X, y)
    assert clf.n_epochs_ == 8
    assert len(clf.loss_curve_) == 8


def test_warm_start_honours_a_new_optimizer_and_its_settings():
    clf = MLPClassifier(max_epochs=2, warm_start=True, random_state=0, **FAST)
    clf.fit(X, y)
    weights = clf.net_.module_.output.weight.detach().clone()
    recorder = _Record()
    clf.set_params(
        optimizer="sgd",
        learning_rate=0.05,
        momentum=0.5,
        weight_decay=0.01,
        batch_size=20,
        callbacks=[recorder],
        max_epochs=2,
    ).fit(X, y)
    optimizer = clf.net_.optimizer_
    assert isinstance(optimizer, torch.optim.SGD)
    group = optimizer.param_groups[0]
    assert (group["lr"], group["momentum"], group["weight_decay"]) == (
        0.05,
        0.5,
        0.01,
    )
    assert clf.net_.batch_size == 20
    assert recorder.epochs == 2 and len(recorder.batches[0]) == 20
    # the weights went on from where they were, not from a new network
    assert clf.n_epochs_ == 4
    assert not torch.equal(clf.net_.module_.output.weight, weights)


def test_warm_start_starts_a_new_schedule():
    clf = MLPClassifier(
        max_epochs=3, lr_schedule="exponential", warm_start=True, random_state=0, **FAST
    )
    clf.fit(X, y)
    clf.set_params(learning_rate=0.02, lr_decay=0.5).fit(X, y)
    lr = clf.net_.history[:, "lr"]
    np.testing.assert_allclose(lr[:3], 0.01 * np.exp(-0.1 * np.arange(3)))
    np.testing.assert_allclose(lr[3:], 0.02 * np.exp(-0.5 * np.arange(3)))


def test_warm_start_keeps_adam_state_when_the_optimizer_is_unchanged():
    clf = MLPClassifier(max_epochs=2, warm_start=True, random_state=0, **FAST)
    clf.fit(X, y)

    def steps():
        state = clf.net_.optimizer_.state_dict()["state"].values()
        return [float(s["step"]) for s in state]

    first = steps()
    clf.fit(X, y)
    assert steps() == [2 * s for s in first]
    clf.set_params(optimizer="rmsprop").fit(X, y)  # a new optimizer starts anew
    assert steps() == first


def test_partial_fit_runs_one_epoch_and_leaves_the_parameters_alone():
    clf = MLPClassifier(max_epochs=50, random_state=0, **FAST)
    before = clf.get_params()
    clf.partial_fit(X, y)
    clf.partial_fit(X, y)
    assert clf.n_epochs_ == 2
    assert clf.get_params() == before
    assert clf.warm_start is False


def test_partial_fit_continues_its_schedule():
    clf = MLPClassifier(lr_schedule="step", lr_decay=0.5, lr_step_size=1, **FAST)
    for _ in range(3):
        clf.partial_fit(X, y)
    np.testing.assert_allclose(clf.net_.history[:, "lr"], [0.01, 0.005, 0.0025])


@pytest.mark.parametrize(
    "make",
    [
        lambda: MLPClassifier(dropout=0.3, max_epochs=2, random_state=0, **FAST),
        lambda: TransformerClassifier(
            8, 2, num_layers=1, max_epochs=2, batch_size=32, random_state=0
        ),
    ],
    ids=["MLP with dropout", "transformer"],
)
def test_two_warm_continuations_of_one_state_are_bit_identical(make):
    clf = make().set_params(warm_start=True).fit(X, y)
    state = pickle.dumps(clf)
    first, second = pickle.loads(state), pickle.loads(state)
    first.fit(X, y)
    second.fit(X, y)
    for (name, a), b in zip(
        first.net_.module_.state_dict().items(),
        second.net_.module_.state_dict().values(),
    ):
        assert torch.equal(a, b), name
    np.testing.assert_array_equal(first.loss_curve_, second.loss_curve_)
    third, fourth = pickle.loads(state), pickle.loads(state)
    third.partial_fit(X, y)
    fourth.partial_fit(X, y)
    np.testing.assert_array_equal(third.predict_proba(X), fourth.predict_proba(X))
    # a continuation is not the first fit replayed: its batches differ
    assert first.loss_curve_[2] != first.loss_curve_[0]


# -- interrupts ---------------------------------------------------------------


def test_ctrl_c_propagates_and_leaves_the_estimator_unfitted():
    clf = MLPClassifier(max_epochs=10, callbacks=[_Interrupt(2)], **FAST)
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, y)
    with pytest.raises(NotFittedError):
        check_is_fitted(clf)
    warm = MLPClassifier(max_epochs=2, warm_start=True, random_state=0, **FAST)
    warm.fit(X, y)
    warm.set_params(callbacks=[_Interrupt(3)])
    with pytest.raises(KeyboardInterrupt):
        warm.fit(X, y)
    with pytest.raises(NotFittedError):
        warm.predict(X)


def test_a_bad_setting_for_a_continuation_keeps_the_fitted_model():
    clf = MLPClassifier(max_epochs=2, warm_start=True, random_state=0, **FAST)
    proba = clf.fit(X, y).predict_proba(X)
    clf.set_params(nesterov=True)  # needs optimizer="sgd"
    with pytest.raises(ValueError, match="nesterov"):
        clf.fit(X, y)
    np.testing.assert_array_equal(clf.predict_proba(X), proba)
    assert clf.n_epochs_ == 2


def test_ctrl_c_stops_a_grid_search():
    search = GridSearchCV(
        MLPClassifier(max_epochs=5, callbacks=[_Interrupt(1)], **FAST),
        {"learning_rate": [0.01, 0.02]},
        cv=2,
    )
    with pytest.raises(KeyboardInterrupt):
        search.fit(X, y)


def test_skorchs_own_early_stopping_still_ends_training_quietly():
    script = iter([1.0, 0.9, 0.95, 0.96, 0.97, 0.98])

    class Scripted(Callback):
        def on_epoch_end(self, net, **kwargs):
            net.history.record("valid_loss", next(script))

    stopper = EarlyStopping(patience=2, sink=lambda *args: None)
    clf = MLPClassifier(max_epochs=6, callbacks=[Scripted(), stopper], **FAST)
    clf.fit(X, y)
    assert clf.n_epochs_ == 4


def test_nan_loss_leaves_the_estimator_unfitted():
    clf = MLPRegressor((8,), learning_rate=1e30, optimizer="sgd", max_epochs=5)
    with pytest.raises(ValueError, match="training loss became"):
        clf.fit(X, 1e20 * X[:, 0])
    with pytest.raises(NotFittedError):
        check_is_fitted(clf)


# -- schedules, clipping, initialisation, gradient norms ---------------------


def test_the_notes_keras_schedule_holds_then_decays():
    clf = MLPClassifier(
        max_epochs=6, lr_schedule="hold_exponential", lr_step_size=3, **FAST
    ).fit(X, y)
    expected = 0.01 * np.exp(-0.1 * np.array([0, 0, 0, 1, 2, 3]))
    np.testing.assert_allclose(clf.net_.history[:, "lr"], expected)


def test_a_callable_schedule_gives_the_rate_itself():
    clf = MLPClassifier(
        max_epochs=4, lr_schedule=lambda t, eta: eta / (t + 1), **FAST
    ).fit(X, y)
    np.testing.assert_allclose(clf.net_.history[:, "lr"], 0.01 / np.arange(1, 5))
    with pytest.raises(ValueError, match="positive finite"):
        MLPClassifier(max_epochs=1, lr_schedule=lambda t, eta: -1.0).fit(X, y)


def test_clipping_by_norm_bounds_the_recorded_norm():
    common = dict(max_epochs=3, record_gradient_norms=True, random_state=0, **FAST)
    free = MLPClassifier(**common).fit(X, y)
    clipped = MLPClassifier(gradient_clip_norm=0.05, **common).fit(X, y)
    assert min(free.net_.history[:, "gradient_norm"]) > 0.05
    assert max(clipped.net_.history[:, "gradient_norm"]) <= 0.05 + 1e-6


def test_clipping_by_value_bounds_every_component():
    p = torch.nn.Parameter(torch.zeros(4))
    p.grad = torch.tensor([3.0, -0.2, -5.0, 0.1])
    GradientClipping(value=0.5).on_grad_computed(None, [("w", p)])
    assert p.grad.tolist() == pytest.approx([0.5, -0.2, -0.5, 0.1])
    GradientClipping(max_norm=0.1).on_grad_computed(None, [("w", p)])
    assert float(p.grad.norm()) == pytest.approx(0.1, rel=1e-5)


@pytest.mark.parametrize(
    "scheme, variance",
    [
        ("glorot_uniform", 2 / (400 + 300)),
        ("glorot_normal", 2 / (400 + 300)),
        ("he_uniform", 2 / 400),
        ("he_normal", 2 / 400),
    ],
)
def test_each_initialiser_gives_its_variance(scheme, variance):
    data = np.random.RandomState(0).rand(8, 400).astype(np.float32)
    clf = MLPClassifier(
        (300,), weight_init=scheme, max_epochs=1, learning_rate=1e-12, random_state=0
    ).fit(data, np.arange(8) % 2)
    layer = clf.net_.module_.hidden[0].linear
    weights = layer.weight.detach().double()
    assert float(weights.var()) == pytest.approx(variance, rel=0.03)
    assert float(layer.bias.detach().abs().max()) < 1e-9
    if scheme.endswith("uniform"):
        assert float(weights.abs().max()) <= math.sqrt(3 * variance)


def test_gradient_norms_show_the_vanishing_gradient():
    # the notes: through five sigmoid layers the first layer's gradient is
    # orders of magnitude smaller than with ReLU
    digits_X, digits_y = load_digits(return_X_y=True)
    norms = {}
    for activation in ("sigmoid", "relu"):
        clf = MLPClassifier(
            (32,) * 5,
            activation=activation,
            weight_init="glorot_uniform",
            optimizer="sgd",
            learning_rate=0.01,
            max_epochs=2,
            record_gradient_norms=True,
            random_state=0,
        ).fit(digits_X[:500] / 16, digits_y[:500])
        norms[activation] = clf.gradient_norms_
        assert set(clf.gradient_norms_) >= {"hidden.0.linear.weight", "output.weight"}
    first = "hidden.0.linear.weight"
    assert norms["sigmoid"][first][0] < norms["relu"][first][0] / 100
    sigmoid_drop = norms["sigmoid"]["hidden.4.linear.weight"] / norms["sigmoid"][first]
    assert sigmoid_drop[0] > 100  # the last hidden layer learns 100x faster


class _BatchHooks(Callback):
    """Counts the batch hooks it overrides; the others are skorch's no-ops."""

    def initialize(self):
        self.calls = {"on_batch_end": 0, "on_grad_computed": 0}
        return self

    def on_batch_end(self, net, training=False, **kwargs):
        self.calls["on_batch_end"] += training

    def on_grad_computed(self, net, named_parameters, **kwargs):
        self.calls["on_grad_computed"] += 1
        assert all(p.grad is not None for _, p in named_parameters)


def test_each_batch_is_recorded_and_reaches_the_hooks_that_listen():
    hooks = _BatchHooks()
    clf = MLPClassifier(max_epochs=2, callbacks=[hooks], **{**FAST, "batch_size": 50})
    clf.fit(X, y)  # 120 rows: batches of 50, 50 and 20
    for epoch in clf.net_.history:
        assert [b["train_batch_size"] for b in epoch["batches"]] == [50, 50, 20]
        assert all(np.isfinite(b["train_loss"]) for b in epoch["batches"])
        assert epoch["train_batch_count"] == 3
    assert hooks.calls == {"on_batch_end": 6, "on_grad_computed": 6}
    # the epoch's loss is the size-weighted mean of its batches' (skorch's)
    last = clf.net_.history[-1]
    sizes = [b["train_batch_size"] for b in last["batches"]]
    losses = [b["train_loss"] for b in last["batches"]]
    assert last["train_loss"] == pytest.approx(np.average(losses, weights=sizes))


def test_token_ids_stay_integers_end_to_end():
    tokens = np.random.RandomState(0).randint(1, 6, size=(60, 5))
    recorder = _Record()
    clf = RNNClassifier(
        hidden_size=8, embedding_dim=4, max_epochs=1, callbacks=[recorder]
    ).fit(tokens, tokens[:, 0] > 3)
    assert recorder.batches[0].dtype == torch.int64
    assert clf.predict(tokens[:3]).shape == (3,)


# -- the declared parameters --------------------------------------------------


@pytest.mark.parametrize("name, cls", NEURAL, ids=[n for n, _ in NEURAL])
def test_every_neural_estimator_takes_and_documents_the_training_parameters(name, cls):
    signature = inspect.signature(cls.__init__).parameters
    documented = {p.name: p for p in ClassDoc(cls)["Parameters"]}
    assert set(cls.training_parameter_names) <= set(cls._parameter_constraints)
    for parameter in cls.training_parameter_names:
        assert parameter in signature, parameter
        default = signature[parameter].default
        if parameter not in FAMILY_DEFAULTS:
            assert default == TRAINING_PARAMETERS[parameter].default, parameter
        assert f"default={_default_text(default)}" in documented[parameter].type
        assert parameter in documented, parameter
        assert documented[parameter].desc, parameter


def test_the_shared_set_is_the_same_for_every_supervised_family():
    names = {
        cls: set(cls.training_parameter_names) - {"accelerator", "feature_layer"}
        for _, cls in NEURAL
    }
    assert len({frozenset(v) for v in names.values()}) == 1


class _PoisonWeights(Callback):
    def on_epoch_end(self, net, **kwargs):
        with torch.no_grad():
            net.module_.output.weight[0, 0] = float("nan")


def test_weights_that_overflow_stop_training_even_with_a_finite_loss():
    clf = MLPClassifier(max_epochs=3, callbacks=[_PoisonWeights()], **FAST)
    with pytest.raises(ValueError, match="'output.weight' became NaN"):
        clf.fit(X, y)
    with pytest.raises(NotFittedError):
        check_is_fitted(clf)


def test_a_diverging_gan_stops_with_an_error():
    from ml2learn.generative import GAN

    gan = GAN((8,), (8,), latent_dim=2, optimizer="sgd", learning_rate=1e3)
    with pytest.raises(ValueError, match="became"):
        gan.fit(np.random.RandomState(0).normal(size=(64, 2)))


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: MLPClassifier((0,)), "hidden_layer_sizes must hold positive"),
        (lambda: MLPClassifier(callbacks=["bogus"]), "callbacks"),
        (lambda: MLPClassifier((4, 4), freeze=5), "freeze=5"),
        (lambda: MLPClassifier((4, 4), freeze=3), "freezes every layer"),
        (lambda: CNNClassifier(filters=(0,)), "filters must hold positive"),
        (lambda: CNNClassifier(filters=()), "filters must hold at least one"),
        (lambda: CNNClassifier(dense_layer_sizes=(0,)), "dense_layer_sizes"),
        (lambda: CNNClassifier(augment={"shift": -1}), "augment\\['shift'\\]"),
        (lambda: CNNClassifier(augment={"noise": -1.0}), "augment\\['noise'\\]"),
        (lambda: DANNClassifier((0,)), "feature_layer_sizes must hold positive"),
        (lambda: DANNClassifier(domain_layer_sizes=(-2,)), "domain_layer_sizes"),
    ],
    ids=[
        "zero width",
        "not a callback",
        "freeze past the last layer",
        "freeze everything",
        "zero filters",
        "no filters",
        "zero dense width",
        "negative shift",
        "negative noise",
        "zero feature width",
        "negative domain width",
    ],
)
def test_bad_settings_name_the_parameter(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make().set_params(max_epochs=1).fit(X, y)


@pytest.mark.parametrize(
    "make",
    [
        lambda: MLPRegressor((16,), max_epochs=5, random_state=0),
        lambda: RNNRegressor("gru", 8, max_epochs=3, random_state=0),
    ],
    ids=["MLP", "RNN"],
)
def test_regressors_train_the_same_on_targets_of_any_scale(make):
    target = X[:, :3].sum(axis=1)
    small = make().fit(X, target)
    large = make().fit(X, 1e4 * target + 5e4)
    np.testing.assert_allclose(large.y_mean_, 1e4 * small.y_mean_ + 5e4)
    np.testing.assert_allclose(large.y_scale_, 1e4 * small.y_scale_)
    np.testing.assert_allclose(
        large.predict(X), 1e4 * small.predict(X) + 5e4, rtol=1e-5
    )
    assert large.score(X, 1e4 * target + 5e4) == pytest.approx(
        small.score(X, target), abs=1e-6
    )


@pytest.mark.parametrize(
    "cls",
    [MLPRegressor, CNNRegressor, RNNRegressor, TransformerRegressor],
    ids=lambda cls: cls.__name__,
)
def test_regressors_train_with_their_defaults(cls):
    # scikit-learn's own check (R^2 > 0.5 on its regression set), run on the
    # default estimator rather than the fast test settings of test_common
    from sklearn.utils.estimator_checks import check_regressors_train

    check_regressors_train(cls.__name__, cls())


@pytest.mark.parametrize(
    "make",
    [
        lambda: RNNClassifier(hidden_size=4, embedding_dim=8, max_epochs=1),
        lambda: TransformerClassifier(8, 2, token_input=True, max_epochs=1),
    ],
    ids=["RNN", "transformer"],
)
def test_a_huge_token_id_is_refused_before_allocating(make):
    tokens = np.random.RandomState(0).randint(1, 6, size=(20, 4))
    tokens[0, 0] = 10**9
    with pytest.raises(ValueError, match="token id 1000000000"):
        make().fit(tokens, np.arange(20) % 2)
    # an id that float32 holds, with a table that cannot fit: refused too
    wide = RNNClassifier(hidden_size=4, embedding_dim=2**16, max_epochs=1)
    tokens[0, 0] = 2**24 - 1
    with pytest.raises(ValueError, match="GiB"):
        wide.fit(tokens, np.arange(20) % 2)


@pytest.mark.parametrize("n_dims", [3, 4])
def test_zero_images_are_refused_by_name(n_dims):
    from ml2learn.neural import VisionTransformerClassifier

    images = np.zeros((0, 8, 8) if n_dims == 3 else (0, 1, 8, 8))
    for estimator in (CNNClassifier(max_epochs=1), VisionTransformerClassifier()):
        with pytest.raises(ValueError, match="X holds 0 images"):
            estimator.fit(images, np.zeros(0))


def test_the_epoch_table_has_colours_only_on_a_terminal(capsys, monkeypatch):
    from ml2learn.neural import MLPClassifier, _callbacks

    X, y = make_classification(60, 4, random_state=0)
    MLPClassifier(max_epochs=3, verbose=1, random_state=0).fit(X, y)
    plain = capsys.readouterr().out
    assert "\x1b[" not in plain and "*" in plain  # best values marked with *
    monkeypatch.setattr(_callbacks, "_colour_terminal", lambda: True)
    MLPClassifier(max_epochs=3, verbose=1, random_state=0).fit(X, y)
    coloured = capsys.readouterr().out
    assert "\x1b[" in coloured and "*" not in coloured


def test_a_gans_summed_loss_marks_no_best_epoch(capsys):
    from ml2learn.generative import GAN

    X = np.random.RandomState(0).normal(size=(100, 2))
    gan = GAN(max_epochs=3, verbose=1, random_state=0).fit(X)
    assert "train_loss_best" not in gan.net_.history[-1]
    assert "*" not in capsys.readouterr().out


def test_a_pickled_network_holds_its_weights_once():
    # skorch pickles module_ apart from the module it was given, the same
    # object: every saved model used to hold its weights twice
    X, y = make_classification(200, 20, random_state=0)
    mlp = MLPClassifier((256, 256), max_epochs=1, random_state=0).fit(X, y)
    weights = sum(p.numel() * 4 for p in mlp.net_.module_.parameters())
    saved = pickle.dumps(mlp)
    assert len(saved) < 3.5 * weights  # the weights and Adam's two moments
    loaded = pickle.loads(saved)
    assert loaded.net_.module is loaded.net_.module_
    np.testing.assert_array_equal(loaded.predict_proba(X), mlp.predict_proba(X))
    loaded.set_params(warm_start=True, max_epochs=1).fit(X, y)  # trains on


@pytest.mark.parametrize(
    "criterion, shape, target",
    [
        (torch.nn.CrossEntropyLoss(reduction="none"), (9, 4), torch.arange(9) % 4),
        (torch.nn.BCEWithLogitsLoss(reduction="none"), (9, 3), torch.rand(9, 3)),
        (torch.nn.MSELoss(reduction="none"), (9, 2), torch.randn(9, 2)),
        (torch.nn.PoissonNLLLoss(reduction="none"), (9, 1), torch.rand(9, 1) * 3),
        (  # a class-weighted mean would divide by the weights' sum instead
            torch.nn.CrossEntropyLoss(torch.rand(4), reduction="none"),
            (9, 4),
            torch.arange(9) % 4,
        ),
    ],
)
def test_the_batch_mean_is_the_mean_of_the_per_sample_losses(criterion, shape, target):
    from ml2learn.neural._nets import _batch_mean

    logits = torch.randn(*shape, requires_grad=True)
    mean = _batch_mean(criterion, logits, target)
    (gradient,) = torch.autograd.grad(mean, logits)
    per_sample = criterion(logits, target).reshape(shape[0], -1).mean(dim=1)
    (expected_gradient,) = torch.autograd.grad(per_sample.mean(), logits)
    torch.testing.assert_close(mean, per_sample.mean())
    torch.testing.assert_close(gradient, expected_gradient)
    assert criterion.reduction == "none"
    with pytest.raises((RuntimeError, ValueError)):  # a failing call
        _batch_mean(criterion, logits, target[:3])
    assert criterion.reduction == "none"


@pytest.mark.parametrize("n_rows", [1001, 1000, 7])
def test_batches_gathered_in_runs_are_the_batches_one_at_a_time(monkeypatch, n_rows):
    from ml2learn.neural import _nets

    generator = torch.Generator().manual_seed(0)
    dataset = _nets.TensorDataset(
        torch.randn(n_rows, 3, generator=generator),
        torch.arange(n_rows),
        torch.rand(n_rows, generator=generator),
    )

    def batches(gather_bytes):
        monkeypatch.setattr(_nets, "_GATHER_BYTES", gather_bytes)
        rng = np.random.RandomState(0)
        iterator = _nets.SliceIterator(dataset, 20, shuffle=True, rng=rng)
        return list(iterator), iterator._batches_per_gather()

    in_runs, run_length = batches(20 * 12 * 7)  # runs of 7 batches
    one_by_one, single = batches(1)
    assert (run_length, single) == (7, 1)
    assert (
        len(in_runs) == len(one_by_one) == len(_nets.SliceIterator(dataset, 20, True))
    )
    for (x, (t, w)), (x1, (t1, w1)) in zip(in_runs, one_by_one):
        torch.testing.assert_close(x, x1, rtol=0, atol=0)
        torch.testing.assert_close(t, t1, rtol=0, atol=0)
        torch.testing.assert_close(w, w1, rtol=0, atol=0)
    # every row once per epoch
    seen = torch.cat([t for _, (t, _) in in_runs])
    torch.testing.assert_close(seen.sort().values, torch.arange(n_rows))
