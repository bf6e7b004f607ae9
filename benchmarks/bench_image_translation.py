"""Image-to-image translation on CPU: pix2pix on edges -> digits against the
L1-only U-Net (the paper's baseline), and CycleGAN on unpaired thin <->
thick digits, each judged by separately trained ml2learn CNNs
(super-resolution is ``bench_super_resolution.py``).

pix2pix: scikit-learn's digits at 16 x 16 (bicubic) and their Canny edges
(:func:`ml2learn.datasets.make_digit_pairs`); 1,400 pairs train, 397 test.
A CNN trained on the 1,400 real digits must give back each translated
test image's source digit; sharpness is the mean image-gradient magnitude,
compared with the real test digits'.

CycleGAN: :func:`ml2learn.datasets.make_unpaired_digits` (each class split
in halves: thin in A, dilated in B); 75 % of each domain trains. A CNN
trained on real thick digits judges ``G(a)``, one trained on thin digits
``F(b)``; the cycle error is ``mean |F(G(a)) - a|`` on the test images.

"""

import statistics
import time

import numpy as np

from ml2learn.datasets import make_digit_pairs, make_unpaired_digits
from ml2learn.generative import CycleGAN, Pix2Pix
from ml2learn.neural import CNNClassifier

from ._common import Result

N_TRAIN = 1400


def sharpness(images):
    """Mean image-gradient magnitude (central differences, numpy's)."""
    gy, gx = np.gradient(images[:, 0], axis=(1, 2))
    return float(np.mean(np.hypot(gx, gy)))


def _judge(images, labels):
    return CNNClassifier(
        (32, 64), max_epochs=30, learning_rate=3e-3, random_state=0
    ).fit(images, labels)


def run(quick=False):
    return _pix2pix(quick) + _cyclegan(quick)


def _pix2pix(quick):
    edges, digits, labels = make_digit_pairs("edges", random_state=0)
    train, test = slice(0, N_TRAIN), slice(N_TRAIN, None)
    judge = _judge(digits[train], labels[train])
    real_accuracy = judge.score(digits[test], labels[test])
    real_sharpness = sharpness(digits[test])
    print(f"  judge CNN: {real_accuracy:.4f} on real test digits; sharpness "
          f"{real_sharpness:.4f}")  # fmt: skip
    seeds = [0] if quick else [0, 1, 2]
    epochs = 5 if quick else 15
    results = []
    for name, adversarial in (("pix2pix (cGAN + 100 L1)", 1.0), ("L1 only", 0.0)):
        times, accuracy, l1, sharp = [], [], [], []
        for seed in seeds:
            model = Pix2Pix(32, 32, adversarial_weight=adversarial,
                            max_epochs=epochs, random_state=seed)  # fmt: skip
            start = time.perf_counter()
            model.fit(edges[train], digits[train])
            times.append(time.perf_counter() - start)
            translated = model.predict(edges[test])
            accuracy.append(float(judge.score(translated, labels[test])))
            l1.append(-model.score(edges[test], digits[test]))
            sharp.append(sharpness(translated))
            print(f"  {name} seed {seed}: class kept {accuracy[-1]:.3f}, L1 "
                  f"{l1[-1]:.4f}, sharpness {sharp[-1]:.4f} "
                  f"({times[-1]:.1f} s)")  # fmt: skip
        note = (
            f"class kept per seed {[round(a, 3) for a in accuracy]}; test L1 "
            f"{statistics.mean(l1):.4f}; sharpness {statistics.mean(sharp):.4f} "
            f"(real digits {real_sharpness:.4f}, |difference| "
            f"{abs(statistics.mean(sharp) - real_sharpness):.4f}); judge CNN "
            f"{real_accuracy:.4f} on real test digits; Pix2Pix(32, 32, "
            f"adversarial_weight={adversarial}, max_epochs={epochs}), U-Net "
            "depth 4, PatchGAN 16 x 16, Adam 2e-4, beta1 0.5, batch 16"
        )
        results.append(
            Result(
                "pix2pix edges -> digits 16x16 (1,400 train pairs, 397 test)",
                "ml2learn",
                f"{name}, translations the CNN gives the source digit",
                statistics.median(times),
                statistics.mean(accuracy),
                "accuracy",
                len(seeds),
                note,
            )
        )
    return results


def _cyclegan(quick):
    thin, thick, y_thin, y_thick = make_unpaired_digits(random_state=0)
    n_a, n_b = int(0.75 * len(thin)), int(0.75 * len(thick))
    judge_b = _judge(thick[:n_b], y_thick[:n_b])
    judge_a = _judge(thin[:n_a], y_thin[:n_a])
    untranslated = judge_b.score(thin[n_a:], y_thin[n_a:])
    print(f"  judges: thick {judge_b.score(thick[n_b:], y_thick[n_b:]):.4f}, "
          f"thin {judge_a.score(thin[n_a:], y_thin[n_a:]):.4f}; the thick judge "
          f"on untranslated thin digits {untranslated:.4f}")  # fmt: skip
    seeds = [0] if quick else [0, 1, 2]
    epochs = 3 if quick else 10
    times, forward, backward, cycle = [], [], [], []
    for seed in seeds:
        model = CycleGAN(16, 16, n_blocks=3, max_epochs=epochs, random_state=seed)
        start = time.perf_counter()
        model.fit(thin[:n_a], thick[:n_b])
        times.append(time.perf_counter() - start)
        to_thick = model.transform(thin[n_a:])
        forward.append(float(judge_b.score(to_thick, y_thin[n_a:])))
        backward.append(
            float(judge_a.score(model.inverse_transform(thick[n_b:]), y_thick[n_b:]))
        )
        cycle.append(
            float(np.mean(np.abs(model.inverse_transform(to_thick) - thin[n_a:])))
        )
        print(f"  CycleGAN seed {seed}: G(a) class kept {forward[-1]:.3f}, F(b) "
              f"{backward[-1]:.3f}, cycle L1 {cycle[-1]:.4f} "
              f"({times[-1]:.1f} s)")  # fmt: skip
    note = (
        f"G(a) class kept per seed {[round(a, 3) for a in forward]}; F(b) "
        f"{statistics.mean(backward):.3f}; cycle L1 |F(G(a)) - a| "
        f"{statistics.mean(cycle):.4f} (pixels in [0, 1]); the thick judge on "
        f"untranslated thin digits {untranslated:.3f}; CycleGAN(16, 16, "
        f"n_blocks=3, max_epochs={epochs}), least squares, lambda 10, identity "
        "0.5, pool 50, batch 16"
    )
    return [
        Result(
            f"CycleGAN thin <-> thick digits 16x16 ({n_a} + {n_b} unpaired train)",
            "ml2learn",
            "CycleGAN, G(a) the thick-digit CNN gives a's digit",
            statistics.median(times),
            statistics.mean(forward),
            "accuracy",
            len(seeds),
            note,
        )
    ]
