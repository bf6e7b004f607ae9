"""Images made from a network's features, on CPU: texture synthesis (Gatys et
al., 2015) of scikit-image's brick, grass and gravel at 64x64 and 128x128
with the fixed random multi-scale network (Ustyuzhaninov et al., 2017), and
style transfer (Gatys et al., 2016) of the 128x128 camera image in the
gravel style; L-BFGS against Adam for each.

Reported: the Gram (style) loss reduction from the starting noise, the time
to reach 1/50 of the starting loss, whether the result is a copy of the
source (nearest 8x8 patch distance over the source's own patch spread), and
for style transfer the final content and style losses against the content
image's own. Pictures for the documentation are written beside the tables.
"""

import numpy as np
from skimage import data
from skimage.transform import resize

from ml2learn.inspection import feature_inversion, style_transfer, texture_synthesis

from ._common import Result

TEXTURES = {"brick": data.brick, "grass": data.grass, "gravel": data.gravel}
OPTIMIZERS = {"L-BFGS": ("lbfgs", None), "Adam": ("adam", 0.02)}
TARGET = 1000  # "time to a fixed loss": the starting loss divided by this


def _source(name, size):
    image = TEXTURES[name]()[128:384, 128:384]
    return resize(image, (size, size), anti_aliasing=True)


def _time_to(history, target):
    reached = np.flatnonzero(history["style"] <= target)
    return history["seconds"][reached[0]] if reached.size else float("nan")


def _copy_distance(image, source, size=8):
    """Mean distance from each 8x8 patch to its nearest source patch, over the
    mean distance between the source's own non-overlapping patches."""
    windows = np.lib.stride_tricks.sliding_window_view(source, (size, size))
    windows = windows.reshape(-1, size * size)
    patches = np.lib.stride_tricks.sliding_window_view(image, (size, size))[::8, ::8]
    patches = patches.reshape(-1, size * size)
    nearest = np.sqrt(
        ((patches[:, None] - windows[None]) ** 2).mean(axis=2).min(axis=1)
    )
    own = np.lib.stride_tricks.sliding_window_view(source, (size, size))[::size, ::size]
    own = own.reshape(-1, size * size)
    spread = np.sqrt(((own[:, None] - own[None]) ** 2).mean(axis=2))
    return nearest.mean() / spread[np.triu_indices(len(own), 1)].mean()


def run(quick=False):
    sizes = [64] if quick else [64, 128]
    iterations = {"L-BFGS": 50 if quick else 100, "Adam": 150 if quick else 300}
    results, synthesised = [], {}
    for size in sizes:
        for name in TEXTURES:
            source = _source(name, size)
            for label, (optimizer, lr) in OPTIMIZERS.items():
                image, history = texture_synthesis(
                    source,
                    max_iter=iterations[label],
                    optimizer=optimizer,
                    learning_rate=lr,
                    random_state=0,
                    return_history=True,
                )
                reduction = history["style"][0] / history["style"][-1]
                to_target = _time_to(history, history["style"][0] / TARGET)
                copy = _copy_distance(image[0], source)
                note = (
                    f"Gram loss / {reduction:.0f} in {history['seconds'][-1]:.1f} s "
                    f"({len(history['total'])} evaluations); 1/{TARGET} of the start "
                    f"after {to_target:.1f} s; nearest-patch distance {copy:.2f} of "
                    "the source's own spread (a copy is 0)"
                )
                print(f"  {name} {size}px {label}: {note}")
                results.append(
                    Result(
                        f"texture synthesis, {name} {size}x{size}",
                        "ml2learn",
                        f"random multi-scale CNN, {label}, "
                        f"{iterations[label]} iterations",
                        history["seconds"][-1],
                        reduction,
                        "Gram loss reduction",
                        1,
                        note,
                    )
                )
                if label == "L-BFGS":
                    synthesised[name, size] = (source, image[0])
    size = 64 if quick else 128
    content = resize(data.camera(), (size, size), anti_aliasing=True)
    style = _source("gravel", size)
    stylised = None
    for label, (optimizer, lr) in OPTIMIZERS.items():
        image, history = style_transfer(
            content,
            style,
            max_iter=iterations[label],
            optimizer=optimizer,
            learning_rate=lr,
            random_state=0,
            return_history=True,
        )
        note = (
            f"style loss {history['style'][0]:.4g} (the content image's own) -> "
            f"{history['style'][-1]:.4g}; content loss 0 -> "
            f"{history['content'][-1]:.4g}; {history['seconds'][-1]:.1f} s"
        )
        print(f"  style transfer {size}px {label}: {note}")
        results.append(
            Result(
                f"style transfer, camera {size}x{size} in the gravel style",
                "ml2learn",
                f"random multi-scale CNN, {label}, {iterations[label]} iterations",
                history["seconds"][-1],
                history["style"][0] / history["style"][-1],
                "style loss reduction",
                1,
                note,
            )
        )
        if label == "L-BFGS":
            stylised = (content, style, image[0])
    _pictures(synthesised, stylised, quick)
    return results


def _pictures(synthesised, stylised, quick):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    from .__main__ import RESULTS

    suffix = "_quick" if quick else ""
    size = max(s for _, s in synthesised)
    names = [n for n, s in synthesised if s == size]
    fig, axes = plt.subplots(2, len(names), figsize=(2.2 * len(names), 4.6))
    for column, name in enumerate(names):
        source, image = synthesised[name, size]
        for row, (picture, title) in enumerate(
            [(source, name), (image, "synthesised")]
        ):
            axes[row, column].imshow(
                picture, cmap="gray", vmin=source.min(), vmax=source.max()
            )
            axes[row, column].set_title(title, fontsize=9)
            axes[row, column].axis("off")
    fig.tight_layout()
    fig.savefig(RESULTS / f"visualisation_textures{suffix}.png", dpi=100)
    plt.close(fig)

    fig, axes = plt.subplots(1, 3, figsize=(6.6, 2.5))
    for ax, picture, title in zip(axes, stylised, ["content", "style", "stylised"]):
        ax.imshow(picture, cmap="gray")
        ax.set_title(title, fontsize=9)
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(RESULTS / f"visualisation_style{suffix}.png", dpi=100)
    plt.close(fig)
    _inversion_picture(RESULTS / f"visualisation_inversion{suffix}.png", plt)


def _inversion_picture(path, plt):
    """Digits reconstructed from the maps of deeper and deeper layers of a CNN."""
    from sklearn.datasets import load_digits

    from ml2learn.neural import CNNClassifier

    X, y = load_digits(return_X_y=True)
    X = X / 16
    cnn = CNNClassifier((16, 32), image_shape=(8, 8), max_epochs=15, random_state=0)
    cnn.fit(X[:1500], y[:1500])
    images = X[1500:1504]
    layers = ["features.0.conv", "features.0", "features.1"]
    rows = [images.reshape(-1, 8, 8)] + [
        feature_inversion(cnn, images, layer, max_iter=200, random_state=0)[:, 0]
        for layer in layers
    ]
    fig, axes = plt.subplots(
        len(images), len(rows), figsize=(1.6 * len(rows), 1.6 * len(images))
    )
    for column, (pictures, title) in enumerate(zip(rows, ["input", *layers])):
        for row, picture in enumerate(pictures):
            axes[row, column].imshow(picture, cmap="gray")
            axes[row, column].axis("off")
        axes[0, column].set_title(title, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
