"""
GANs: a ring of Gaussians and class-conditional digits
======================================================

The minimax game of Goodfellow et al. (2014), with the non-saturating
generator loss, on two datasets.

- A dense GAN on a ring of eight Gaussians, the standard test of mode
  collapse: the samples should cover every mode. During training
  ``D(x)`` and ``D(G(z))`` approach one half, where the discriminator can
  no longer tell real from generated points.
- A class-conditional DCGAN (Radford et al. 2016; Mirza and Osindero 2014)
  on the 8 x 8 digits: each row is generated for one label.
"""

# %%
# A ring of Gaussians
# -------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits

from ml2learn.datasets import make_gaussian_ring
from ml2learn.generative import DCGAN, GAN, plot_samples

X, _ = make_gaussian_ring(5000, random_state=0)
gan = GAN(
    latent_dim=2,
    learning_rate=1e-3,
    batch_size=512,
    label_smoothing=0.1,
    lr_schedule="cosine",
    max_epochs=150,
    random_state=0,
).fit(X)
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 4))
plot_samples(gan, 1000, X=X, random_state=0, ax=ax1)
for key in ("d_real", "d_fake"):
    ax2.plot(gan.history_[key], label=key)
ax2.axhline(0.5, color="0.6", lw=0.8)
ax2.set_xlabel("epoch")
ax2.legend()
fig.tight_layout()

# %%
# Class-conditional digits
# ------------------------
X, y = load_digits(return_X_y=True)
dcgan = DCGAN(image_shape=(8, 8), conditional=True, max_epochs=20, random_state=0)
dcgan.fit(X, y)
plot_samples(dcgan, 80, y=np.repeat(np.arange(10), 8), random_state=0)
plt.show()
