"""Finding and reading spec files (the I/O side of loading)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .problems import LoadError, Problem, TargetsError
from .safetext import visible
from .yamlsafe import MAX_BYTES, Document, load_yaml

SPEC_SUFFIXES = (".yaml", ".yml")


class UsageError(TargetsError):
    """A path that does not exist or cannot be read: exit code 2, not a spec problem."""


def display_path(path: Path) -> str:
    """Paths in messages as the user gave them (relative stays relative), with forward slashes.

    Control characters and undecodable bytes in a name are shown escaped (`\\n`, `\\udcff`): a
    file name is user text, and a name that is not UTF-8 could not be written out at all.
    """
    return visible(path.as_posix())


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Spec files under the given files and folders, in a stable order; hidden folders are skipped."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found.extend(Path(root) / f for f in sorted(files) if f.endswith(SPEC_SUFFIXES) and not f.startswith("."))
        elif path.is_file():
            found.append(path)
        elif path.exists():
            raise UsageError(Problem(str(raw), None, None, "error", "path",
                                     "not a file or folder (a device or pipe?): give a spec file or a folder of them"))
        else:
            raise UsageError(Problem(str(raw), None, None, "error", "path",
                                     f"no such file or folder here ({Path.cwd()}): run in the folder that holds the "
                                     "specs, or give a spec file or folder (with --targets, for evaluate, show, list, "
                                     "report and diff)"))
    seen: set[Path] = set()
    unique = []
    for path in found:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def read_spec(path: Path) -> Document:
    """Read one spec file. Raises LoadError for bad content, UsageError when it cannot be read at all."""
    name = display_path(path)
    try:
        if not path.is_file():
            # A pipe or device found among the specs (a FIFO or a link to /dev/zero named x.yaml)
            # would block or never end.
            raise UsageError(Problem(name, None, None, "error", "io", "not a regular file (a device or pipe?): remove it"))
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)  # enough to tell that it is too big, without reading it all
    except OSError as exc:
        raise UsageError(Problem(name, None, None, "error", "io", f"cannot read the file: {exc.strerror or exc}")) from None
    if len(raw) > MAX_BYTES:
        raise LoadError(Problem(name, None, None, "error", "file-size",
                                f"the file is more than {MAX_BYTES:,} bytes; a spec is a few thousand at most: is it the right file?"))
    doc = load_yaml(raw, name)
    if doc.data is None:
        raise LoadError(Problem(name, 1, 1, "error", "empty-file",
                                "the file is empty: a target spec needs at least `id`, `title` and `measure`"))
    if not isinstance(doc.data, dict):
        kind = "a list" if isinstance(doc.data, list) else f"the single value {str(doc.data)[:40]!r}"
        raise LoadError(Problem(name, 1, 1, "error", "not-a-mapping",
                                f"the file holds {kind}; a target spec is a mapping of keys, starting with `id:`"))
    return doc
