"""Write the intersphinx inventories the offline docs build links with.

The build cannot download scikit-learn's, numpy's, torch's and skorch's
``objects.inv``, so this script writes equivalent inventories from the
installed packages: every public class and function, at the address each
project's documentation gives it (scikit-learn:
``modules/generated/<name>.html``, numpy: ``reference/generated/<name>.html``,
torch: ``generated/<name>.html``, skorch: ``<module>.html#<name>``). Run it
after upgrading one of them: ``python docs/inventories/make_inventories.py``.
"""

import importlib
import inspect
import pkgutil
import zlib
from pathlib import Path

HERE = Path(__file__).parent


def _public(module):
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in dir(module) if not n.startswith("_")]
    for name in names:
        obj = getattr(module, name, None)
        if inspect.isclass(obj):
            yield name, "py:class"
        elif inspect.isfunction(obj) or inspect.isbuiltin(obj) or callable(obj):
            yield name, "py:function"


def _modules(package, skip=("tests", "externals", "_")):
    yield package
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        parts = info.name.split(".")
        if any(p.startswith("_") or p in skip for p in parts[1:]):
            continue
        try:
            yield importlib.import_module(info.name)
        except Exception:  # optional dependencies of a submodule
            continue


def _write(path, project, version, entries):
    lines = sorted(set(entries))
    body = "".join(f"{name} {role} 1 {uri} -\n" for name, role, uri in lines)
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {project}\n"
        f"# Version: {version}\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    path.write_bytes(header.encode() + zlib.compress(body.encode()))
    print(f"{path.name}: {len(lines)} names")


def sklearn_entries():
    import sklearn

    for module in _modules(sklearn):
        for name, role in _public(module):
            full = f"{module.__name__}.{name}"
            if module.__name__ == "sklearn" and role == "py:class":
                continue
            yield full, role, f"modules/generated/{full}.html#{full}"
        if module.__name__ != "sklearn":
            yield module.__name__, "py:module", f"api/{module.__name__}.html"


def numpy_entries():
    import numpy

    for name, role in _public(numpy):
        if name[0].isupper() and role == "py:class" and name not in ("ndarray",):
            continue
        full = f"numpy.{name}"
        yield full, role, f"reference/generated/{full}.html#{full}"
    pages = {
        "numpy.random": "reference/random/generated",
        "numpy.linalg": "reference/generated",
    }
    for module, page in pages.items():
        for name, role in _public(importlib.import_module(module)):
            full = f"{module}.{name}"
            yield full, role, f"{page}/{full}.html#{full}"


def torch_entries():

    for module in ("torch", "torch.nn", "torch.optim", "torch.nn.functional"):
        mod = importlib.import_module(module)
        for name, role in _public(mod):
            if module == "torch" and name[0].isupper() and name not in ("Tensor",):
                continue
            full = f"{module}.{name}"
            yield full, role, f"generated/{full}.html#{full}"


def skorch_entries():
    pages = {
        "skorch.net": "net.html",
        "skorch.classifier": "classifier.html",
        "skorch.regressor": "regressor.html",
        "skorch.callbacks": "callbacks.html",
        "skorch.dataset": "dataset.html",
        "skorch.helper": "helper.html",
        "skorch.hf": "hf.html",
    }
    for module, page in pages.items():
        try:
            mod = importlib.import_module(module)
        except Exception:
            continue
        for name, role in _public(mod):
            obj = getattr(mod, name)
            if getattr(obj, "__module__", "").split(".")[0] != "skorch":
                continue
            full = f"{module}.{name}"
            yield full, role, f"{page}#{full}"
    for name in ("NeuralNet", "NeuralNetClassifier", "NeuralNetRegressor"):
        yield f"skorch.{name}", "py:class", f"net.html#skorch.net.{name}"


if __name__ == "__main__":
    import numpy
    import sklearn
    import skorch
    import torch

    _write(HERE / "sklearn.inv", "scikit-learn", sklearn.__version__, sklearn_entries())
    _write(HERE / "numpy.inv", "NumPy", numpy.__version__, numpy_entries())
    _write(
        HERE / "torch.inv", "PyTorch", torch.__version__.split("+")[0], torch_entries()
    )
    _write(HERE / "skorch.inv", "skorch", skorch.__version__, skorch_entries())
