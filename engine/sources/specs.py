"""Finding and reading spec files (the I/O side of loading)."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from engine.model.problems import LoadError, Problem, TargetsError
from engine.model.safetext import visible
from engine.sources.yamlsafe import MAX_BYTES, Document, load_yaml

SPEC_SUFFIXES = (".yaml", ".yml")
# The areas and comparator groups, at the root of the specs folder: not a target spec.
AREAS_FILES = ("areas.yaml", "areas.yml")


class UsageError(TargetsError):
    """A path that does not exist or cannot be read: exit code 2, not a spec problem."""


def display_path(path: Path) -> str:
    """Paths in messages as the user gave them (relative stays relative), with forward slashes.

    Control characters and undecodable bytes in a name are shown escaped (`\\n`, `\\udcff`): a
    file name is user text, and a name that is not UTF-8 could not be written out at all.
    """
    return visible(path.as_posix())


@dataclass(frozen=True)
class Found:
    """One entry among the specs: a file to read, or a link that is not followed and the problem saying so."""

    path: Path
    problem: Problem | None = None
    real: str | None = None  # its real path where the walk already knows it (os.path.realpath otherwise)


def _points_to(path: Path) -> str:
    try:
        return f"`{visible(os.readlink(path))}`"
    except (OSError, ValueError):
        return "somewhere"


def _shown(path: Path, exc: OSError | None = None) -> str:
    """The path for a message; one too long for the file system is cut short (it may be thousands of characters)."""
    shown = display_path(path)
    if exc is not None and exc.errno == errno.ENAMETOOLONG and len(shown) > 80:
        return f"{shown[:40]}...{shown[-20:]}"
    return shown


def why_unreachable(path: Path, exc: OSError) -> str | None:
    """What stops a path being used, and what to do, for the errors of the way to it; None for a
    missing file (each caller says that in its own words)."""
    code = exc.errno
    if code in (errno.ENOENT, errno.ENOTDIR):
        if os.path.islink(path):
            return f"a broken link: it points to {_points_to(path)}, which does not exist; fix the link or remove it"
        return None
    if code == errno.ELOOP:
        if not os.path.islink(path):
            return "a loop of links on the way to it (a folder link that leads back round): fix the link or remove it"
        return (f"a loop of links: it points to {_points_to(path)}, which leads back round to it; "
                "fix the link or remove it")
    if code == errno.ENAMETOOLONG:
        return (f"the path is too long for the file system ({len(os.fsencode(path)):,} bytes; a file or folder "
                "name can have at most 255): check the path, or give a shorter one")
    if code in (errno.EACCES, errno.EPERM):
        return ("permission denied: this user cannot read it; check its permissions and those of the folders "
                "above it (`ls -ld`), or run as a user who can read the specs")
    return f"cannot be read ({exc.strerror or exc}): check the path"


def unreachable(path: Path, exc: OSError, rule: str, missing: str) -> UsageError:
    """The UsageError for a path given that the system refused: `missing` is said when it does not exist."""
    return UsageError(Problem(_shown(path, exc), None, None, "error", rule, why_unreachable(path, exc) or missing))


def find_specs(paths: Iterable[str | Path]) -> list[Found]:
    """Spec files under the given files and folders, in a stable order; hidden files and folders are skipped.

    A folder given is the specs folder: links in it are followed only to files and folders inside
    it (a link to outside, a broken link or a loop of links is a Found with a problem instead), and
    each spec is found once, under its own path. Raises UsageError for a path that is missing,
    too long, unreadable, or not a file or folder.
    """
    found: list[Found] = []
    for raw in paths:
        path = Path(raw)
        try:
            info = os.stat(path)  # the path given is followed wherever it leads: the user named it
        except OSError as exc:
            raise unreachable(path, exc, "path", f"no such file or folder here ({visible(str(Path.cwd()))}): run in the "
                               "folder that holds the specs, or give a spec file or folder (with --targets, for "
                               "evaluate, show, list, report and diff)") from None
        if stat.S_ISDIR(info.st_mode):
            found.extend(_walk(path))
        elif stat.S_ISREG(info.st_mode):
            if path.name not in AREAS_FILES:  # an areas file named on its own: find_areas has it
                found.append(Found(path))
        else:
            raise UsageError(Problem(display_path(path), None, None, "error", "path",
                                     "not a file or folder (a device or pipe?): give a spec file or a folder of them"))
    seen: set[tuple[bool, str]] = set()
    unique = []
    for item in found:
        # A spec given twice (a folder and a file in it) is checked once; realpath, unlike
        # Path.resolve, never raises (a loop of links is a problem found, not a crash).
        if item.problem is not None:
            key = (False, os.path.abspath(item.path))
        else:
            key = (True, item.real or os.path.realpath(item.path))
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def find_areas(paths: Iterable[str | Path]) -> list[Path]:
    """The areas files among the paths given: `areas.yaml` (or `.yml`) at the root of each folder,
    or a file of that name given itself. Paths that cannot be reached are find_specs' to report."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.name in AREAS_FILES and path.is_file():
            candidates = [path]
        elif path.is_dir():
            candidates = [path / name for name in AREAS_FILES if (path / name).is_file()]
        else:
            candidates = []
        for candidate in candidates:
            if all(os.path.realpath(candidate) != os.path.realpath(other) for other in found):
                found.append(candidate)
    return found


def read_areas(path: Path) -> Document:
    """Read an areas file. Raises
    LoadError for bad content, UsageError when it cannot be read at all."""
    name = display_path(path)
    try:
        info = os.stat(path)
        raw = _read_at_most(path, MAX_BYTES + 1, info.st_size)
    except OSError as exc:
        why = why_unreachable(path, exc) or "the file is gone (moved or deleted while the specs were being read)"
        raise UsageError(Problem(_shown(path, exc), None, None, "error", "io", f"cannot read the file: {why}")) from None
    if len(raw) > MAX_BYTES:
        raise LoadError(Problem(name, None, None, "error", "file-size",
                                f"the file is more than {MAX_BYTES:,} bytes; an areas file of every area in the UK "
                                "is a fraction of that: is it the right file?"))
    return load_yaml(raw, name, marks=False)  # plain YAML is read without PyYAML (marks when a problem needs one)


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as listing:
            return sorted(listing, key=lambda entry: entry.name)
    except OSError as exc:
        why = why_unreachable(folder, exc) or "the folder is gone (moved or deleted while being read)"
        raise UsageError(Problem(_shown(folder, exc), None, None, "error", "path", f"cannot open the folder: {why}")) from None


def _kind(entry: os.DirEntry[str]) -> str:
    """`link`, `folder` or `file` (anything else: a pipe or device is refused when read), without following links."""
    try:
        if entry.is_symlink():
            return "link"
        return "folder" if entry.is_dir(follow_symlinks=False) else "file"
    except OSError:
        return "file"  # read_spec says what is wrong with it


def _nested_areas_file(path: Path, top: Path) -> Problem:
    return Problem(display_path(path), None, None, "error", "areas-file",
                   f"an areas file is read only at the root of the specs folder ({display_path(top / 'areas.yaml')}): "
                   "this one, in a subfolder, is not read; move its areas and groups there, or, if it is a target "
                   "spec, give it another id and file name")


def _walk(top: Path) -> list[Found]:
    """The specs under one folder given: the tree itself first (in name order, a folder's files
    before its sub-folders), then what the links inside it lead to."""
    root = Path(os.path.realpath(top))
    found: list[Found] = []
    walked: set[Path] = set()  # real folders, so that no folder is walked twice (a link back up is not a loop)
    links: list[tuple[Path, Path, bool]] = []  # (link, where it leads, to a folder): inside the tree, followed last

    def link(path: Path, is_spec_name: bool) -> None:
        try:
            info = os.stat(path)
        except OSError as exc:
            if is_spec_name:  # a broken link named README.md is not a spec; one named x.yaml was meant to be
                found.append(Found(path, Problem(_shown(path, exc), None, None, "error", "link",
                                                 why_unreachable(path, exc) or f"cannot be read ({exc.strerror})")))
            return
        to_folder = stat.S_ISDIR(info.st_mode)
        if not (to_folder or is_spec_name):
            return
        real = Path(os.path.realpath(path))
        if real != root and root not in real.parents:
            # Never followed: a spec folder from someone else must not make the checker read (and quote
            # the first line of) /etc/passwd or ~/.ssh/id_rsa.
            what, fix = (("folder", "the specs in it are not checked; move them into the specs folder, or give "
                                    "that folder to the command instead, and remove the link") if to_folder else
                         ("file", "the spec is not checked; copy it into the specs folder in place of the link, "
                                  "or remove the link"))
            found.append(Found(path, Problem(display_path(path), None, None, "error", "link",
                                             f"a link to a {what} outside the specs folder ({_points_to(path)}): "
                                             f"not followed, so {fix}")))
            return
        links.append((path, real, to_folder))

    def walk(start: Path, real_start: Path) -> None:
        stack = [(start, real_start)]
        while stack:
            folder, real = stack.pop()
            if real in walked:
                continue  # its specs are checked under their own paths
            walked.add(real)
            subfolders = []
            for entry in _entries(folder):
                if entry.name.startswith("."):
                    continue
                path, kind = folder / entry.name, _kind(entry)
                if entry.name in AREAS_FILES:
                    if real != root:  # neither the areas file nor, by its name, a spec: said, not read
                        found.append(Found(path, _nested_areas_file(path, top)))
                    continue  # at the root: the areas file (find_areas), not a spec
                if kind == "link":
                    link(path, entry.name.endswith(SPEC_SUFFIXES))
                elif kind == "folder":
                    subfolders.append((path, real / entry.name))
                elif entry.name.endswith(SPEC_SUFFIXES):
                    # A pipe or device too: read_spec refuses it by name. Not a link, in a folder
                    # whose real path is known: so is its own.
                    found.append(Found(path, real=os.path.join(real, entry.name)))
            stack.extend(reversed(subfolders))

    walk(top, root)
    # Links inside the tree come last, so that a spec reached both ways is named by its own path
    # (find_specs keeps the first); a folder link is walked only if its folder has not been (one
    # into a hidden folder), which also ends any loop of folder links.
    at = 0
    while at < len(links):
        path, real, to_folder = links[at]
        at += 1
        if to_folder:
            walk(path, real)
        else:
            found.append(Found(path))
    return found


def _read_at_most(path: Path, limit: int, size: int) -> bytes:
    """Up to `limit` bytes of a file, to its end. Asked for its size (plus one, to see the end) first:
    a read of `limit` bytes at once would allocate a megabyte for each small spec."""
    chunks = []
    total = 0
    request = min(size, limit - 1) + 1
    with path.open("rb", buffering=0) as handle:
        while total < limit:
            chunk = handle.read(min(request, limit - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            request = 65536  # the size was wrong (the file grew, or the file system does not know it)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def read_spec(path: Path) -> Document:
    """Read one spec file. Raises LoadError for bad content, UsageError when it cannot be read at all."""
    name = display_path(path)
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            # A pipe or device found among the specs (a FIFO named x.yaml) would block or never end.
            raise UsageError(Problem(name, None, None, "error", "io", "not a regular file (a device or pipe?): remove it"))
        raw = _read_at_most(path, MAX_BYTES + 1, info.st_size)  # enough to tell that it is too big, without reading it all
    except OSError as exc:
        why = why_unreachable(path, exc) or "the file is gone (moved or deleted while the specs were being read)"
        raise UsageError(Problem(_shown(path, exc), None, None, "error", "io", f"cannot read the file: {why}")) from None
    if len(raw) > MAX_BYTES:
        raise LoadError(Problem(name, None, None, "error", "file-size",
                                f"the file is more than {MAX_BYTES:,} bytes; a spec is a few thousand at most: is it the right file?"))
    doc = load_yaml(raw, name, marks=False)  # most specs have no problem to point at: marks when asked
    if doc.data is None:
        raise LoadError(Problem(name, 1, 1, "error", "empty-file",
                                "the file is empty: a target spec needs at least `id`, `title` and `measure`"))
    if not isinstance(doc.data, dict):
        kind = "a list" if isinstance(doc.data, list) else f"the single value {str(doc.data)[:40]!r}"
        raise LoadError(Problem(name, 1, 1, "error", "not-a-mapping",
                                f"the file holds {kind}; a target spec is a mapping of keys, starting with `id:`"))
    return doc
