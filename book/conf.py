"""Sphinx configuration of the course (``make book``): MyST pages and the executed notebooks,
rendered with myst-nb and sphinx-book-theme, offline (the notebooks are not executed again:
``make reproduce`` ran them)."""

import os

project = "Peer support in Beijing: a reproduction course"
author = "the reproduction's maintainers"
copyright = "the maintainers (code: MIT); the papers: their authors, CC BY 4.0"
extensions = ["myst_nb"]
myst_enable_extensions = ["colon_fence", "deflist", "dollarmath", "amsmath"]
# MathJax from _static (scripts/book.py copies it from the npm registry), never a CDN
html_static_path = ["_static"]
mathjax_path = "mathjax/tex-svg.js"
nb_execution_mode = "off"
# The primers execute (their front matter asks for "cache"): in a jupyter-cache that
# scripts/book.py names after the code and data they read, shared by both editions, so that
# the second edition and a rebuild on unchanged code execute nothing again.
nb_execution_cache_path = os.environ.get("BOOK_EXECUTION_CACHE", "")
nb_execution_raise_on_error = True
html_theme = "sphinx_book_theme"
html_title = "Peer support in Beijing: a reproduction course"
html_theme_options = {"show_toc_level": 2, "use_download_button": False}
html_last_updated_fmt = None
exclude_patterns = ["_build"]
