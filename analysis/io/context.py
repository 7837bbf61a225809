"""Where a notebook reads and writes: decided once, by its first code cell.

:func:`begin` checks the notebook's parameters against ``notebooks/parameters.csv`` and
routes its outputs:

- ``python -m analysis.run`` has already decided (it sets :data:`paths.OUTPUT_ENV` and
  :data:`paths.MODE_ENV` for its kernels): the published reproduction writes the committed
  outputs; a run with other parameters writes to ``build/runs/<name>/``; real data to
  ``private/output/`` or the folder the user chose;
- any other kernel (JupyterLab, nbval, a script) never writes a tracked file: its outputs go
  to ``build/scratch/``, or ``private/output/`` with real data.

:func:`data_folder` finds the user's data without the path ever being a parameter value
(``analysis.run`` passes ``data_dir = "your data"`` and the folder in an environment
variable), and :func:`existing` lets a scratch run read an earlier notebook's output from the
committed reproduction when it has not made its own (never with real data).
"""

from __future__ import annotations

import os
from pathlib import Path

from analysis.io import paths
from analysis.io.parameters import ParameterError, parameter_problems

__all__ = ["begin", "data_folder", "existing", "mode", "real_data"]


def mode() -> str:
    """``repository``, ``scratch`` or ``real``: the kind of run this process belongs to."""
    return os.environ.get(paths.MODE_ENV, "scratch")


def real_data() -> bool:
    """Whether this run reads the user's data."""
    return mode() == "real"


def data_folder(data_dir: str) -> Path:
    """The folder of the user's data: the one ``analysis.run`` was given (``data_dir`` is
    then ``"your data"``), or ``data_dir`` itself, relative to the repository."""
    if data_dir == paths.YOUR_DATA and os.environ.get(paths.DATA_ENV):
        return Path(os.environ[paths.DATA_ENV])
    return paths.ROOT / data_dir


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
    checked = {name: value for name, value in values.items()
               if not (name == "data_dir" and value == paths.YOUR_DATA)}
    parameter_problems([notebook], checked)
    real = bool(data_dir)
    if real and mode() == "repository":
        raise ParameterError("real data cannot be written into the repository")
    _route(real)
    return real
