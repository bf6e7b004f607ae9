"""Training through Hugging Face Accelerate (the ``accelerator`` parameter):
the same fit as without it on one process, and, on two CPU processes
(gloo), data-parallel training whose averaged half-batch gradients equal the
full-batch gradient of one process."""

import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV
from sklearn.utils.estimator_checks import parametrize_with_checks

from ml2learn.adaptation import DANNClassifier
from ml2learn.datasets import make_dates
from ml2learn.neural import (
    CNNClassifier,
    LSTMClassifier,
    MLPClassifier,
    RNNLanguageModel,
    RNNTagger,
    Seq2SeqTranslator,
    TransformerRegressor,
)
from ml2learn.neural._nets import _share

accelerate = pytest.importorskip("accelerate")


# the one exception DESIGN.md permits (mini-batch training), as in
# tests/test_common.py
_MINI_BATCH = "sample_weight is not equivalent to removing/repeating samples."


class _CPUAccelerator(accelerate.Accelerator):
    """An accelerator whose repr does not hold its address, so that the
    test ids are the same in every pytest-xdist worker."""

    def __repr__(self):
        return "Accelerator(cpu=True)"


@parametrize_with_checks(
    [
        MLPClassifier(
            (16,), batch_size=16, learning_rate=0.01, max_epochs=40,
            accelerator=_CPUAccelerator(cpu=True),
        )
    ],
    expected_failed_checks=lambda est: {
        "check_sample_weight_equivalence_on_dense_data": _MINI_BATCH,
        "check_sample_weight_equivalence_on_sparse_data": _MINI_BATCH,
    },
)  # fmt: skip
def test_sklearn_checks_pass_with_an_accelerator(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def accelerator():
    return accelerate.Accelerator(cpu=True)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:300] / 16, y[:300]


def _fits(accelerator, digits):
    X, y = digits
    texts = ["in the beginning", "god created the heaven", "and the earth"] * 4
    words, iso = make_dates(60, random_state=0)
    small = dict(max_epochs=2, random_state=0, accelerator=accelerator)
    return [
        (MLPClassifier((16,), **small), (X, y), "predict_proba", X),
        (CNNClassifier((4,), image_shape=(8, 8), **small), (X, y), "predict_proba", X),
        (LSTMClassifier(hidden_size=8, **small), (X, y), "predict_proba", X),
        (TransformerRegressor(8, 2, num_layers=1, **small), (X, y), "predict", X),
        (RNNTagger(hidden_size=8, **small), (X[:, :16], X[:, :16] > 0.5),
         "predict", X[:, :16]),
        (RNNLanguageModel(hidden_size=8, **small), (texts,), "score", texts),
        (Seq2SeqTranslator(hidden_size=16, **small), (words, iso), "predict", words),
    ]  # fmt: skip


def test_one_process_fits_exactly_as_without(accelerator, digits):
    for (plain, data, method, X), (accelerated, *_) in zip(
        _fits(None, digits), _fits(accelerator, digits)
    ):
        plain.fit(*data)
        accelerated.fit(*data)
        assert type(accelerated.net_).__name__ == "AcceleratedNet"
        np.testing.assert_array_equal(
            getattr(accelerated, method)(X), getattr(plain, method)(X),
            err_msg=type(plain).__name__,
        )  # fmt: skip
        if hasattr(plain, "generate"):
            prompt = dict(max_new_tokens=4, temperature=0)
            assert accelerated.generate("in the", **prompt) == plain.generate(
                "in the", **prompt
            )


def test_pickled_clone_and_searched(accelerator, digits):
    X, y = digits
    model = MLPClassifier((16,), max_epochs=2, random_state=0, accelerator=accelerator)
    model.fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict_proba(X), model.predict_proba(X))
    assert restored.net_.device is None  # the accelerator still places
    # training goes on after loading, as it does on the original
    plain = MLPClassifier((16,), max_epochs=2, random_state=0).fit(X, y)
    restored.partial_fit(X, y)
    plain.partial_fit(X, y)
    np.testing.assert_array_equal(restored.predict_proba(X), plain.predict_proba(X))
    assert clone(model).get_params()["accelerator"] is not None
    search = GridSearchCV(clone(model), {"learning_rate": [1e-3, 1e-2]}, cv=2)
    assert search.fit(X, y).best_estimator_.accelerator is not None


def test_fits_leave_nothing_in_the_accelerator(digits):
    """The accelerator keeps what it prepares; after a fit it holds nothing
    of the estimator, so fits sharing it neither pile up networks nor pickle
    each other's."""
    X, y = digits
    accelerator = accelerate.Accelerator(cpu=True)
    sizes = []
    for _ in range(3):
        model = MLPClassifier((32,), max_epochs=1, random_state=0)
        model.set_params(accelerator=accelerator).fit(X, y)
        sizes.append(len(pickle.dumps(model)))
        model.set_params(warm_start=True).fit(X, y)
    assert accelerator._models == [] and accelerator._optimizers == []
    assert len(set(sizes)) == 1


def test_bad_accelerator_and_dann_has_none():
    with pytest.raises(ValueError, match="accelerator"):
        MLPClassifier(accelerator="cuda").fit([[0.0], [1.0]], [0, 1])
    assert "accelerator" not in DANNClassifier().get_params()


def test_batches_are_shared_between_processes():
    rows = torch.arange(10, 17)
    parts = [_share(rows, i, 2) for i in range(2)]
    np.testing.assert_array_equal(torch.cat(parts), rows)
    assert [len(p) for p in parts] == [4, 3]
    np.testing.assert_array_equal(_share(slice(4, 8), 1, 2), [6, 7])
    # fewer rows than processes: every process still gets one
    assert [len(_share(torch.tensor([5]), i, 3)) for i in range(3)] == [1, 1, 1]


def test_two_processes_train_like_one_with_the_whole_batch(tmp_path):
    """torch.distributed on two CPU processes: each takes half of every
    batch, DDP averages the gradients, so the weights follow one process
    training on whole batches (up to float32 rounding)."""
    sys.path.insert(0, str(Path(__file__).parent))
    try:
        import _accelerate_worker as worker
    finally:
        sys.path.pop(0)
    env = dict(os.environ, OMP_NUM_THREADS="1")
    command = [
        sys.executable, "-m", "torch.distributed.run", "--standalone",
        "--nproc_per_node", "2", worker.__file__, str(tmp_path),
    ]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    ranks = [np.load(tmp_path / f"rank{i}.npz") for i in range(2)]
    assert int(ranks[0]["n_processes"]) == 2
    for key in ("mlp", "early_stopping", "best_epoch", "transformer"):
        np.testing.assert_array_equal(ranks[0][key], ranks[1][key])  # in step
    (X_reg, y_reg), (X_clf, y_clf) = worker.data()
    single = worker.estimators()
    mlp = single["mlp"].fit(X_reg, y_reg)
    transformer = single["transformer"].fit(X_clf, y_clf)
    np.testing.assert_allclose(ranks[0]["mlp"], mlp.predict(X_reg), rtol=1e-4)
    stopped = single["early stopping"].fit(X_reg, y_reg)
    assert int(ranks[0]["best_epoch"]) == stopped.best_epoch_
    np.testing.assert_allclose(
        ranks[0]["early_stopping"], stopped.predict(X_reg), rtol=1e-4
    )
    np.testing.assert_allclose(
        ranks[0]["transformer"], transformer.predict_proba(X_clf), atol=1e-5
    )
    # each process trained on its own half of every batch: the losses they
    # record differ from each other and from the whole batches' loss
    assert not np.allclose(ranks[0]["mlp_loss"], ranks[1]["mlp_loss"], rtol=1e-6)
    assert not np.allclose(ranks[0]["mlp_loss"], mlp.loss_curve_, rtol=1e-6)
