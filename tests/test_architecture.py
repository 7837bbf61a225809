"""The package's shape: subpackages that follow the pipeline and import only downwards, with
no cycle; small functions and modules; paper facts as data, read in one place, with registry
ids in code only where a handler needs one number."""

from __future__ import annotations

import ast
import graphlib
import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.io import paths
from analysis.io.facts import PACKAGE, read_facts, resource, schema_problems
from analysis.io.registry import normalise_text, paper_text

PACKAGE_ROOT = paths.ROOT / "analysis"
#: The pipeline, top to bottom: a module imports only from its own layer or one above it.
LAYERS = ("printed", "io", "methods", "checks", "evidence", "reconstruct", "stages", "report", "")
MAX_FUNCTION_LINES = 60  # a function's lines, its docstring included
MAX_MODULE_LINES = 500
MAX_REGISTRY_LITERALS = 45
REGISTRY_ID = re.compile(r"\^?fan20(18|19)\\?\.")


def _modules() -> dict[str, Path]:
    return {".".join(path.relative_to(paths.ROOT).with_suffix("").parts)
            .removesuffix(".__init__"): path for path in sorted(PACKAGE_ROOT.rglob("*.py"))}


def _layer(module: str) -> int:
    parts = module.split(".")
    name = parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in LAYERS) else ""
    return LAYERS.index(name)


def _imports(path: Path) -> set[str]:
    """The ``analysis`` modules a file imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(
                "analysis"):
            modules = _modules()
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                found.add(child if child in modules else node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("analysis")}
    return found


def test_subpackages_follow_the_pipeline():
    names = {path.parent.name for path in PACKAGE_ROOT.glob("*/__init__.py")}
    assert names == set(LAYERS) - {""}
    for name in names:
        assert ast.get_docstring(ast.parse((PACKAGE_ROOT / name / "__init__.py").read_text())), \
            f"analysis/{name}/__init__.py says what the subpackage holds"


def test_imports_flow_downwards_without_cycles():
    graph, upward = {}, []
    for module, path in _modules().items():
        graph[module] = _imports(path) - {module}
        upward += [f"{module} -> {other}" for other in graph[module]
                   if _layer(other) > _layer(module)]
    assert upward == []
    graphlib.TopologicalSorter(graph).prepare()  # raises CycleError on a cycle


def _code_lines(node: ast.FunctionDef) -> int:
    """Every line of a function, from its ``def`` to its last line, docstring included."""
    return node.end_lineno - node.lineno + 1


def test_functions_and_modules_are_small():
    long_functions, long_modules = [], []
    for module, path in _modules().items():
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > MAX_MODULE_LINES:
            long_modules.append(module)
        long_functions += [f"{module}.{node.name}: {_code_lines(node)} lines"
                           for node in ast.walk(ast.parse(text))
                           if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                           and _code_lines(node) > MAX_FUNCTION_LINES]
    assert long_functions == []
    assert long_modules == []


def test_registry_ids_are_rare_in_code():
    """Printed numbers are found through data (stages.csv measures, the question list), not
    by ids typed into code: only table templates and the odd single number remain."""
    literals = [f"{module}: {node.value}" for module, path in _modules().items()
                for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                if isinstance(node, ast.Constant) and isinstance(node.value, str)
                and REGISTRY_ID.match(node.value)]
    assert len(literals) <= MAX_REGISTRY_LITERALS, "\n".join(literals)


def test_every_fact_table_is_valid():
    names = [entry["name"] for entry in __import__("json").loads(PACKAGE.read_text())[
        "resources"]]
    assert {"communities", "periods", "frequency_rules", "categories", "variables",
            "questions", "stages"} <= set(names)
    for name in names:
        assert not read_facts(name).empty


@pytest.mark.parametrize("name", ["communities", "periods", "frequency_rules"])
def test_every_quoted_fact_is_in_the_paper(name):
    text = normalise_text(paper_text("fan2018"))
    for quote in read_facts(name)["quote"]:
        assert normalise_text(quote) in text, quote


def test_a_bad_fact_is_named_with_file_line_and_column():
    schema = resource("communities")["schema"]
    frame = read_facts("communities")
    frame.loc[frame.index[1], "wave"] = "middle"
    frame.loc[frame.index[2], "start"] = "2013-02-30"
    frame.loc[frame.index[3], "community"] = frame.loc[frame.index[0], "community"]
    problems = schema_problems(frame, schema, "communities.csv")
    assert any(p.startswith("communities.csv, line 3, column 'wave': 'middle' is not one of")
               for p in problems)
    assert any("line 4, column 'start'" in p and "not a date" in p for p in problems)
    assert any("line 5" in p and "repeats the key" in p for p in problems)


def test_answers_measures_name_real_questions(registry):
    """A stages.csv measure ``answers.<role>.<question>[.<wave>]`` names a question of the
    question list asked of that role in fan2019."""
    questions = read_facts("questions")
    asked = set(zip(questions["role"], questions["question"], strict=True))
    stages = read_facts("stages")
    answers = stages.loc[stages["measure"].str.startswith("answers."), "measure"]
    assert not answers.empty
    for measure in answers:
        role, question, *wave = measure.split(".")[1:]
        assert (role, question) in asked, measure
        assert wave in ([], ["initial"], ["later"]), measure


def test_the_question_list_matches_the_tables(registry):
    """Table 3's items in the question list are the rows printed in fan2019 Table 3, in
    order, and every question's stem prints something."""
    from analysis.io.questionnaire import TABLE3_ITEMS, questions

    printed = registry.loc[registry["id"].str.match(r"^fan2019\.table3\.[a-z_]+\.peers\.count$"),
                           "id"].str.split(".").str[2].tolist()
    assert printed == TABLE3_ITEMS
    ids = pd.Series(registry["id"])
    for stem in questions()["stem"]:
        assert ids.str.startswith(stem + ".").any(), stem


def _pins(name: str) -> dict[str, str]:
    lines = (paths.ROOT / name).read_text(encoding="utf-8").splitlines()
    return {line.split("==")[0].lower().replace("_", "-"): line.split("==")[1]
            for line in lines if "==" in line and not line.startswith("#")}


def test_packaging_tells_the_truth():
    """pyproject.toml lists what the package imports; every dependency and extra is pinned
    in the requirements file of its make target; environment.yml installs the same pins."""
    import sys
    import tomllib

    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]
    declared = {d.lower() for d in project["dependencies"]}
    imported = set()
    for path in _modules().values():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0
                     and node.module else [])
            imported |= {n.split(".")[0] for n in names}
    third_party = {n.lower() for n in imported - set(sys.stdlib_module_names)} - {"analysis"}
    assert third_party <= declared, third_party - declared
    base, test, lab = (_pins(f"requirements{s}.txt") for s in ("", "-test", "-lab"))
    assert declared <= set(base)
    assert set(project["optional-dependencies"]["test"]) <= set(base) | set(test)
    assert set(project["optional-dependencies"]["lab"]) <= set(base) | set(lab)
    assert not set(base) & set(test)
    assert not set(base) & set(lab)
    environment = (paths.ROOT / "environment.yml").read_text(encoding="utf-8")
    for name in ("requirements.txt", "requirements-test.txt", "requirements-lab.txt"):
        assert f"-r {name}" in environment
