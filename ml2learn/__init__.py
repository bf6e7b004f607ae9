"""ml2learn: every method of a modern machine-learning course as a
scikit-learn estimator.

Subpackages
-----------
ensemble
    AdaBoost (with a fast decision stump) and gradient boosting.
"""

__version__ = "0.1.0"

from .utils.discovery import all_estimators  # noqa: E402

__all__ = ["__version__", "all_estimators"]
