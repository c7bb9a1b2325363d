"""Writing output files safely (the I/O side of reports).

An output path may be hostile: a checkout can hold `report.html -> ~/.ssh/authorized_keys`, a
FIFO that blocks forever, or a device. So an output file is

- refused when something other than a regular file is already there (a link of any kind, a
  FIFO, a device, a folder), and when it is one of the command's own input files;
- written to a new temporary file beside it and moved into place with `os.replace`, which
  replaces a name and never writes through one: a full disk or a failure half-way leaves the
  previous file whole, and no reader ever sees half a page.
"""

from __future__ import annotations

import errno
import os
import stat
import secrets
from collections.abc import Iterable
from pathlib import Path

from engine.sources.specs import display_path
from engine.model.problems import Problem, TargetsError


class OutputError(TargetsError):
    """An output path that cannot or must not be written: exit code 2."""


def _refuse(path: Path, why: str, what: str, rule: str = "output") -> OutputError:
    return OutputError(Problem(display_path(path), None, None, "error", rule,
                               f"cannot write {what}: {why}; give another path with --output"))


def _kind(mode: int) -> str | None:
    """What is at a path, in words, when it is not a regular file."""
    if stat.S_ISLNK(mode):
        return "it is a symbolic link (an output is never written through a link)"
    if stat.S_ISDIR(mode):
        return "it is a folder"
    if stat.S_ISFIFO(mode):
        return "it is a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "it is a device"
    if stat.S_ISSOCK(mode):
        return "it is a socket"
    if not stat.S_ISREG(mode):
        return "it is not a regular file"
    return None


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def check_output(path: Path, inputs: Iterable[Path] = (), what: str = "the output") -> None:
    """Refuse an output path before any work is done: said at once, not after the charts are drawn."""
    try:
        here = os.lstat(path)
    except FileNotFoundError:
        here = None
    except OSError as exc:
        raise _os_refusal(path, exc, what) from None
    if here is not None:
        kind = _kind(here.st_mode)
        if kind:
            raise _refuse(path, kind, what)
        for source in inputs:
            try:
                theirs = os.stat(source)
            except OSError:
                continue  # an input that cannot be read is reported by its reader
            if _same_file(here, theirs):
                raise _refuse(path, f"it is one of the input files ({display_path(Path(source))})", what)
    parent = path.parent
    try:
        parent_stat = os.stat(parent)
    except FileNotFoundError:
        raise _refuse(path, f"the folder {display_path(parent)} does not exist", what) from None
    except OSError as exc:
        raise _os_refusal(path, exc, what) from None
    if not stat.S_ISDIR(parent_stat.st_mode):
        raise _refuse(path, f"{display_path(parent)} is not a folder", what)


def _os_refusal(path: Path, exc: OSError, what: str) -> OutputError:
    if exc.errno == errno.ENAMETOOLONG:
        return _refuse(path, "the path is longer than the file system allows", what)
    if exc.errno == errno.ELOOP:
        return _refuse(path, "the path runs through a loop of symbolic links", what)
    if exc.errno in (errno.EACCES, errno.EPERM):
        return _refuse(path, "permission denied", what, "io")
    return _refuse(path, exc.strerror or str(exc), what, "io")


def _new_file(path: Path) -> tuple[int, Path]:
    """A new file beside path, made by this process alone (O_EXCL, never through a link)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    while True:
        temporary = path.parent / f".{path.name}.{secrets.token_hex(8)}.tmp"
        try:
            return os.open(temporary, flags, 0o666), temporary
        except FileExistsError:
            continue  # another name, very unlikely to be needed


def write_output(path: Path, text: str | bytes, inputs: Iterable[Path] = (), what: str = "the output") -> None:
    """Write text (as UTF-8) or bytes (a workbook) to path atomically, after `check_output`. Raises OutputError."""
    inputs = list(inputs)
    check_output(path, inputs, what)
    try:
        data = text if isinstance(text, bytes) else text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate that escaped escaping: refuse rather than write half
        raise _refuse(path, "the text holds characters that cannot be written as UTF-8", what) from None
    try:
        handle, temporary = _new_file(path)
    except OSError as exc:
        raise _os_refusal(path, exc, what) from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        try:  # a report replacing one keeps its mode; a new one has what the umask gives (os.open)
            os.chmod(temporary, stat.S_IMODE(os.lstat(path).st_mode))
        except FileNotFoundError:
            pass
        check_output(path, inputs, what)  # once more, just before the move: what is there may have changed
        os.replace(temporary, path)
    except BaseException as exc:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise _os_refusal(path, exc, what) from None
        raise
