"""
Boosting: the Haar features AdaBoost picks for faces
=====================================================

Viola and Jones boost decision stumps over Haar-like features: differences
of sums of pixels over adjacent rectangles, each computed in four look-ups
of the integral image. AdaBoost's first rounds pick the features that tell
faces from non-faces best; drawn on a face, they sit on the eyes, the
nose bridge and the cheeks, as in the paper's figure 3.
"""

# %%
# Face and non-face windows
# -------------------------
# 25 x 25 grey windows: 100 faces of the Labeled Faces in the Wild sample
# and 100 windows without a face, both shipped with scikit-image.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from ml2learn.datasets import load_lfw_windows
from ml2learn.ensemble import AdaBoostClassifier, HaarFeatures

windows, y = load_lfw_windows(return_X_y=True)
W_train, W_test, y_train, y_test = train_test_split(
    windows, y, test_size=0.3, stratify=y, random_state=0
)
print(f"{len(windows)} windows of {windows.shape[1]} x {windows.shape[2]} pixels")

# %%
# Boosting stumps over random Haar features
# -----------------------------------------
# ``HaarFeatures`` evaluates 20,000 of the features on every window from its
# integral image; each AdaBoost round fits a stump on the best one.
pipe = make_pipeline(
    HaarFeatures(max_features=20000, random_state=0),
    AdaBoostClassifier(n_estimators=40),
)
pipe.fit(W_train, y_train)
haar, boost = pipe[0], pipe[-1]
print(f"held-out accuracy after 40 rounds: {pipe.score(W_test, y_test):.3f}")

# %%
# The first four features, drawn on a face (red adds, blue subtracts):
face = W_test[np.flatnonzero(y_test == 1)[4]]
fig, axes = plt.subplots(1, 4, figsize=(8, 2.4))
for ax, stump in zip(axes, boost.estimators_[:4]):
    ax.imshow(haar.draw_feature(stump.feature_, face))
    ax.set_title(haar.get_feature_names_out()[stump.feature_], fontsize=7)
    ax.axis("off")
fig.suptitle("The first features AdaBoost selects (red +, blue -)")
fig.tight_layout()

# %%
# The boosted vote on held-out windows
# ------------------------------------
# ``decision_function`` is the weighted vote ``F(x) = sum_t alpha_t h_t(x)``:
# faces and non-faces fall on either side of zero, the threshold that a
# cascade stage lowers until it keeps every face.
scores = pipe.decision_function(W_test)
fig, ax = plt.subplots(figsize=(6, 3))
bins = np.linspace(scores.min(), scores.max(), 25)
ax.hist(scores[y_test == 1], bins, alpha=0.7, label="faces")
ax.hist(scores[y_test == 0], bins, alpha=0.7, label="non-faces")
ax.axvline(0, color="0.3", lw=0.8)
ax.set_xlabel("decision_function (the boosted vote)")
ax.legend()
fig.tight_layout()
plt.show()
