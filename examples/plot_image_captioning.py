"""
Image captioning with attention: which pixels each word came from
=================================================================

Show, attend and tell (Xu et al., 2015) on strips of scikit-learn's digits:
a CNN encodes the strip into a grid of feature vectors and an LSTM writes
the caption word by word ("seven two nine"), attending to the grid at every
word. The test strips are digit combinations never seen in training.
"""

import matplotlib.pyplot as plt
import numpy as np

from ml2learn.datasets import make_digit_captions
from ml2learn.neural import ImageCaptioner

X_train, X_test, y_train, y_test = make_digit_captions(
    2000, 200, max_digits=3, random_state=0
)
captioner = ImageCaptioner(
    hidden_size=64, learning_rate=3e-3, max_epochs=12, random_state=0
).fit(X_train, y_train)
print(f"exact match on unseen combinations: {captioner.score(X_test, y_test):.3f}")
print("first captions:", list(captioner.predict(X_test[:3])))

# %%
# The attention of each word over the strip (4 x 4-pixel cells):
maps, words = captioner.attention_maps(X_test[:2], return_tokens=True)
fig, axes = plt.subplots(2, 4, figsize=(10, 2.6))
for row in range(2):
    axes[row, 0].imshow(X_test[row, 0], cmap="gray_r")
    axes[row, 0].set_title(" ".join(words[row][:-1]), fontsize=8)
    for step in range(3):
        ax = axes[row, step + 1]
        ax.imshow(X_test[row, 0], cmap="gray_r")
        if step < len(words[row]):
            cells = np.kron(maps[row, step], np.ones((4, 4)))
            ax.imshow(cells, cmap="magma", alpha=0.6)
            ax.set_title(words[row][step], fontsize=8)
for ax in axes.ravel():
    ax.set_xticks([])
    ax.set_yticks([])
fig.tight_layout()
plt.show()
