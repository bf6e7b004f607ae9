"""ml2learn: every method of a modern machine-learning course as a
scikit-learn estimator.

Subpackages
-----------
ensemble
    AdaBoost (with a fast decision stump) and gradient boosting.
neural
    MLP, CNN, RNN/LSTM/GRU, taggers, transformers, language models and
    seq2seq translators (skorch).
generative
    GAN and DCGAN (unconditional or conditional), pix2pix, CycleGAN.
inspection
    Activation maps, saliency, CAM, Grad-CAM; pictures of word vectors and
    of attention alignments.
text
    Preprocessing, TF-IDF, BPE, sequences of ids, word embeddings.
adaptation
    TrAdaBoost, DANN, domain-aware cross-validation and scoring.
datasets
    The notes' worked examples, offline text, domain-shift makers.
"""

__version__ = "0.1.0"

import logging  # noqa: E402

from .utils.discovery import all_estimators  # noqa: E402

# a library's messages are the application's to show: nothing by default
logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = ["__version__", "all_estimators"]
