"""The documentation: numpydoc docstrings, runnable examples, offline build."""

import doctest
import importlib
import inspect
import os
import pkgutil
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import ml2learn
from ml2learn import all_estimators

ROOT = Path(__file__).resolve().parents[1]

# numpydoc checks every public estimator's docstrings must pass: a docstring
# exists, every parameter is documented and nothing undocumented is listed,
# sections are in order, Returns/Yields are described.
CHECKED = {"GL08", "PR01", "PR02", "PR03", "PR10", "GL07", "RT03", "YD01", "SS01"}


def _public_modules():
    yield ml2learn
    for info in pkgutil.walk_packages(ml2learn.__path__, prefix="ml2learn."):
        if info.name.split(".")[-1] in {"__main__"}:
            continue
        yield importlib.import_module(info.name)


def _documented_objects():
    for name, cls in all_estimators():
        yield f"{cls.__module__}.{name}"
        for method_name, method in inspect.getmembers(cls, inspect.isfunction):
            if method_name.startswith("_") or method.__module__.split(".")[0] != (
                "ml2learn"
            ):
                continue
            yield f"{cls.__module__}.{name}.{method_name}"


@pytest.mark.parametrize("qualified_name", sorted(set(_documented_objects())))
def test_numpydoc(qualified_name):
    from numpydoc.validate import validate

    result = validate(qualified_name)
    errors = [(code, msg) for code, msg in result["errors"] if code in CHECKED]
    assert not errors, f"{qualified_name}: {errors}"


@pytest.mark.parametrize("module", list(_public_modules()), ids=lambda m: m.__name__)
def test_docstring_examples_run(module):
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in finder.find(module, module.__name__):
        runner.run(test)
    assert runner.failures == 0


@pytest.mark.skipif(
    shutil.which("sphinx-build") is None and importlib.util.find_spec("sphinx") is None,
    reason="sphinx is in the [docs] extra",
)
def test_docs_build_offline(tmp_path):
    for builder in ("html", "doctest"):
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "sphinx",
                "-W",
                "--keep-going",
                "-q",
                "-b",
                builder,
                "-d",
                str(tmp_path / "doctrees"),
                str(ROOT / "docs"),
                str(tmp_path / builder),
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "OMP_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1"},
        )
        assert result.returncode == 0, result.stdout + result.stderr
    html = tmp_path / "html"
    _assert_nothing_is_loaded_from_outside(html)
    # "See Also" names scikit-learn's classes: links, through the shipped
    # inventories (docs/inventories)
    api = (
        html / "api" / "generated" / "ml2learn.ensemble.AdaBoostClassifier.html"
    ).read_text()
    assert (
        "https://scikit-learn.org/stable/modules/generated/sklearn.ensemble.AdaBoostClassifier.html"
        in api
    )
    # the gallery ran, its pictures are in the user guide, the benchmark pages exist
    assert (html / "auto_examples" / "plot_gan.html").exists()
    guide = (html / "user_guide" / "gan.html").read_text()
    assert "sphx_glr_plot_gan_001.png" in guide
    assert "<table" in (html / "benchmarks" / "boosting.html").read_text()


# a script, stylesheet, image, font or frame whose address is on another host
_EXTERNAL_RESOURCE = re.compile(
    r"<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)=[\"'](?:https?:)?//",
    re.IGNORECASE,
)
_EXTERNAL_CSS_URL = re.compile(r"url\(\s*[\"']?(?:https?:)?//", re.IGNORECASE)


def _assert_nothing_is_loaded_from_outside(html_dir):
    """The built pages read without a network: every script, stylesheet,
    image and font they load ships in the build (links to other sites are
    fine: a reader follows them or not)."""
    pages = list(html_dir.rglob("*.html"))
    assert len(pages) > 20
    offenders = [
        f"{page.relative_to(html_dir)}: {match.group(0)}"
        for page in pages
        for match in _EXTERNAL_RESOURCE.finditer(page.read_text(errors="replace"))
    ]
    offenders += [
        f"{sheet.relative_to(html_dir)}: {match.group(0)}"
        for sheet in html_dir.rglob("*.css")
        for match in _EXTERNAL_CSS_URL.finditer(sheet.read_text(errors="replace"))
    ]
    assert not offenders, "\n".join(offenders[:20])
    # the formulas: MathJax is in the build and the pages load it from there
    assert (html_dir / "_static" / "mathjax" / "tex-chtml.js").exists()
    guide = (html_dir / "user_guide" / "boosting.html").read_text()
    assert "_static/mathjax/tex-chtml.js" in guide


def test_every_public_name_has_an_api_entry():
    """Every name a public module exports is on the API page (an autosummary
    entry, which gets its own page, or a ``.. data::`` entry), so that links
    to it resolve."""
    api = (ROOT / "docs" / "api.rst").read_text()
    listed = set(re.findall(r"^   (\w+)\s*$", api, re.M))
    listed |= set(re.findall(r"^\.\. data:: (\w+)", api, re.M))
    namespaces = [
        "ml2learn",
        "ml2learn.adaptation",
        "ml2learn.datasets",
        "ml2learn.ensemble",
        "ml2learn.generative",
        "ml2learn.inspection",
        "ml2learn.neural",
        "ml2learn.neural.modules",
        "ml2learn.text",
    ]
    missing = [
        f"{namespace}.{name}"
        for namespace in namespaces
        for name in importlib.import_module(namespace).__all__
        if name not in listed and not name.startswith("__")
    ]
    assert not missing, missing


def test_pages_name_the_notes_parts_instead_of_line_numbers():
    """A reader without the course notes cannot follow "notes, lines 228-660":
    the documentation and the README name the notes' parts (docs/notes.rst)."""
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.rst"))]
    cited = [
        f"{page.relative_to(ROOT)}: {match.group(0)}"
        for page in pages
        # (the generated gallery and benchmark pages quote their sources)
        if not {"auto_examples", "benchmarks"} & set(page.parts[len(ROOT.parts) :])
        for match in re.finditer(
            r"lines?\s+\d{3,}|notes,?\s+\d{3,}|\b\d{3,}-\d{3,}\b", page.read_text()
        )
    ]
    assert not cited, cited
