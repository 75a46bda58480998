"""Sphinx configuration of the skrnn documentation.

Build from the repository root with warnings as errors (``make docs``)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

Set ``SKRNN_DOCS_SKIP_GALLERY=1`` to build without running the examples in
``examples/`` (their pages are still generated, with code but no output), as CI
does. Run the code on the pages and in the docstrings as doctests with::

    python -m sphinx -b doctest docs docs/_build/doctest
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
# Document the checkout this file belongs to, whether or not it is installed.
sys.path.insert(0, str(ROOT))

import skrnn  # noqa: E402

# -- Project -------------------------------------------------------------------

project = "skrnn"
author = "skrnn developers"
copyright = "skrnn developers"
release = skrnn.__version__
version = ".".join(release.split(".")[:2])

# -- General -------------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**/*.ipynb", "user_guide/generated"]
root_doc = "index"
default_role = "literal"
pygments_style = "sphinx"

# -- autodoc / autosummary / numpydoc --------------------------------------------

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"
# The class template lists the methods itself (see _templates/autosummary).
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False


def _from_sklearn(obj) -> bool:
    """Whether a method is scikit-learn's own (inherited from a base class or mixin)."""
    return (getattr(obj, "__module__", None) or "").startswith("sklearn.")


def _sklearn_methods(cls) -> list[tuple[str, str]]:
    """Public methods ``cls`` takes from scikit-learn, with where they come from."""
    methods = []
    for name in dir(cls):
        if name.startswith("_") or not _from_sklearn(getattr(cls, name)):
            continue
        owner = next(k for k in cls.__mro__ if name in vars(k))
        if name == "get_metadata_routing" or name.endswith("_request"):
            origin = "metadata routing"
        elif owner.__module__ == "sklearn.base":
            origin = f"sklearn.base.{owner.__name__}"
        else:
            origin = "the set_output API"
        methods.append((name, origin))
    return methods


def _skip_sklearn_members(app, what, name, obj, skip, options):
    # scikit-learn's inherited methods cross-reference scikit-learn's own user
    # guide; the class pages list them by name instead of repeating their text.
    if what == "class" and _from_sklearn(obj):
        return True
    return None


_DOCUMENTED_CLASSES = [
    "skrnn.RNNClassifier",
    "skrnn.RNNRegressor",
    "skrnn.RNNSequenceTagger",
    "skrnn.RNNLanguageModel",
    "skrnn.RNNEncoderDecoder",
    "skrnn.preprocessing.Tokenizer",
    "skrnn.preprocessing.SequenceScaler",
    "skrnn.preprocessing.WordShapes",
]


def _import(path: str):
    module, _, name = path.rpartition(".")
    return getattr(__import__(module, fromlist=[name]), name)


autosummary_context = {
    "sklearn_methods": {
        path: _sklearn_methods(_import(path)) for path in _DOCUMENTED_CLASSES
    }
}


def _fix_included_descr(app, relative_path, parent_docname, content):
    """Make the DESCR texts of skrnn.datasets valid inside a Sphinx page.

    In brown_pos.rst, the table cell for the Brown tag of the opening quote is
    six backquotes, a literal of two: plain text for ``print(DESCR)`` (and the
    test that parses the table), but reST reads a cell of 4+ repeated punctuation
    characters as a transition. A substitution of the same width renders it.
    """
    if Path(relative_path).name == "brown_pos.rst":
        cell = "``````     ``.``"
        if cell in content[0]:
            content[0] = content[0].replace(cell, "|bq2|      ``.``", 1)
            content[0] += "\n\n.. |bq2| replace:: :literal:`\\`\\``\n"


def _cells_table() -> str:
    """The table of cells on the cells page, written from skrnn's registry."""
    from skrnn._cells import CELLS

    rows = [
        f"   * - ``cell=\"{name}\"``\n"
        f"     - {spec.description}\n"
        f"     - {', '.join(spec.gates)}\n"
        f"     - {', '.join(spec.sigmoid_gates) or '(none)'}\n"
        f"     - {'yes' if spec.has_cell_state else 'no'}"
        for name, spec in CELLS.items()
    ]
    header = (
        ".. list-table::\n   :header-rows: 1\n\n"
        "   * - cell\n     - what it is\n     - gate blocks, in order\n"
        "     - sigmoid gates\n     - cell state\n"
    )
    return header + "\n".join(rows) + "\n"


def _write_generated() -> None:
    out = Path(__file__).parent / "user_guide" / "generated"
    out.mkdir(exist_ok=True)
    (out / "cells_table.rst").write_text(_cells_table())


def setup(app):
    _write_generated()
    app.connect("autodoc-skip-member", _skip_sklearn_members)
    app.connect("include-read", _fix_included_descr)


# -- doctest ---------------------------------------------------------------------

doctest_global_setup = """
import warnings
import numpy as np
from sklearn.exceptions import ConvergenceWarning
warnings.simplefilter("ignore", ConvergenceWarning)
try:
    import torch
except ImportError:
    torch = None
"""

# -- sphinx-gallery ----------------------------------------------------------------

# The gallery is built from examples/plot_*.py. Locally every example runs and its
# output and figures appear on its page; with SKRNN_DOCS_SKIP_GALLERY=1 (CI) the
# pages are generated from the source without running anything.
skip_gallery = os.environ.get("SKRNN_DOCS_SKIP_GALLERY", "") not in ("", "0")

EXAMPLES = ROOT / "examples"
GALLERY_HEADERS = [
    f"{name}.{ext}"
    for name in ("GALLERY_HEADER", "README", "readme")
    for ext in ("rst", "txt")
]
have_gallery = any((EXAMPLES / name).is_file() for name in GALLERY_HEADERS)
if not have_gallery:
    # sphinx-gallery refuses an examples directory without a header page. Until
    # examples/ has one, build the rest of the site with a placeholder page.
    print(
        f"skrnn docs: {EXAMPLES} has no GALLERY_HEADER.rst; the gallery is a "
        "placeholder in this build.",
        file=sys.stderr,
    )
    placeholder = DOCS / "auto_examples" / "index.rst"
    placeholder.parent.mkdir(exist_ok=True)
    placeholder.write_text(
        ".. _examples:\n\nExamples\n========\n\n"
        "The gallery is built from ``examples/plot_*.py``, which this checkout "
        "does not hold yet.\n",
        encoding="utf-8",
    )

sphinx_gallery_conf = {
    "examples_dirs": [str(EXAMPLES)] if have_gallery else [],
    "gallery_dirs": ["auto_examples"] if have_gallery else [],
    "filename_pattern": r"/plot_",
    "plot_gallery": "False" if skip_gallery else "True",
    "doc_module": ("skrnn",),
    "backreferences_dir": "gen_modules/backreferences",
    "reference_url": {"skrnn": None},
    "download_all_examples": False,
    "within_subsection_order": "FileNameSortKey",
    "remove_config_comments": True,
    "matplotlib_animations": False,
}

# -- HTML ---------------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"skrnn {release}"
html_static_path = []
html_theme_options = {
    "navigation_with_keys": False,
    "show_prev_next": True,
    "secondary_sidebar_items": ["page-toc"],
}
html_show_sourcelink = False
