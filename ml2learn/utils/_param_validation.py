"""The one import point of scikit-learn's private parameter validators.

scikit-learn keeps ``Interval``, ``StrOptions``, ``HasMethods`` and
``_fit_context`` in private modules. Every ml2learn estimator imports them from
here, so that a change in scikit-learn touches this file only.
"""

import re
from numbers import Integral

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
    "N_JOBS",
    "HasMethods",
    "Hidden",
    "Interval",
    "Options",
    "RealNotInt",
    "RegularExpression",
    "StrOptions",
    "_fit_context",
    "validate_params",
]


class RegularExpression(Options):
    """A string that :func:`re.compile` accepts (a ``token_pattern``).

    Without it an invalid pattern such as ``"("`` fails deep inside the
    tokeniser with :class:`re.error`; with it, ``fit`` raises scikit-learn's
    ``InvalidParameterError`` naming the parameter. (A subclass of
    ``Options`` because scikit-learn's validator accepts only its own
    constraint types.)
    """

    def __init__(self):
        super().__init__(str, set())

    def is_satisfied_by(self, val):
        if not isinstance(val, str):
            return False
        try:
            re.compile(val)
        except re.error:
            return False
        return True

    def __str__(self):
        return "a valid regular expression (a str that re.compile accepts)"


#: ``n_jobs`` as joblib reads it: a positive count, -1 for every core, -2 for
#: all but one, ...; 0 means nothing, so it is refused with the parameter's name.
N_JOBS = [
    Interval(Integral, None, -1, closed="right"),
    Interval(Integral, 1, None, closed="left"),
    None,
]
