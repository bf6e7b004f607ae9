"""The one import point of scikit-learn's private parameter validators.

scikit-learn keeps ``Interval``, ``StrOptions``, ``HasMethods`` and
``_fit_context`` in private modules. Every ml2learn estimator imports them from
here, so that a change in scikit-learn touches this file only.
"""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import (
    HasMethods,
    Hidden,
    Interval,
    Options,
    RealNotInt,
    StrOptions,
    validate_params,
)

__all__ = [
    "HasMethods",
    "Hidden",
    "Interval",
    "Options",
    "RealNotInt",
    "StrOptions",
    "_fit_context",
    "validate_params",
]
