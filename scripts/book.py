"""Build the course (``make book``): the text chapters of ``book/`` and the executed notebooks,
rendered offline by Sphinx with myst-nb and sphinx-book-theme into
``build/book/html/index.html``.

The sources are assembled in ``build/book/src``: ``book/*.md`` and ``book/conf.py`` as they
are, MathJax (from the npm registry, into ``_static``: maths renders offline), and each
executed notebook with a first cell saying what you will learn and what to take
away (``book/chapters.csv``). Notebooks are not executed again (``make reproduce`` ran them).
Sphinx warnings are errors, so a broken link or a missing page fails the build.
``--edition student`` (``make book-student``) builds the students' edition into
``build/book-student/html/``: the same course, each exercise without its answer.
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
SOURCE = ROOT / "build" / "book" / "src"
HTML = ROOT / "build" / "book" / "html"


def chapter_notes() -> dict[str, dict[str, str]]:
    """``book/chapters.csv``: for each notebook, what you will learn and what to take away,
    each ``{verdict:<conclusion id>}`` said from ``reports/conclusions.csv`` (notebook 05)."""
    import pandas as pd

    from analysis.report.prose import chapter_note

    conclusions = pd.read_csv(ROOT / "reports" / "conclusions.csv", dtype=str,
                              keep_default_na=False)
    with (BOOK / "chapters.csv").open(encoding="utf-8", newline="") as handle:
        return {row["notebook"]: {key: chapter_note(text, conclusions) for key, text in row.items()}
                for row in csv.DictReader(handle)}


def with_notes(notebook: Path, notes: dict[str, str], with_answers: bool = True):
    """The executed notebook with the chapter's notes after its title cell, and its
    exercises (answers computed, behind toggles; none in the students' edition) at the
    end."""
    import nbformat

    node = nbformat.read(notebook, as_version=4)
    cell = nbformat.v4.new_markdown_cell(
        ":::{admonition} What you will learn\n" + notes["learn"] + "\n:::\n\n"
        ":::{admonition} What to take away\n" + notes["takeaway"] + "\n:::")
    cell.id = "chapter-notes"
    node.cells.insert(1, cell)
    from analysis.exercises import chapter_exercises

    practice = chapter_exercises(notebook.stem, with_answers)
    if practice:
        node.cells.append(nbformat.v4.new_markdown_cell(practice))
        node.cells[-1].id = "chapter-exercises"
    return node


#: MathJax, from the npm registry at build time (never a CDN): its SVG output needs no font
#: files, so the pages render maths offline.
MATHJAX = "mathjax@3.2.2"
NPM = ROOT / "build" / "npm"
#: What the pages load: the TeX-to-SVG component, and the parts it loads on demand (the
#: menu, the assistive MathML, TeX packages such as ``ams``).
MATHJAX_PARTS = ("tex-svg.js", "ui", "a11y", "input/tex/extensions")


def mathjax() -> Path:
    """MathJax's ``es5`` folder, installed into ``build/npm`` if it is not there yet."""
    folder = NPM / "node_modules" / "mathjax" / "es5"
    if not (folder / "tex-svg.js").is_file():
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("make book needs npm (Node.js) to fetch MathJax from the npm "
                             "registry; install Node.js and run it again")
        subprocess.run([npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix",
                        str(NPM), MATHJAX], check=True)
    return folder


def copy_mathjax(target: Path) -> None:
    """The parts of MathJax the pages need, into the book's ``_static/mathjax``."""
    source = mathjax()
    for part in MATHJAX_PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part)
        else:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / part, target / part)


#: "notebook 04" in a text chapter, outside code and links.
NOTEBOOK_MENTION = re.compile(r"(?<![\[/`])\b([Nn]otebook) (0[0-9])\b(?![^\[]*\])")


def linked(text: str) -> str:
    """A text chapter with each mention of a notebook ("notebook 04") a link to its chapter,
    outside fenced code (a code cell's strings stay as they are)."""
    names = {p.stem[:2]: p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    parts = re.split(r"(^```.*?^```)", text, flags=re.MULTILINE | re.DOTALL)
    return "".join(part if part.startswith("```") else NOTEBOOK_MENTION.sub(
        lambda m: f"[{m.group(1)} {m.group(2)}](notebooks/{names[m.group(2)]}.ipynb)"
        if m.group(2) in names else m.group(0), part) for part in parts)


def glossary_terms(glossary: Path = BOOK / "glossary.md") -> list[tuple[str, str]]:
    """(phrase, term) for every term of ``book/glossary.md``, longest phrase first: the phrase
    is the term without a closing parenthesis ("continuity correction (Yates)" is found as
    "continuity correction"). Synonyms are the glossary's own extra term lines."""
    block = glossary.read_text(encoding="utf-8").split("```{glossary}")[1].split("```")[0]
    terms = [line.strip() for line in block.splitlines() if line and not line[0].isspace()]
    pairs = [(re.sub(r"\s*\([^)]*\)$", "", term), term) for term in terms]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


#: Spans of a line no glossary link may enter: inline code, maths, links, roles, HTML tags.
PROTECTED = re.compile(r"(`[^`]*`|\$[^$]*\$|\[[^\]]*\]\([^)]*\)|\{[^}]*\}`[^`]*`|<[^>]*>)")


def _phrase_pattern(phrase: str) -> re.Pattern:
    """A phrase as a whole word or words, plural allowed, either case for its first letter
    only (so "GRIM" is not found in "grim")."""
    first = f"[{phrase[0].upper()}{phrase[0].lower()}]" if phrase[0].isalpha() else \
        re.escape(phrase[0])
    return re.compile(rf"(?<![\w-]){first}{re.escape(phrase[1:])}(?:s|es)?(?![\w-])")


def _link_first(lines: list[str], phrase: str, term: str) -> bool:
    """Link the first mention of ``phrase`` in ``lines`` (prose lines only) to ``term``."""
    pattern = _phrase_pattern(phrase)
    for i, line in enumerate(lines):
        if line.lstrip().startswith(("#", ":", "$$", "|", "<")):
            continue
        parts = PROTECTED.split(line)
        for k in range(0, len(parts), 2):
            found = pattern.search(parts[k])
            if found:
                text = found.group(0)
                parts[k] = (parts[k][:found.start()] + f"{{term}}`{text} <{term}>`"
                            + parts[k][found.end():])
                lines[i] = "".join(parts)
                return True
    return False


def glossary_linked(text: str, terms: list[tuple[str, str]]) -> str:
    """A text chapter with the first mention of each glossary term, outside code, maths,
    links, headings, tables and directives, a link to its entry (MyST's ``{term}`` role)."""
    parts = re.split(r"(^```.*?^```)", text, flags=re.MULTILINE | re.DOTALL)
    done: set[str] = set()
    for phrase, term in terms:
        for k in range(0, len(parts), 2):
            if term in done:
                break
            lines = parts[k].split("\n")
            if _link_first(lines, phrase, term):
                parts[k] = "\n".join(lines)
                done.add(term)
    return "".join(parts)


def assemble(source: Path = SOURCE, with_answers: bool = True) -> None:
    """Copy the chapters, the notebooks and MathJax into ``source``."""
    import nbformat

    shutil.rmtree(source, ignore_errors=True)
    (source / "notebooks").mkdir(parents=True)
    copy_mathjax(source / "_static" / "mathjax")
    terms = glossary_terms()
    for path in BOOK.glob("*.md"):
        text = linked(path.read_text(encoding="utf-8"))
        if path.name != "glossary.md":
            text = glossary_linked(text, terms)
        (source / path.name).write_text(text, encoding="utf-8")
    shutil.copy2(BOOK / "conf.py", source / "conf.py")
    from analysis.exercises import exercises_markdown

    (source / "exercises.md").write_text(
        glossary_linked(linked(exercises_markdown(with_answers)), terms), encoding="utf-8")
    notes = chapter_notes()
    for notebook in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        if notebook.stem not in notes:
            raise SystemExit(f"book/chapters.csv has no row for {notebook.stem}")
        nbformat.write(with_notes(notebook, notes[notebook.stem], with_answers),
                       source / "notebooks" / notebook.name)


def quiet_kernels() -> None:
    """Kernels of the primers log only critical messages (ipykernel warns that a local kernel
    talks TCP; ``analysis.run`` passes the same setting on the command line): an IPython
    directory of the build's own, so that the user's is neither read nor changed."""
    import os

    profile = ROOT / "build" / "book" / "ipython" / "profile_default"
    profile.mkdir(parents=True, exist_ok=True)
    (profile / "ipython_kernel_config.py").write_text('c.IPKernelApp.log_level = "CRITICAL"\n',
                                                      encoding="utf-8")
    os.environ["IPYTHONDIR"] = str(profile.parent)


#: Where each edition is built: the teachers' (answers behind toggles) and the students'
#: (questions only).
EDITIONS = {"teacher": (SOURCE, HTML, True),
            "student": (ROOT / "build" / "book-student" / "src",
                        ROOT / "build" / "book-student" / "html", False)}


#: What the primers' outputs depend on besides their own code cells (which jupyter-cache
#: keys by itself): the package, its data and outputs, the pinned environment, the papers.
EXECUTION_INPUTS = ("analysis", "data", "reports", "requirements.txt")


def execution_cache() -> Path:
    """The primers' jupyter-cache, one per state of :data:`EXECUTION_INPUTS` (a change to
    any of them starts a new one, so no page shows an output of other code or data); both
    editions share it. Older caches are removed."""
    import hashlib

    digest = hashlib.sha256()
    for name in EXECUTION_INPUTS:
        top = ROOT / name
        for path in sorted([top] if top.is_file() else top.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    folder = ROOT / "build" / "book-cache"
    for old in folder.glob("*"):
        if old.name != digest.hexdigest()[:16]:
            shutil.rmtree(old, ignore_errors=True)
    return folder / digest.hexdigest()[:16]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python scripts/book.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edition", choices=sorted(EDITIONS), default="teacher",
                        help="teacher (default: answers behind toggles) or student (no answers; "
                        "make book-student)")
    edition = parser.parse_args(argv).edition
    from sphinx.cmd.build import build_main

    source, html, with_answers = EDITIONS[edition]
    assemble(source, with_answers)
    quiet_kernels()
    import fcntl
    import os

    (ROOT / "build").mkdir(exist_ok=True)
    with (ROOT / "build" / "book-cache.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one build at a time executes into the cache
        os.environ["BOOK_EXECUTION_CACHE"] = str(execution_cache())
        status = build_main(["-b", "html", "-W", "--keep-going", "-q", "-E", str(source),
                             str(html)])
    if status == 0:
        print(f"course ({edition}s' edition): {(html / 'index.html').relative_to(ROOT)}")
    return status


if __name__ == "__main__":
    sys.exit(main())
