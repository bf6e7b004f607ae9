"""MLP training overhead: ml2learn against a raw PyTorch loop, plain skorch and
scikit-learn; the engine's cost per batch for four families.

Data: scikit-learn's digits (1797 8x8 images), standardised, 75 % to fit and
25 % to score. Every contender trains the same 64-128-10 ReLU network with
Adam (learning rate 1e-3), mini-batches of 64, shuffled, for 30 epochs
(``--quick``: 10 epochs).

Cost per batch: an MLP and a CNN on the digits, an LSTM and a transformer
encoder on scikit-learn's docstrings (every third paragraph, 32 tokens), each
fitted by ml2learn and then trained again by a hand-written loop on a copy of
the same module (same data tensor, batches of 64, epochs, fused Adam and
loss); the time of a fit divided by its batches, for both. The MLP's loop is
also run with its step under ``torch.compile`` (compilation included and
not).
"""

import time
import warnings

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SklearnMLP
from sklearn.preprocessing import StandardScaler

from ml2learn.neural import MLPClassifier

from ._common import Result, optional_import, time_fit

HIDDEN, BATCH, LR = 128, 64, 1e-3


class _RawTorchLoop:
    """The hand-written loop: randperm, slice, forward, loss, backward, step."""

    def __init__(self, epochs, seed=0):
        self.epochs = epochs
        self.seed = seed

    def fit(self, X, y):
        torch.manual_seed(self.seed)
        X = torch.from_numpy(np.asarray(X, dtype=np.float32))
        y = torch.from_numpy(np.asarray(y, dtype=np.int64))
        self.model = torch.nn.Sequential(
            torch.nn.Linear(X.shape[1], HIDDEN),
            torch.nn.ReLU(),
            torch.nn.Linear(HIDDEN, 10),
        )
        optimizer = torch.optim.Adam(self.model.parameters(), lr=LR)
        loss_fn = torch.nn.CrossEntropyLoss()
        for _ in range(self.epochs):
            order = torch.randperm(len(X))
            for start in range(0, len(X), BATCH):
                rows = order[start : start + BATCH]
                optimizer.zero_grad()
                loss_fn(self.model(X[rows]), y[rows]).backward()
                optimizer.step()
        return self

    def score(self, X, y):
        with torch.no_grad():
            logits = self.model(torch.from_numpy(np.asarray(X, dtype=np.float32)))
        return float((logits.argmax(1).numpy() == y).mean())


def _plain_skorch(skorch, epochs):
    class Module(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = torch.nn.Sequential(
                torch.nn.Linear(64, HIDDEN),
                torch.nn.ReLU(),
                torch.nn.Linear(HIDDEN, 10),
            )

        def forward(self, X):
            return self.layers(X)

    class Net(skorch.NeuralNetClassifier):
        def fit(self, X, y, **kwargs):
            torch.manual_seed(0)
            return super().fit(X.astype(np.float32), y.astype(np.int64), **kwargs)

        def score(self, X, y):
            return float((self.predict(X.astype(np.float32)) == y).mean())

    return Net(
        Module,
        criterion=torch.nn.CrossEntropyLoss,
        optimizer=torch.optim.Adam,
        lr=LR,
        batch_size=BATCH,
        max_epochs=epochs,
        train_split=None,
        verbose=0,
        iterator_train__shuffle=True,
    )


class _SkorchCNNModule(torch.nn.Module):
    """Two conv layers, max pooling, one dense layer: a plain digits CNN."""

    def __init__(self):
        super().__init__()
        self.layers = torch.nn.Sequential(
            torch.nn.Conv2d(1, 32, 3, padding=1),
            torch.nn.ReLU(),
            torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(32, 64, 3, padding=1),
            torch.nn.ReLU(),
            torch.nn.MaxPool2d(2),
            torch.nn.Flatten(),
            torch.nn.Linear(64 * 4, 10),
        )

    def forward(self, X):
        return self.layers(X)


def _cnn_cross_validation(quick):
    """5-fold accuracy and seconds per fit of CNNs on digits images."""
    from sklearn.model_selection import StratifiedKFold, cross_validate

    from ml2learn.neural import CNNClassifier

    X, y = load_digits(return_X_y=True)
    X = (X / 16).astype(np.float32).reshape(-1, 1, 8, 8)
    epochs = 5 if quick else 30
    cv = StratifiedKFold(3 if quick else 5, shuffle=True, random_state=0)
    contenders = [
        (
            "ml2learn",
            "CNNClassifier() defaults, (n, 1, 8, 8) images",
            CNNClassifier(max_epochs=epochs, random_state=0),
        ),
        (
            "ml2learn",
            "CNNClassifier((16, 32), batch_norm=False)",
            CNNClassifier(
                (16, 32),
                batch_norm=False,
                max_epochs=epochs,
                random_state=0,
            ),
        ),
    ]
    skorch = optional_import("skorch")
    if skorch is not None:
        torch.manual_seed(0)
        net = skorch.NeuralNetClassifier(
            _SkorchCNNModule,
            criterion=torch.nn.CrossEntropyLoss,
            optimizer=torch.optim.Adam,
            lr=LR,
            batch_size=BATCH,
            max_epochs=epochs,
            train_split=None,
            verbose=0,
            iterator_train__shuffle=True,
        )
        contenders.append(
            ("skorch", "2 conv layers + dense (plain NeuralNetClassifier)", net)
        )
    results = []
    for library, model, estimator in contenders:
        scores = cross_validate(estimator, X, y, cv=cv)
        seconds = float(np.mean(scores["fit_time"]))
        accuracy = scores["test_score"]
        print(
            f"  {library:<9} {model:<50} {seconds:6.2f} s/fit  accuracy "
            f"{accuracy.mean():.4f} +- {accuracy.std():.4f}"
        )
        results.append(
            Result(
                f"CNN digits, {cv.n_splits}-fold, {epochs} epochs",
                library,
                model,
                seconds,
                float(accuracy.mean()),
                "mean accuracy",
                cv.n_splits,
                note=f"accuracy std {accuracy.std():.4f} over folds",
            )
        )
    return results


def run(quick=False):
    return _mlp_timings(quick) + _cnn_cross_validation(quick) + _cost_per_batch(quick)


def _raw_loop_seconds(estimator, X, y, epochs, compile_step=False):
    """Seconds of a hand-written loop training a copy of ``estimator``'s
    fitted module on the tensor it was trained on: the batches it drew, the
    fused Adam and loss it used, nothing else.

    Returns the seconds of the whole loop and of its first epoch.
    """
    import copy

    module = copy.deepcopy(estimator.net_.module_).train()
    inputs = estimator._inputs_tensor(X)
    targets = torch.from_numpy(np.searchsorted(estimator.classes_, y))
    optimizer = torch.optim.Adam(
        module.parameters(), lr=estimator.learning_rate, fused=True
    )
    loss_fn = torch.nn.CrossEntropyLoss()

    def step(rows):
        loss = loss_fn(module(inputs.index_select(0, rows)), targets[rows])
        loss.backward()

    if compile_step:
        step = torch.compile(step)
    torch.manual_seed(0)
    start = time.perf_counter()
    for epoch in range(epochs):
        order = torch.randperm(len(inputs))
        for first in range(0, len(inputs), BATCH):
            optimizer.zero_grad()
            step(order[first : first + BATCH])
            optimizer.step()
        if epoch == 0:
            first_epoch = time.perf_counter() - start
    return time.perf_counter() - start, first_epoch


def _cost_per_batch(quick):
    """ml2learn's seconds per batch against a raw loop on the same module."""
    from ml2learn.datasets import load_sklearn_docstrings
    from ml2learn.neural import CNNClassifier, LSTMClassifier, TransformerClassifier
    from ml2learn.text import SequenceEncoder

    digits, digit_labels = load_digits(return_X_y=True)
    features = StandardScaler().fit_transform(digits).astype(np.float32)
    images = (digits / 16).astype(np.float32).reshape(-1, 1, 8, 8)
    corpus = load_sklearn_docstrings()
    texts, text_labels = corpus.data[::3], corpus.target[::3]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # texts cut at 32 tokens
        tokens = SequenceEncoder(lowercase=True, min_freq=2, max_len=32).fit_transform(
            texts
        )
    epochs = 3 if quick else 10
    common = dict(batch_size=BATCH, max_epochs=epochs, random_state=0)
    families = [
        ("MLP 64-128-10", MLPClassifier((HIDDEN,), **common), features, digit_labels),
        (
            "CNN (16, 32) on 8x8",
            CNNClassifier((16, 32), **common),
            images,
            digit_labels,
        ),
        (
            "LSTM 64 on 32 tokens",
            LSTMClassifier(hidden_size=64, embedding_dim=32, **common),
            tokens,
            text_labels,
        ),
        (
            "transformer 64x2 on 32 tokens",
            TransformerClassifier(64, 4, num_layers=2, token_input=True, **common),
            tokens,
            text_labels,
        ),
    ]
    results = []
    for family, estimator, X, y in families:
        estimator.fit(X[:200], y[:200])  # kernels and caches outside the timing
        start = time.perf_counter()
        estimator.fit(X, y)
        ours = time.perf_counter() - start
        raw, _ = _raw_loop_seconds(estimator, X, y, epochs)
        batches = epochs * -(-len(X) // BATCH)
        task = f"cost per batch: {family}, batches of {BATCH}, {epochs} epochs"
        rows = [("ml2learn", type(estimator).__name__, ours), ("PyTorch", "loop", raw)]
        if family.startswith("MLP") and not quick:
            compiled, first_epoch = _raw_loop_seconds(
                estimator, X, y, epochs, compile_step=True
            )
            rows.append(("PyTorch", "loop, torch.compile'd step", compiled))
            rows.append(
                (
                    "PyTorch",
                    "loop, torch.compile'd step, after its first epoch",
                    (compiled - first_epoch) * epochs / (epochs - 1),
                )
            )
        for library, model, seconds in rows:
            per_batch = 1e3 * seconds / batches
            print(f"  {family:<30} {library:<9} {model:<48} {per_batch:7.3f} ms/batch")
            results.append(
                Result(
                    task,
                    library,
                    model,
                    seconds,
                    per_batch,
                    "ms per batch",
                    1,
                    note=f"{batches} batches; {per_batch - 1e3 * raw / batches:+.3f}"
                    " ms a batch against the loop",
                )
            )
    return results


def _mlp_timings(quick):
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X).astype(np.float32)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    epochs = 10 if quick else 30
    repeats = 1 if quick else 7
    task = f"MLP 64-{HIDDEN}-10, {epochs} epochs"

    def sklearn_mlp():
        return SklearnMLP(
            (HIDDEN,),
            solver="adam",
            learning_rate_init=LR,
            batch_size=BATCH,
            max_iter=epochs,
            n_iter_no_change=epochs,
            tol=0,
            random_state=0,
        )

    contenders = [
        (
            "ml2learn",
            "MLPClassifier((128,), batch_size=64)",
            lambda: MLPClassifier(
                (HIDDEN,),
                learning_rate=LR,
                batch_size=BATCH,
                max_epochs=epochs,
                random_state=0,
            ),
        ),
        ("PyTorch", "hand-written training loop", lambda: _RawTorchLoop(epochs)),
    ]
    skorch = optional_import("skorch")
    if skorch is not None:
        contenders.append(
            (
                "skorch",
                "NeuralNetClassifier (DataLoader)",
                lambda: _plain_skorch(skorch, epochs),
            )
        )
    contenders.append(("scikit-learn", "MLPClassifier (numpy)", sklearn_mlp))
    # Each contender is warmed up on the full data, then the repeats are
    # interleaved so that all of them see the same machine conditions.
    times = {name: [] for name, _, _ in contenders}
    fitted = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for _name, _, make in contenders:
            time_fit(make, X_train, y_train, 1)
        for _ in range(repeats):
            for name, _, make in contenders:
                seconds, fitted[name] = time_fit(make, X_train, y_train, 1)
                times[name].append(seconds)
    results = []
    for name, model, _ in contenders:
        seconds = float(np.median(times[name]))
        score = fitted[name].score(X_test, y_test)
        print(f"  {name:<13} {model:<44} {seconds:7.3f} s  accuracy {score:.4f}")
        results.append(Result(task, name, model, seconds, score, "accuracy", repeats))
    return results
