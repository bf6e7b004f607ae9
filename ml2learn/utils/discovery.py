"""Discovery of ml2learn's public estimators."""

import inspect
import pkgutil
from importlib import import_module
from operator import itemgetter

from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    ClusterMixin,
    RegressorMixin,
    TransformerMixin,
)

__all__ = ["all_estimators"]

_TYPE_MIXINS = {
    "classifier": ClassifierMixin,
    "regressor": RegressorMixin,
    "transformer": TransformerMixin,
    "cluster": ClusterMixin,
}


def _public_modules():
    import ml2learn

    root = ml2learn.__path__
    yield ml2learn
    for info in pkgutil.walk_packages(root, prefix="ml2learn."):
        parts = info.name.split(".")
        if any(part.startswith("_") for part in parts) or "tests" in parts:
            continue
        if parts[1] in {"cli", "utils"}:
            continue
        yield import_module(info.name)


def all_estimators(type_filter=None):
    """Return every public estimator class of ml2learn.

    Like :func:`sklearn.utils.discovery.all_estimators`, it walks the public
    subpackages and collects the non-abstract classes that derive from
    :class:`sklearn.base.BaseEstimator` and are listed in a module's ``__all__``.

    Parameters
    ----------
    type_filter : {"classifier", "regressor", "transformer", "cluster"} or list \
            of them, default=None
        Keep only the estimators of these types. ``None`` keeps them all.

    Returns
    -------
    estimators : list of (str, type)
        ``(name, class)`` pairs sorted by name, each class listed once.

    Examples
    --------
    >>> from ml2learn import all_estimators
    >>> names = [name for name, _ in all_estimators(type_filter="classifier")]
    >>> "AdaBoostClassifier" in names
    True
    """
    found = {}
    for module in _public_modules():
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name, None)
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseEstimator)
                and not inspect.isabstract(obj)
                and not name.startswith("_")
            ):
                found[name] = obj
    estimators = sorted(found.items(), key=itemgetter(0))
    if type_filter is None:
        return estimators
    filters = [type_filter] if isinstance(type_filter, str) else list(type_filter)
    unknown = set(filters) - set(_TYPE_MIXINS)
    if unknown:
        raise ValueError(
            f"type_filter must be None or among {sorted(_TYPE_MIXINS)}; "
            f"got {sorted(unknown)}."
        )
    mixins = tuple(_TYPE_MIXINS[f] for f in filters)
    return [(n, c) for n, c in estimators if issubclass(c, mixins)]


def _text_estimators(estimators):
    """The ``(name, class)`` pairs whose input is text, not a 2-D array."""
    from sklearn.utils import get_tags

    selected = []
    for name, cls in estimators:
        tags = get_tags(cls())
        if tags.input_tags.string and not tags.input_tags.two_d_array:
            selected.append((name, cls))
    return selected


def _text_output_estimators(estimators):
    """The ``(name, class)`` pairs whose targets and outputs are texts (the
    translator, the image captioner): scikit-learn's checks feed numbers as
    ``y``, so their own tests check the same things."""
    from ..neural._text_output import TextOutputMixin

    return [(name, cls) for name, cls in estimators if issubclass(cls, TextOutputMixin)]
