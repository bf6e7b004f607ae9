"""Sphinx configuration: builds offline, API pages from numpydoc docstrings."""

import ml2learn

project = "ml2learn"
author = "ml2learn developers"
release = version = ml2learn.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.doctest",
    "numpydoc",
    "matplotlib.sphinxext.plot_directive",
]
plot_formats = [("png", 100)]
plot_html_show_formats = False
plot_html_show_source_link = False
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_static_path = []
# math is rendered by MathJax in the reader's browser; nothing is fetched at build
mathjax_path = "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js"
nitpicky = False
# scikit-learn's inherited docstrings (score, set_*_request) cite labels of
# scikit-learn's own documentation, which does not exist in this build
autodoc_default_options["exclude-members"] = (
    "set_fit_request,set_score_request,set_predict_request,set_params,get_params,"
    "get_metadata_routing"
)
suppress_warnings = ["ref.ref", "ref.term"]
# the doctest builder runs the user guide's ``.. doctest::`` blocks; the
# docstrings' examples run in tests/test_docs.py::test_docstring_examples_run,
# so the API pages' ``>>>`` blocks are not run a second time here
doctest_test_doctest_blocks = ""
