"""
MLP and training in practice: vanishing gradients and transfer learning
=======================================================================

Two lessons of the "training in practice" week, each in one figure.

1. With sigmoid units, the gradient that reaches the first layers of a deep
   network is orders of magnitude smaller than at the top; ReLU keeps it
   (``record_gradient_norms=True`` records the norm per layer and epoch).
2. A network trained on one task is a good start for a related one when
   labels are few: fine-tuned from a digit reader (``init_from=``), a
   network tells even digits from odd ones better than one trained from
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
    ax.semilogy(
        range(1, 6), [norms[name][0] for name in layers], "o-", label=activation
    )
ax.set_xlabel("hidden layer (1 = next to the input)")
ax.set_ylabel("mean gradient norm, epoch 1")
ax.set_xticks(range(1, 6))
ax.legend()
ax.set_title("Vanishing gradients: sigmoid against ReLU")
fig.tight_layout()

# %%
# Transfer learning
# -----------------
# A CNN trained to read the ten digits on one half of the images is the
# start of a new task on the other half, "is the digit even?", with 5 to 40
# labelled images per answer: fine-tuning it (``init_from=``; the output
# layer is new, the copied layers keep learning) against the same network
# trained from scratch on those images only.
first, second = np.arange(len(X)) < len(X) // 2, np.arange(len(X)) >= len(X) // 2
base = CNNClassifier(image_shape=(8, 8), max_epochs=20, random_state=0)
base.fit(X[first], y[first])
X_train, X_test, y_train, y_test = train_test_split(
    X[second], y[second] % 2, test_size=0.5, stratify=y[second] % 2, random_state=0
)
sizes = [5, 10, 20, 40]
scores = {"fine-tuned from the ten digits": [], "from scratch": []}
for n in sizes:
    rows = np.concatenate([np.flatnonzero(y_train == c)[:n] for c in (0, 1)])
    tuned = CNNClassifier(
        image_shape=(8, 8), init_from=base, max_epochs=40, random_state=0
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
ax.set_xlabel("labelled images per answer (even, odd)")
ax.set_ylabel("held-out accuracy")
ax.legend()
fig.tight_layout()
plt.show()
