"""Transfer learning on the digits (notes, lines 3387-3480).

A CNN is trained on the digits 0-4; the task is then the digits 5-9 with
only 10, 20 or 50 labelled images per class. Three ways, mean over seeds,
accuracy on the held-out 5-9 images:

- fine-tuning: ``init_from`` the 0-4 network, a new output layer, every
  layer at the learning rate, or the copied layers at a tenth of it (the
  notes' advice);
- feature extraction: the frozen 0-4 network's ``transform`` (its pooled
  feature maps) and a logistic regression;
- from scratch: the same CNN trained on the few labelled images alone.
"""

import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from ml2learn.neural import CNNClassifier

from ._common import Result

_CNN = dict(filters=(16, 32), image_shape=(8, 8), batch_size=16)


def _few_labelled(X, y, per_class, rng):
    rows = np.concatenate(
        [
            rng.choice(np.flatnonzero(y == c), per_class, replace=False)
            for c in range(5, 10)
        ]
    )
    held_out = np.setdiff1d(np.arange(len(y)), rows)
    return rows, held_out


def _methods(pretrained, epochs, seed):
    return {
        "fine-tuned (init_from, every layer at the learning rate)": lambda: (
            CNNClassifier(
                **_CNN, init_from=pretrained, max_epochs=epochs, random_state=seed
            )
        ),
        "fine-tuned (init_from, copied layers at 0.1 x lr)": lambda: CNNClassifier(
            **_CNN,
            init_from=pretrained,
            fine_tune_lr_factor=0.1,
            max_epochs=epochs,
            random_state=seed,
        ),
        "feature extraction + logistic regression": lambda: make_pipeline(
            FrozenEstimator(pretrained), LogisticRegression(C=1.0, max_iter=2000)
        ),
        "CNN from scratch": lambda: CNNClassifier(
            **_CNN, max_epochs=epochs, random_state=seed
        ),
    }


def run(quick=False):
    X, y = load_digits(return_X_y=True)
    X = (X / 16).astype(np.float32)
    low, high = y < 5, y >= 5
    start = time.perf_counter()
    pretrained = CNNClassifier(**_CNN, max_epochs=5 if quick else 20, random_state=0)
    pretrained.fit(X[low], y[low])
    print(f"  pre-trained on 0-4 in {time.perf_counter() - start:.1f} s")
    X_high, y_high = X[high], y[high]
    seeds = range(2) if quick else range(5)
    epochs = 20 if quick else 60
    results = []
    for per_class in (10, 20, 50):
        task = f"digits 5-9, {per_class} labelled images per class"
        scores, seconds = {}, {}
        for seed in seeds:
            rows, held_out = _few_labelled(
                X_high, y_high, per_class, np.random.RandomState(seed)
            )
            for name, make in _methods(pretrained, epochs, seed).items():
                start = time.perf_counter()
                model = make().fit(X_high[rows], y_high[rows])
                seconds.setdefault(name, []).append(time.perf_counter() - start)
                score = model.score(X_high[held_out], y_high[held_out])
                scores.setdefault(name, []).append(score)
        for name in scores:
            mean, spread = np.mean(scores[name]), np.std(scores[name])
            print(f"  {task}: {name:<50} {mean:.4f} +- {spread:.4f}")
            results.append(
                Result(
                    task,
                    "ml2learn",
                    name,
                    float(np.median(seconds[name])),
                    float(mean),
                    "accuracy",
                    len(scores[name]),
                    note=f"accuracy {mean:.4f} +- {spread:.4f} over {len(seeds)} seeds",
                )
            )
    return results
