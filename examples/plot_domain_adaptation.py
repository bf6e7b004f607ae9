"""
Domain adaptation: DANN aligns the source and target features
=============================================================

Two moons for the source domain, the same moons rotated by 30 degrees for
the target, whose labels are never seen. Trained on the source alone, the
network's features (projected on two principal axes) keep the domains
apart and the target is misread; with the gradient-reversal layer of Ganin
et al. (2016) the feature extractor is trained to fool a domain classifier,
the two clouds overlap, and the target accuracy rises.
"""

import matplotlib.pyplot as plt
from sklearn.decomposition import PCA

from ml2learn.adaptation import DANNClassifier, pack_domains
from ml2learn.datasets import make_domain_shift

data = make_domain_shift("moons", n_samples=300, angle=30, random_state=0)
X, y, domain = pack_domains(data.X_source, data.y_source, data.X_target)
fig, axes = plt.subplots(1, 2, figsize=(8, 3.6))
for ax, weight, title in zip(axes, [0.0, 1.0], ["source only", "DANN"]):
    model = DANNClassifier(domain_weight=weight, max_epochs=150, random_state=0)
    model.fit(X, y, sample_domain=domain)
    features = PCA(2).fit_transform(model.extract_features(X))
    for rows, name in [(domain > 0, "source"), (domain < 0, "target")]:
        ax.scatter(*features[rows].T, s=6, alpha=0.6, label=name)
    accuracy = model.score(data.X_target, data.y_target)
    print(f"{title}: target accuracy {accuracy:.3f}")
    ax.set_title(f"{title}: target accuracy {accuracy:.2f}")
    ax.set_xticks([])
    ax.set_yticks([])
axes[0].legend()
fig.tight_layout()
plt.show()
