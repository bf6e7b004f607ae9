"""
Image-to-image translation: pix2pix and CycleGAN
================================================

Two ways to learn a map between kinds of images.

- **pix2pix** (Isola et al. 2017) learns from *pairs*: each digit's Canny
  edge map and the digit itself. A U-Net generator draws the digit, a
  PatchGAN discriminator judges every 16 x 16 patch of (edges, digit)
  pairs, and an L1 term keeps the drawing near the truth.
- **CycleGAN** (Zhu et al. 2017) learns from two sets with *no pairs*:
  thin digits and thick ones, each digit in only one of them. Two
  generators, ``G: thin -> thick`` and ``F: thick -> thin``, are held
  together by cycle consistency, ``F(G(a)) ~ a``.
- **super-resolution with a perceptual loss** (Ledig et al. 2017): the
  same translator, trained on the distance between a fixed CNN's feature
  maps of its output and of the truth, plus a 1e-3 adversarial term.
"""

# %%
# pix2pix: edges -> digits
# ------------------------
import matplotlib.pyplot as plt

from ml2learn.datasets import (
    make_digit_pairs,
    make_photo_patches,
    make_unpaired_digits,
)
from ml2learn.generative import CycleGAN, Pix2Pix
from ml2learn.neural import CNNClassifier


def show_rows(rows, titles):
    """One row of eight images per array (grey, or colour)."""
    fig, axes = plt.subplots(len(rows), 8, figsize=(8, 1.1 * len(rows)))
    for axis_row, images, title in zip(axes, rows, titles):
        for ax, image in zip(axis_row, images):
            if len(image) == 3:
                ax.imshow(image.transpose(1, 2, 0).clip(0, 1))
            else:
                ax.imshow(image[0], cmap="gray_r", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
        axis_row[0].set_ylabel(title, rotation=0, ha="right", va="center")
    fig.tight_layout()


edges, digits, _ = make_digit_pairs("edges", random_state=0)
pix2pix = Pix2Pix(16, 8, max_epochs=6, learning_rate=2e-3, random_state=0)
pix2pix.fit(edges[:800], digits[:800])
test = slice(1000, 1008)
show_rows(
    [edges[test], pix2pix.predict(edges[test]), digits[test]],
    ["edges", "pix2pix", "truth"],
)

# %%
# CycleGAN: thin <-> thick digits, unpaired
# -----------------------------------------
thin, thick, _, _ = make_unpaired_digits(random_state=0)
cyclegan = CycleGAN(8, 8, n_blocks=1, max_epochs=5, learning_rate=2e-3, random_state=0)
cyclegan.fit(thin[:500], thick[:500])
a = thin[800:808]
to_thick = cyclegan.transform(a)
show_rows(
    [a, to_thick, cyclegan.inverse_transform(to_thick)],
    ["a (thin)", "G(a)", "F(G(a))"],
)

# %%
# Super-resolution 2x with SRGAN's loss
# -------------------------------------
# The fixed network of the perceptual loss is a small CNN that learnt to
# tell the five photographs' patches apart (an ImageNet VGG cannot be
# downloaded here).
low, high, sources = make_photo_patches(n_patches=460, random_state=0)
features = CNNClassifier((8, 16), max_epochs=4, learning_rate=3e-3, random_state=0)
features.fit(high[:400], sources[:400])
srgan = Pix2Pix(
    16,
    8,
    residual=True,
    l1_weight=0.0,
    perceptual_weight=1.0,
    adversarial_weight=1e-3,
    feature_network=features,
    max_epochs=4,
    learning_rate=1e-3,
    random_state=0,
).fit(low[:400], high[:400])
test = slice(400, 408)
show_rows(
    [low[test], srgan.predict(low[test]), high[test]],
    ["bicubic", "SRGAN loss", "truth"],
)
plt.show()
