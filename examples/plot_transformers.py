"""
Transformers: attention heads and a vision transformer's rollout
================================================================

Two pictures of self-attention.

- A one-layer transformer on token sequences learns whether token 5 occurs
  twice; its heads attend from ``[CLS]`` and from every token to the 5s.
- A vision transformer on the digits cuts each 8 x 8 image into four
  4 x 4 patches; attention rollout (Abnar and Zuidema, 2020), the product
  of the layers' attention averaged over heads with the residual added,
  shows which patches the ``[CLS]`` token read.
"""

# %%
# Attention heads on tokens
# -------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits

from ml2learn.neural import TransformerClassifier, VisionTransformerClassifier

rng = np.random.RandomState(0)
X = rng.randint(1, 6, size=(400, 8))
y = (X == 5).sum(axis=1) >= 2  # does token 5 occur twice?
clf = TransformerClassifier(
    32, 4, num_layers=1, token_input=True, max_epochs=40, random_state=0
).fit(X, y)
row = np.array([[5, 1, 2, 5, 3, 4, 1, 2]])
maps = clf.attention_maps(row)[0, 0]  # layer 1, the row: (heads, 9, 9)
labels = ["[CLS]"] + [str(t) for t in row[0]]
fig, axes = plt.subplots(1, 4, figsize=(10, 2.8))
for head, ax in enumerate(axes):
    ax.imshow(maps[head], cmap="viridis")
    ax.set_title(f"head {head + 1}", fontsize=9)
    ax.set_xticks(range(9), labels, fontsize=6, rotation=90)
    ax.set_yticks(range(9), labels, fontsize=6)
fig.tight_layout()

# %%
# A vision transformer's attention rollout
# ----------------------------------------
X, y = load_digits(return_X_y=True)
X = X / 16
vit = VisionTransformerClassifier(
    2,
    64,
    4,
    num_layers=2,
    image_shape=(8, 8),
    learning_rate=3e-3,
    batch_size=64,
    max_epochs=20,
    random_state=0,
)
vit.fit(X[:1500], y[:1500])
print(f"held-out accuracy: {vit.score(X[1500:], y[1500:]):.3f}")
rollout = vit.attention_rollout(X[1500:1506])  # (6, 4, 4)
predicted = vit.predict(X[1500:1506])
fig, axes = plt.subplots(2, 6, figsize=(9, 3.3))
for i in range(6):
    axes[0, i].imshow(X[1500 + i].reshape(8, 8), cmap="gray_r")
    axes[0, i].set_title(f"predicted {predicted[i]}", fontsize=8)
    axes[1, i].imshow(rollout[i], cmap="magma")
for ax in axes.ravel():
    ax.set_xticks([])
    ax.set_yticks([])
axes[0, 0].set_ylabel("digit")
axes[1, 0].set_ylabel("rollout")
fig.tight_layout()
plt.show()
