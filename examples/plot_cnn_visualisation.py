"""
CNN visualisation: Grad-CAM, guided backpropagation and top patches
===================================================================

What a convolutional network looks at, three ways, on a small CNN trained
on scikit-learn's digits: Grad-CAM (Selvaraju et al.), the gradient rules of
the notes' comparison (plain gradient, deconvnet, guided backpropagation,
guided Grad-CAM) and the image patches that excite a channel the most,
each cropped to the channel's receptive field.
"""

# sphinx_gallery_thumbnail_number = 2

# %%
# A CNN on the digits
# -------------------
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits

from ml2learn.inspection import (
    deconvnet,
    grad_cam,
    guided_backprop,
    guided_grad_cam,
    plot_heatmaps,
    plot_patches,
    saliency_map,
    top_activating_patches,
)
from ml2learn.neural import CNNClassifier

X, y = load_digits(return_X_y=True)
X = X / 16
cnn = CNNClassifier(
    (16, 32), pooling=None, image_shape=(8, 8), max_epochs=15, random_state=0
).fit(X[:1200], y[:1200])
print(f"held-out accuracy: {cnn.score(X[1200:], y[1200:]):.3f}")

# %%
# Grad-CAM
# --------
# The last convolution's maps weighted by the gradient of the predicted
# class, drawn over each digit.
images = X[1200:1206]
titles = [f"predicted {c}" for c in cnn.predict(images)]
axes = plot_heatmaps(images.reshape(-1, 8, 8), grad_cam(cnn, images), titles=titles)

# %%
# The gradient rules
# ------------------
# One backward pass each, with a different rule at every ReLU.
images = X[1200:1204]
maps = {
    "input": images.reshape(-1, 8, 8),
    "gradient": saliency_map(cnn, images),
    "deconvnet": deconvnet(cnn, images)[:, 0],
    "guided backprop": guided_backprop(cnn, images)[:, 0],
    "Grad-CAM": grad_cam(cnn, images),
    "guided Grad-CAM": guided_grad_cam(cnn, images)[:, 0],
}
fig, axes = plt.subplots(len(images), len(maps), figsize=(9, 6.2))
for column, (title, pictures) in enumerate(maps.items()):
    axes[0, column].set_title(title, fontsize=8)
    for row, picture in enumerate(pictures):
        cmap = "gray" if column == 0 else "inferno"
        axes[row, column].imshow(picture, cmap=cmap)
        axes[row, column].axis("off")
fig.tight_layout()

# %%
# Top activating patches
# ----------------------
# The nine digits that excite two channels of the second convolution the
# most, each cut to what the channel sees.
fig, grids = plt.subplots(1, 2, figsize=(6, 3))
for grid, unit in zip(grids, [3, 11]):
    grid.axis("off")
    grid.set_title(f"features.1, channel {unit}", fontsize=9)
    cells = [
        grid.inset_axes([c / 3, 1 - (r + 1) / 3, 0.3, 0.3])
        for r in range(3)
        for c in range(3)
    ]
    patches = top_activating_patches(cnn, X[:1200], "features.1", unit)
    plot_patches(patches, axes=cells)
plt.show()
