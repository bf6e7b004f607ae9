"""
MLP and training in practice: vanishing gradients and transfer learning
=======================================================================

Two lessons of the "training in practice" week, each in one figure.

1. With sigmoid units, the gradient that reaches the first layers of a deep
   network is orders of magnitude smaller than at the top; ReLU keeps it
   (``record_gradient_norms=True`` records the norm per layer and epoch).
2. A network trained on digits 0-4 is a good start for digits 5-9 when
   labels are few: fine-tuning it (``init_from=``) beats training from
   scratch on the same handful of images.
"""

# %%
# Vanishing gradients
# -------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from ml2learn.neural import CNNClassifier, MLPClassifier

X, y = load_digits(return_X_y=True)
X = X / 16
fig, ax = plt.subplots(figsize=(6, 3.4))
for activation in ("sigmoid", "relu"):
    clf = MLPClassifier(
        (32,) * 5,
        activation=activation,
        weight_init="glorot_uniform",
        optimizer="sgd",
        learning_rate=0.01,
        max_epochs=1,
        record_gradient_norms=True,
        random_state=0,
    )
    norms = clf.fit(X, y).gradient_norms_
    layers = [f"hidden.{i}.linear.weight" for i in range(5)]
    ax.semilogy(range(1, 6), [norms[name][0] for name in layers], "o-",
                label=activation)  # fmt: skip
ax.set_xlabel("hidden layer (1 = next to the input)")
ax.set_ylabel("mean gradient norm, epoch 1")
ax.set_xticks(range(1, 6))
ax.legend()
ax.set_title("Vanishing gradients: sigmoid against ReLU")
fig.tight_layout()

# %%
# Transfer learning
# -----------------
# A CNN trained on all the digits 0-4 is fine-tuned on 5 to 40 labelled
# images per class of the digits 5-9 (the copied layers learn at a tenth of
# the rate, the new output layer at the full rate), against the same network
# trained from scratch on those images only.
low, high = y < 5, y >= 5
base = CNNClassifier(image_shape=(8, 8), max_epochs=20, random_state=0)
base.fit(X[low], y[low])
X_train, X_test, y_train, y_test = train_test_split(
    X[high], y[high], test_size=0.5, stratify=y[high], random_state=0
)
sizes = [5, 10, 20, 40]
scores = {"fine-tuned from digits 0-4": [], "from scratch": []}
for n in sizes:
    rows = np.concatenate([np.flatnonzero(y_train == c)[:n] for c in range(5, 10)])
    tuned = CNNClassifier(
        image_shape=(8, 8),
        init_from=base,
        fine_tune_lr_factor=0.1,
        max_epochs=40,
        random_state=0,
    )
    scratch = CNNClassifier(image_shape=(8, 8), max_epochs=40, random_state=0)
    for name, model in zip(scores, (tuned, scratch)):
        model.fit(X_train[rows], y_train[rows])
        scores[name].append(model.score(X_test, y_test))
print("copied:", tuned.copied_layers_, "new:", tuned.new_layers_)
for name, values in scores.items():
    print(f"{name:>27}: " + "  ".join(f"{v:.3f}" for v in values))
fig, ax = plt.subplots(figsize=(6, 3.4))
for name, values in scores.items():
    ax.plot(sizes, values, "o-", label=name)
ax.set_xscale("log")
ax.set_xticks(sizes, [str(n) for n in sizes])
ax.set_xlabel("labelled images per class (digits 5-9)")
ax.set_ylabel("held-out accuracy")
ax.legend()
fig.tight_layout()
plt.show()
