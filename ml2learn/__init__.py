"""ml2learn: every method of a modern machine-learning course as a
scikit-learn estimator.

Subpackages
-----------
ensemble
    AdaBoost (with a fast decision stump) and gradient boosting.
neural
    MLP, CNN, RNN/LSTM/GRU, transformers and language models (skorch).
inspection
    Activation maps, saliency, CAM, Grad-CAM; pictures of word vectors.
text
    Preprocessing, TF-IDF, BPE, sequences of ids, word embeddings.
adaptation
    TrAdaBoost, DANN, domain-aware cross-validation and scoring.
datasets
    The notes' worked examples, offline text, domain-shift makers.
"""

__version__ = "0.1.0"

from .utils.discovery import all_estimators  # noqa: E402

__all__ = ["__version__", "all_estimators"]
