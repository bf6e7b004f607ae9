"""Real English text that ships with scikit-learn, for text examples offline."""

import re

import numpy as np
from sklearn import datasets
from sklearn.utils import Bunch

__all__ = ["load_dataset_descriptions", "load_sklearn_docstrings"]

_LOADERS = ("iris", "digits", "breast_cancer", "wine", "diabetes", "linnerud")


def load_dataset_descriptions(min_words=6):
    """Sentences of scikit-learn's bundled data-set descriptions, labelled by
    data set: a small real-text classification problem needing no download.

    Parameters
    ----------
    min_words : int, default=6
        Shorter sentences (titles, rules, table rows) are left out.

    Returns
    -------
    data : Bunch
        ``data``: list of sentences; ``target``: index of the data set each
        comes from; ``target_names``: the data sets' names.

    Examples
    --------
    >>> from ml2learn.datasets import load_dataset_descriptions
    >>> corpus = load_dataset_descriptions()
    >>> len(corpus.data) == len(corpus.target) > 50
    True
    """
    paragraphs, target = [], []
    for label, name in enumerate(_LOADERS):
        description = getattr(datasets, f"load_{name}")().DESCR
        for paragraph in re.split(r"\n\s*\n", description):
            text = " ".join(paragraph.split())
            for sentence in re.split(r"(?<=[.!?])\s+", text):
                if len(re.findall(r"[A-Za-z]{2,}", sentence)) >= min_words:
                    paragraphs.append(sentence)
                    target.append(label)
    return Bunch(data=paragraphs, target=np.array(target), target_names=list(_LOADERS))


_MODULES = (
    "cluster",
    "decomposition",
    "ensemble",
    "linear_model",
    "metrics",
    "model_selection",
    "neighbors",
    "preprocessing",
    "svm",
    "tree",
)


def load_sklearn_docstrings(modules=_MODULES, min_words=8):
    """Paragraphs of scikit-learn's own docstrings, labelled by module: a
    few thousand documents of real English for text classification and
    word vectors, read from the installed scikit-learn (no download).

    Parameters
    ----------
    modules : tuple of str, default=("cluster", "decomposition", "ensemble", \
"linear_model", "metrics", "model_selection", "neighbors", "preprocessing", \
"svm", "tree")
        Sub-packages of ``sklearn``; each is a class.
    min_words : int, default=8
        Shorter paragraphs (and code examples) are left out.

    Returns
    -------
    data : Bunch
        ``data``: list of paragraphs; ``target``: index of the module each
        comes from; ``target_names``: the modules. The text depends on the
        installed scikit-learn version (about 5,500 paragraphs and 154,000
        words with 1.9).

    Examples
    --------
    >>> from ml2learn.datasets import load_sklearn_docstrings
    >>> corpus = load_sklearn_docstrings(modules=("svm", "tree"))
    >>> corpus.target_names
    ['svm', 'tree']
    >>> len(corpus.data) == len(corpus.target) > 100
    True
    """
    import importlib
    import inspect

    data, target = [], []
    for label, name in enumerate(modules):
        module = importlib.import_module(f"sklearn.{name}")
        seen = set()
        for attribute in sorted(getattr(module, "__all__", dir(module))):
            try:
                obj = getattr(module, attribute, None)
            except ImportError:  # experimental estimators need an opt-in
                continue
            if attribute.startswith("_") or id(obj) in seen:
                continue
            seen.add(id(obj))
            if not (inspect.isclass(obj) or inspect.isfunction(obj)):
                continue
            for paragraph in re.split(r"\n\s*\n", inspect.getdoc(obj) or ""):
                text = " ".join(paragraph.split())
                # code, directives and the "Read more in the User Guide" line
                if text.startswith((">>>", "..", "Read more in the")):
                    continue
                if len(re.findall(r"[A-Za-z]{2,}", text)) >= min_words:
                    data.append(text)
                    target.append(label)
    return Bunch(data=data, target=np.array(target), target_names=list(modules))
