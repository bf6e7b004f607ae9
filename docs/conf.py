"""Sphinx configuration: builds offline, API pages from numpydoc docstrings."""

import sys
from pathlib import Path

import ml2learn

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "ml2learn"
author = "ml2learn developers"
release = version = ml2learn.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    # MathJax 3 copied into _static: formulas render with no network
    "sphinx-mathjax-offline",
    "sphinx.ext.doctest",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "benchmark_pages",
]
# examples/plot_*.py run once and are cached: sphinx-gallery keeps each
# script's checksum beside its output (docs/auto_examples) and reruns only
# the scripts that changed
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "abort_on_example_error": True,
    "min_reported_time": 0,
    "show_memory": False,
    "matplotlib_animations": False,
    # its execution-times page loads DataTables from CDNs; each example's
    # page gives its own running time
    "write_computation_times": False,
    # the examples run in two processes: a cold build takes half the time
    "parallel": 2,
}
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# links into the reference libraries' documentation, from inventories that
# ship with the repository (docs/inventories/make_inventories.py writes them),
# so the build reads nothing from the network
_INVENTORIES = Path(__file__).parent / "inventories"
intersphinx_mapping = {
    "sklearn": ("https://scikit-learn.org/stable/", str(_INVENTORIES / "sklearn.inv")),
    "numpy": ("https://numpy.org/doc/stable/", str(_INVENTORIES / "numpy.inv")),
    "torch": ("https://docs.pytorch.org/docs/stable/", str(_INVENTORIES / "torch.inv")),
    "skorch": (
        "https://skorch.readthedocs.io/en/stable/",
        str(_INVENTORIES / "skorch.inv"),
    ),
}
exclude_patterns = [
    "_build",
    "_ext",
    "inventories",
    "sg_execution_times.rst",
    "auto_examples/sg_execution_times.rst",
    "auto_examples/*.ipynb",
    "auto_examples/*.py",
]
# scikit-learn's theme; its fonts and scripts ship with it (nothing is fetched)
html_theme = "pydata_sphinx_theme"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    # an example's code is the page: it gets the width of the page's table
    # of contents
    "secondary_sidebar_items": {
        "*": ["page-toc"],
        "user_guide/*": ["page-toc"],
        "api/**": ["page-toc"],
        "benchmarks/*": ["page-toc"],
        "auto_examples/*": [],
    },
}
html_title = f"ml2learn {release}"
html_static_path = ["_static"]
html_css_files = ["ml2learn.css"]
copyright = "the ml2learn developers (BSD-3-Clause)"
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
