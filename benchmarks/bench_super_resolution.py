"""Super-resolution 2x on CPU: a residual U-Net trained on L1 alone and on
SRGAN's loss (a perceptual term on a fixed CNN's feature maps plus 1e-3 of
the adversarial term), against bicubic upsampling.

Data: 32 x 32 patches of the five colour photographs inside scikit-image
(:func:`ml2learn.datasets.make_photo_patches`), shrunk 2x and interpolated
back (bicubic): the networks' input and the bicubic baseline; 80 % train.
The perceptual loss's network is a CNN that tells the five photographs'
patches apart (SRGAN's ImageNet VGG-19 cannot be downloaded). PSNR is
scikit-image's; the perceptual distance is the mean squared difference of
the last-block feature maps of another CNN (other widths, another seed),
not the one the loss uses.
"""

import statistics
import time

import numpy as np

from ml2learn.datasets import make_photo_patches
from ml2learn.generative import Pix2Pix
from ml2learn.neural import CNNClassifier

from ._common import Result


def run(quick=False):
    return _super_resolution(quick)


def _psnr(truth, images):
    """scikit-image's PSNR over all test patches (one mean squared error:
    a patch of flat colour that bicubic interpolation gets exactly would
    make a per-patch mean infinite)."""
    from skimage.metrics import peak_signal_noise_ratio

    return float(peak_signal_noise_ratio(truth, np.clip(images, 0, 1), data_range=1.0))


def _feature_distance(judge, truth, images):
    """Mean squared difference of the judge CNN's last-block maps."""
    import torch

    module = judge.net_.module_.eval()
    with torch.no_grad():
        a = module.features(torch.from_numpy(truth.astype(np.float32)))
        b = module.features(torch.from_numpy(np.clip(images, 0, 1).astype(np.float32)))
    return float(((a - b) ** 2).mean())


def _super_resolution(quick):
    low, high, sources = make_photo_patches(
        n_patches=600 if quick else 1500, random_state=0
    )
    n_train = int(0.8 * len(high))
    train, test = slice(0, n_train), slice(n_train, None)
    # the fixed network of the perceptual loss (SRGAN's VGG-19 cannot be
    # downloaded): a CNN that tells the five photographs' patches apart;
    # another, of other widths and seed, measures the perceptual distance
    features = CNNClassifier(
        (16, 32), max_epochs=15, learning_rate=3e-3, random_state=0
    ).fit(high[train], sources[train])
    judge = CNNClassifier(
        (32, 64), max_epochs=15, learning_rate=3e-3, random_state=1
    ).fit(high[train], sources[train])
    print(f"  feature CNN {features.score(high[test], sources[test]):.3f}, judge "
          f"CNN {judge.score(high[test], sources[test]):.3f} on the photographs "
          "of test patches")  # fmt: skip
    truth = high[test]
    results = [
        Result(
            "super-resolution 2x, 32x32 colour patches of 5 photographs",
            "scikit-image",
            "bicubic resize (the networks' input)",
            0.0,
            _psnr(truth, low[test]),
            "PSNR dB",
            1,
            f"perceptual distance {_feature_distance(judge, truth, low[test]):.5f}",
        )
    ]
    print(f"  bicubic: PSNR {results[0].score:.2f} dB, {results[0].note}")
    seeds = [0] if quick else [0, 1, 2]
    epochs = 2 if quick else 6
    settings = {
        "L1 only (U-Net)": dict(adversarial_weight=0.0),
        "SRGAN loss (perceptual + 1e-3 adversarial)": dict(
            l1_weight=0.0, perceptual_weight=1.0, adversarial_weight=1e-3
        ),
    }
    for name, params in settings.items():
        times, psnr, distance = [], [], []
        for seed in seeds:
            model = Pix2Pix(
                32,
                32,
                residual=True,
                learning_rate=1e-3,
                feature_network=features,
                max_epochs=epochs,
                random_state=seed,
                **params,
            )
            start = time.perf_counter()
            model.fit(low[train], high[train])
            times.append(time.perf_counter() - start)
            output = model.predict(low[test])
            psnr.append(_psnr(truth, output))
            distance.append(_feature_distance(judge, truth, output))
            print(f"  {name} seed {seed}: PSNR {psnr[-1]:.2f} dB, perceptual "
                  f"distance {distance[-1]:.5f} ({times[-1]:.1f} s)")  # fmt: skip
        results.append(
            Result(
                "super-resolution 2x, 32x32 colour patches of 5 photographs",
                "ml2learn",
                f"Pix2Pix, {name}",
                statistics.median(times),
                statistics.mean(psnr),
                "PSNR dB",
                len(seeds),
                f"perceptual distance {statistics.mean(distance):.5f}; PSNR per "
                f"seed {[round(p, 2) for p in psnr]}; Pix2Pix(32, 32, "
                f"residual=True, learning_rate=1e-3, max_epochs={epochs}, {params})",
            )
        )
    return results
