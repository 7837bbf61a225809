"""Where a notebook reads and writes: decided once, by its first code cell.

:func:`begin` checks the notebook's parameters against ``notebooks/parameters.csv`` and
routes its outputs:

- ``python -m analysis.run`` has already decided (it sets :data:`paths.OUTPUT_ENV` and
  :data:`paths.MODE_ENV` for its kernels): the published reproduction writes the committed
  outputs; a run with other parameters writes to ``build/runs/<name>/``; real data to
  ``private/output/`` or the folder the user chose;
- any other kernel (JupyterLab, nbval, a script) never writes a tracked file: its outputs go
  to ``build/scratch/``, or ``private/output/`` with real data.

:func:`located` finds the file or folder a path parameter names without the path ever
being a parameter value (``analysis.run`` passes the parameter's role, such as
``data_dir = "your data"``, and the path in an environment variable), and
:func:`existing` lets a scratch run read an earlier notebook's output from the committed
reproduction when it has not made its own (never with real data).
"""

from __future__ import annotations

import os
from pathlib import Path

from analysis.io import paths
from analysis.io.parameters import ParameterError, parameter_problems, shown_as

__all__ = ["begin", "data_folder", "existing", "located", "mode", "real_data"]


def mode() -> str:
    """``repository``, ``scratch`` or ``real``: the kind of run this process belongs to."""
    return os.environ.get(paths.MODE_ENV, "scratch")


def real_data() -> bool:
    """Whether this run reads the user's data."""
    return mode() == "real"


def located(name: str, value: str) -> Path | None:
    """The file or folder path parameter ``name`` points at: the one ``analysis.run`` was
    given (the parameter then holds only its role, such as "your data", and the path is in
    the environment), else ``value`` relative to the repository; None when empty."""
    if not value:
        return None
    given = os.environ.get(paths.location_env(name))
    if value == shown_as(name) and given:
        return Path(given)
    return paths.ROOT / value


def data_folder(data_dir: str) -> Path:
    """The folder of the user's data (:func:`located` for ``data_dir``)."""
    return located("data_dir", data_dir) or paths.ROOT


def existing(path: Path) -> Path:
    """``path`` if it exists; in a scratch run, else the committed file it stands for (an
    earlier notebook's output this run did not remake). Real data never fall back."""
    if path.exists() or real_data():
        return path
    return paths.committed(path)


def _route(real: bool) -> None:
    """Send this kernel's outputs away from the tracked files unless ``analysis.run`` said
    this is the published reproduction."""
    chosen = os.environ.get(paths.OUTPUT_ENV)
    if chosen:
        paths.set_output(chosen)
        return
    if mode() == "repository" and not real:
        paths.set_output(None)
        return
    folder = paths.PRIVATE_OUTPUT if real else paths.SCRATCH
    os.environ[paths.OUTPUT_ENV] = str(folder)
    os.environ[paths.MODE_ENV] = "real" if real else "scratch"
    paths.set_output(folder)


def begin(notebook: str, **values: object) -> bool:
    """First call of every notebook: check its parameter ``values`` (raises
    :class:`analysis.io.parameters.ParameterError` naming each bad one), route its outputs,
    and return whether it reads real data."""
    data_dir = values.get("data_dir", "")
    parameter_problems([notebook], values)
    real = bool(data_dir)
    if real and mode() == "repository":
        raise ParameterError("real data cannot be written into the repository")
    _route(real)
    return real
