"""GANs on CPU: the dense GAN on a ring of 8 Gaussians (the mode-collapse
test of Metz et al. 2017 and Srivastava et al. 2017: radius 2, standard
deviation 0.02), and a conditional DCGAN on scikit-learn's digits judged by
a separately trained ml2learn CNN.

Ring: 10,000 training points; 2,500 samples per model. A sample is of high
quality when it lies within 3 standard deviations of a mode; a mode is
covered when at least 1 % of the samples are high-quality samples of it.
Digits: the CNN is trained on 70 % of the digits (its accuracy on the other
30 % is reported); the GAN on all 1,797; 100 samples per class are drawn
and the CNN must give back their conditioning class.
"""

import statistics
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from ml2learn.datasets import make_gaussian_ring
from ml2learn.generative import DCGAN, GAN, GANDiversityWarning
from ml2learn.neural import CNNClassifier

from ._common import Result

STD = 0.02
CENTRES = make_gaussian_ring(1, std=STD, return_centers=True)[2]


def ring(n, seed):
    """``n`` points from the 8 Gaussians."""
    return make_gaussian_ring(n, std=STD, random_state=seed)[0]


def ring_quality(samples):
    """Modes covered and the share of high-quality samples."""
    distance = np.linalg.norm(samples[:, None] - CENTRES[None], axis=2)
    near = distance.min(axis=1) < 3 * STD
    counts = np.bincount(distance.argmin(axis=1)[near], minlength=8)
    return int((counts >= 0.01 * len(samples)).sum()), float(near.mean())


def run(quick=False):
    return _ring(quick) + _geometries(quick) + _digits(quick)


# (modes, radius, standard deviation) of rings a new user might try
GEOMETRIES = [(8, 2.0, 0.02), (8, 5.0, 0.1), (6, 1.0, 0.05), (12, 3.0, 0.05),
              (5, 10.0, 0.5)]  # fmt: skip
# the defaults before they were chosen on these rings (Goodfellow et al.'s
# learning rate, no smoothing, no schedule, a 16-wide noise)
OLD_DEFAULTS = dict(latent_dim=16, learning_rate=2e-4, label_smoothing=0.0,
                    lr_schedule=None)  # fmt: skip


def _geometries(quick):
    """``GAN()`` as a new user runs it (every default, 100 epochs) on
    2,000 points of rings of several geometries, against the old
    defaults."""
    seeds = [0] if quick else [0, 1, 2]
    results = []
    for name, params in (("GAN() defaults", {}), ("old defaults", OLD_DEFAULTS)):
        times, covered, shares = [], [], []
        for k, radius, std in GEOMETRIES:
            for seed in seeds:
                X, _, centres = make_gaussian_ring(
                    2000, n_modes=k, radius=radius, std=std,
                    return_centers=True, random_state=seed,
                )  # fmt: skip
                gan = GAN(random_state=seed, **params)
                start = time.perf_counter()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", GANDiversityWarning)
                    gan.fit(X)
                times.append(time.perf_counter() - start)
                samples = gan.sample(2000, random_state=0)
                distance = np.linalg.norm(samples[:, None] - centres[None], axis=2)
                near = distance.min(axis=1) < 3 * std
                counts = np.bincount(distance.argmin(axis=1)[near], minlength=k)
                covered.append(float((counts >= 0.01 * len(samples)).mean()))
                shares.append(float(near.mean()))
            print(f"  {name}, ring {k} modes r={radius} sd={std}: modes covered "
                  f"{covered[-len(seeds):]}, high quality "
                  f"{[round(q, 2) for q in shares[-len(seeds):]]}")  # fmt: skip
        per_ring = np.array(covered).reshape(len(GEOMETRIES), len(seeds)).mean(1)
        results.append(
            Result(
                "GAN on rings of 5 geometries (2,000 points, 100 epochs)",
                "ml2learn",
                f"{name}, share of modes covered",
                statistics.median(times),
                statistics.mean(covered),
                "modes covered",
                len(seeds) * len(GEOMETRIES),
                f"per ring (modes, radius, sd) {GEOMETRIES}: share covered "
                f"{[round(float(c), 2) for c in per_ring]}; high-quality share "
                f"{statistics.mean(shares):.3f}; {params or 'every default'}",
            )
        )
    return results


def _ring(quick):
    seeds = [0] if quick else [0, 1, 2, 3, 4]
    epochs = 100 if quick else 400
    params = dict(
        latent_dim=2,
        learning_rate=1e-3,
        batch_size=512,
        label_smoothing=0.1,
        lr_schedule="cosine",
    )
    times, modes, quality = [], [], []
    for seed in seeds:
        X = ring(10000, seed)
        gan = GAN(max_epochs=epochs, random_state=seed, **params)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", GANDiversityWarning)
            gan.fit(X)
        times.append(time.perf_counter() - start)
        covered, share = ring_quality(gan.sample(2500, random_state=0))
        modes.append(covered)
        quality.append(share)
        print(f"  ring seed {seed}: {covered} modes, {share:.3f} high quality "
              f"({times[-1]:.1f} s)")  # fmt: skip
    note = (
        f"modes covered per seed {modes}; high-quality share per seed "
        f"{[round(q, 3) for q in quality]}; GAN((128, 128), (128, 128), "
        f"latent_dim=2, learning_rate=1e-3, batch_size=512, "
        f'label_smoothing=0.1, lr_schedule="cosine", max_epochs={epochs})'
    )
    return [
        Result(
            "ring of 8 Gaussians (r=2, sd=0.02), 10,000 points",
            "ml2learn",
            "GAN, modes covered (mean)",
            statistics.median(times),
            statistics.mean(modes),
            "modes",
            len(seeds),
            note,
        ),
        Result(
            "ring of 8 Gaussians (r=2, sd=0.02), 10,000 points",
            "ml2learn",
            "GAN, high-quality share (mean)",
            statistics.median(times),
            statistics.mean(quality),
            "share within 3 sd",
            len(seeds),
        ),
    ]


def _digits(quick):
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=0, stratify=y
    )
    cnn = CNNClassifier((32, 64), image_shape=(8, 8), max_epochs=30,
                        learning_rate=3e-3, random_state=0)  # fmt: skip
    cnn.fit(X_train / 16, y_train)
    judge = cnn.score(X_test / 16, y_test)
    print(f"  judge CNN: test accuracy {judge:.4f}")
    seeds = [0] if quick else [0, 1, 2]
    epochs = 10 if quick else 50
    labels = np.repeat(np.arange(10), 100)
    times, accuracy = [], []
    for seed in seeds:
        gan = DCGAN(image_shape=(8, 8), conditional=True, max_epochs=epochs,
                    random_state=seed)  # fmt: skip
        start = time.perf_counter()
        gan.fit(X, y)
        times.append(time.perf_counter() - start)
        samples, _ = gan.sample(1000, y=labels, random_state=0)
        accuracy.append(float((cnn.predict(samples / 16) == labels).mean()))
        print(f"  conditional DCGAN seed {seed}: CNN agrees on {accuracy[-1]:.3f} "
              f"({times[-1]:.1f} s)")  # fmt: skip
    note = (
        f"per seed {[round(a, 3) for a in accuracy]}; judge CNN((32, 64)) test "
        f"accuracy {judge:.4f}; DCGAN((128, 64), (64, 128), latent_dim=64, "
        f"max_epochs={epochs}), Adam 2e-4, beta1 0.5, batch 64"
    )
    return [
        Result(
            "conditional DCGAN on digits (1,797 images 8x8), 1,000 samples",
            "ml2learn",
            "DCGAN, samples the CNN classifies as their label",
            statistics.median(times),
            statistics.mean(accuracy),
            "accuracy",
            len(seeds),
            note,
        )
    ]
