"""An estimator's ``__init__`` with other defaults, for a subclass that
differs from its base only in them."""

import functools
import inspect

__all__ = ["init_with_defaults"]


def init_with_defaults(init, **defaults):
    """``init`` with the defaults of the named parameters replaced.

    scikit-learn reads an estimator's parameters and their defaults from the
    signature of its ``__init__`` (``get_params``, ``clone``, the docs), so
    the returned function carries the new signature; calling it fills the
    missing arguments from those defaults and calls ``init``.

    Parameters
    ----------
    init : function
        The base class's ``__init__``.
    **defaults
        New defaults, by parameter name.

    Returns
    -------
    __init__ : function
        To assign as the subclass's ``__init__``.
    """
    signature = inspect.signature(init)
    unknown = set(defaults) - set(signature.parameters)
    if unknown:
        raise TypeError(f"{init.__qualname__} has no parameters {sorted(unknown)}.")
    signature = signature.replace(
        parameters=[
            p.replace(default=defaults[p.name]) if p.name in defaults else p
            for p in signature.parameters.values()
        ]
    )

    @functools.wraps(init)
    def __init__(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        init(*bound.args, **bound.kwargs)

    __init__.__signature__ = signature
    del __init__.__wrapped__  # inspect must read the new signature
    return __init__
