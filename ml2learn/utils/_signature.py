"""An estimator's ``__init__`` with other defaults or a few more
parameters, for a subclass that differs from its base only in them."""

import inspect

__all__ = ["init_with_defaults"]


def init_with_defaults(init, *, added=None, after=None, **defaults):
    """``init`` with the defaults of the named parameters replaced, and
    optionally more keyword parameters stored as attributes.

    scikit-learn reads an estimator's parameters and their defaults from the
    signature of its ``__init__`` (``get_params``, ``clone``, the docs), so
    the returned function carries the new signature; calling it fills the
    missing arguments from those defaults, calls ``init`` with the base's
    parameters and sets each added one as an attribute of the same name.

    Parameters
    ----------
    init : function
        The base class's ``__init__``.
    added : dict, default=None
        New keyword-only parameters and their defaults.
    after : str, default=None
        The parameter the added ones follow in the signature (the order of
        the docstring); None puts them last.
    **defaults
        New defaults of the base's parameters, by name.

    Returns
    -------
    __init__ : function
        To assign as the subclass's ``__init__``.
    """
    base = inspect.signature(init)
    unknown = set(defaults) - set(base.parameters)
    if unknown:
        raise TypeError(f"{init.__qualname__} has no parameters {sorted(unknown)}.")
    parameters = [
        p.replace(default=defaults[p.name]) if p.name in defaults else p
        for p in base.parameters.values()
    ]
    added = added or {}
    extra = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=value)
        for name, value in added.items()
    ]
    names = [p.name for p in parameters]
    at = names.index(after) + 1 if after is not None else len(parameters)
    signature = base.replace(parameters=parameters[:at] + extra + parameters[at:])

    def __init__(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        values = dict(bound.arguments)
        own = {name: values.pop(name) for name in added}
        self = values.pop("self")
        init(self, **values)
        for name, value in own.items():
            setattr(self, name, value)

    __init__.__signature__ = signature
    __init__.__doc__ = init.__doc__
    __init__.__qualname__ = init.__qualname__
    return __init__
