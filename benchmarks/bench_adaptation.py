"""Domain adaptation: target-domain accuracy of DANN and TrAdaBoost against
their baselines, mean and spread over 5 seeds.

DANN follows the paper's protocol: all labelled source rows and all
unlabelled target rows for training, accuracy on the target rows. Baselines:
the same network with ``domain_weight=0`` (source only) and scikit-adaptation
(skada)'s DANN with the same layers, optimizer and epochs when it is
installed. TrAdaBoost gets a few labelled target rows (3 % or 5 % of the
target); its baselines are AdaBoost on the source alone, on the labelled
target alone and on both pooled (the notes' options 1 and 2), with the same
weak learner and rounds; accuracy on the rest of the target.
"""

import statistics
import time
from collections import OrderedDict

import numpy as np
from sklearn.base import clone
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from ml2learn.adaptation import (
    DANNClassifier,
    TrAdaBoostClassifier,
    TrAdaBoostRegressor,
    pack_domains,
)
from ml2learn.datasets import make_domain_shift
from ml2learn.ensemble import AdaBoostClassifier, AdaBoostRegressor

from ._common import Result, optional_import


def _summary(task, library, model, seconds, scores, name="target accuracy"):
    mean, spread = float(np.mean(scores)), float(np.std(scores))
    print(f"  {library:<9} {model:<42} {mean:.4f} +- {spread:.4f}  ({seconds:.2f} s)")
    return Result(
        task,
        library,
        model,
        seconds,
        mean,
        name,
        len(scores),
        note=f"{name} {mean:.4f} +- {spread:.4f} (std over {len(scores)} seeds)",
    )


def _skada_dann(skada, n_features, n_classes, epochs, seed):
    import torch
    from torch import nn

    torch.manual_seed(seed)
    module = nn.Sequential(
        OrderedDict(
            features=nn.Sequential(
                nn.Linear(n_features, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU()
            ),
            head=nn.Linear(64, n_classes),
        )
    )
    return skada.deep.DANN(
        module,
        layer_name="features",
        num_features=64,
        reg=1,
        max_epochs=epochs,
        batch_size=32,
        optimizer=torch.optim.SGD,
        optimizer__lr=0.05,
        optimizer__momentum=0.9,
        train_split=None,
        verbose=0,
    )


def _skada_predict(model, X):
    import torch

    with torch.no_grad():
        logits = model.module_.base_module_(torch.tensor(X, dtype=torch.float32))
    return logits.argmax(dim=1).numpy()


def _dann_task(task, make_data, seeds, epochs, skada):
    contenders = {
        ("ml2learn", "DANNClassifier()"): dict(),
        ("ml2learn", "DANNClassifier(domain_weight=0) (source only)"): dict(
            domain_weight=0.0
        ),
    }
    scores = {key: [] for key in contenders}
    times = {key: [] for key in contenders}
    skada_key = ("skada", "deep.DANN(reg=1), same layers")
    if skada is not None:
        scores[skada_key], times[skada_key] = [], []
    for seed in seeds:
        data = make_data(seed)
        X, y, domain = pack_domains(data.X_source, data.y_source, data.X_target)
        for key, params in contenders.items():
            start = time.perf_counter()
            model = DANNClassifier(max_epochs=epochs, random_state=seed, **params)
            model.fit(X, y, sample_domain=domain)
            times[key].append(time.perf_counter() - start)
            scores[key].append(model.score(data.X_target, data.y_target))
        if skada is not None:
            start = time.perf_counter()
            n_classes = len(np.unique(data.y_source))
            model = _skada_dann(skada, X.shape[1], n_classes, epochs, seed)
            model.fit(X.astype(np.float32), y, sample_domain=domain)
            times[skada_key].append(time.perf_counter() - start)
            predicted = _skada_predict(model, data.X_target)
            scores[skada_key].append(float(np.mean(predicted == data.y_target)))
    return [
        _summary(task, library, model, statistics.median(times[key]), scores[key])
        for key in scores
        for library, model in [key]
    ]


def _tradaboost_task(task, make_data, fraction, learner, rounds, seeds):
    names = [
        "TrAdaBoostClassifier",
        "AdaBoost, source only",
        "AdaBoost, labelled target only",
        "AdaBoost, source + target pooled",
    ]
    scores = {name: [] for name in names}
    times = {name: [] for name in names}
    for seed in seeds:
        data = make_data(seed)
        n_target = len(data.X_target)
        order = np.random.RandomState(seed).permutation(n_target)
        n_labelled = max(2, int(round(fraction * n_target)))
        labelled, test = order[:n_labelled], order[n_labelled:]
        X, y, domain = pack_domains(
            data.X_source,
            data.y_source,
            data.X_target[labelled],
            data.y_target[labelled],
        )
        X_lab, y_lab = data.X_target[labelled], data.y_target[labelled]
        fits = [
            (names[0], TrAdaBoostClassifier(learner, n_estimators=rounds,
                                            random_state=seed),
             (X, y), {"sample_domain": domain}),
            (names[1], AdaBoostClassifier(learner, n_estimators=rounds,
                                          random_state=seed),
             (data.X_source, data.y_source), {}),
            (names[2], AdaBoostClassifier(learner, n_estimators=rounds,
                                          random_state=seed), (X_lab, y_lab), {}),
            (names[3], AdaBoostClassifier(learner, n_estimators=rounds,
                                          random_state=seed), (X, y), {}),
        ]  # fmt: skip
        for name, model, (X_fit, y_fit), params in fits:
            start = time.perf_counter()
            model.fit(X_fit, y_fit, **params)
            times[name].append(time.perf_counter() - start)
            scores[name].append(model.score(data.X_target[test], data.y_target[test]))
    return [
        _summary(task, "ml2learn", name, statistics.median(times[name]), scores[name])
        for name in names
    ]


def _regression_data(seed, n_labelled=20):
    rng = np.random.RandomState(seed)
    X_s, X_t = rng.uniform(-3, 3, (300, 1)), rng.uniform(-3, 3, (300, 1))
    y_s = np.sin(X_s[:, 0]) + 0.1 * rng.randn(300)
    y_t = np.sin(X_t[:, 0]) + 0.4 * np.clip(X_t[:, 0], 0, None) + 0.1 * rng.randn(300)
    return X_s, y_s, X_t, y_t


def _tradaboost_r2_task(seeds):
    task = "TrAdaBoost.R2, sin target bent for x > 0, 20 of 300 target labelled"
    names = ["TrAdaBoostRegressor", "AdaBoost.R2, source only",
             "AdaBoost.R2, labelled target only", "AdaBoost.R2, pooled"]  # fmt: skip
    errors = {name: [] for name in names}
    times = {name: [] for name in names}
    tree = DecisionTreeRegressor(max_depth=3)
    for seed in seeds:
        X_s, y_s, X_t, y_t = _regression_data(seed)
        X, y, domain = pack_domains(X_s, y_s, X_t[:20], y_t[:20])
        source_only = AdaBoostRegressor(tree, n_estimators=30, random_state=seed)
        fits = [
            (names[0], TrAdaBoostRegressor(random_state=seed), (X, y),
             {"sample_domain": domain}),
            (names[1], clone(source_only), (X_s, y_s), {}),
            (names[2], clone(source_only), (X_t[:20], y_t[:20]), {}),
            (names[3], clone(source_only), (X, y), {}),
        ]  # fmt: skip
        for name, model, (X_fit, y_fit), params in fits:
            start = time.perf_counter()
            model.fit(X_fit, y_fit, **params)
            times[name].append(time.perf_counter() - start)
            errors[name].append(np.mean((model.predict(X_t[20:]) - y_t[20:]) ** 2))
    return [
        _summary(
            task,
            "ml2learn",
            name,
            statistics.median(times[name]),
            errors[name],
            name="target MSE",
        )  # fmt: skip
        for name in names
    ]


def run(quick=False):
    seeds = range(1) if quick else range(5)
    epochs = 30 if quick else 200
    skada = optional_import("skada")
    if skada is not None:
        import skada.deep  # noqa: F401
    results = []
    results += _dann_task(
        "DANN, two moons, target rotated 30 degrees (300 + 300 rows)",
        lambda seed: make_domain_shift(
            "moons", n_samples=300, angle=30, random_state=seed
        ),
        seeds,
        epochs,
        skada,
    )
    results += _dann_task(
        "DANN, digits -> digits rotated 30 degrees (898 + 899 rows)",
        lambda seed: make_domain_shift(
            "digits", shift="rotate", angle=30, random_state=seed
        ),
        seeds,
        epochs // 2,
        skada,
    )
    results += _tradaboost_task(
        "TrAdaBoost, two moons rotated 40 degrees, 3 % of the target labelled",
        lambda seed: make_domain_shift(
            "moons", n_samples=300, angle=40, random_state=seed
        ),
        0.03,
        DecisionTreeClassifier(max_depth=3),
        50,
        seeds,
    )
    results += _tradaboost_task(
        "TrAdaBoost, digits -> digits rotated 30 degrees, 5 % of the target labelled",
        lambda seed: make_domain_shift(
            "digits", shift="rotate", angle=30, random_state=seed
        ),
        0.05,
        DecisionTreeClassifier(max_depth=5),
        50,
        seeds,
    )
    results += _tradaboost_r2_task(seeds)
    return results
