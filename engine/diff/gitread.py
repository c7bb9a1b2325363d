"""Reading the specs at a git ref, through git alone (no checkout): the I/O side of `targets diff`.

git runs as a subprocess with argument lists (never a shell), from the repository's top
folder, with literal pathspecs (a `*` in a folder name is just a character). Anything git
refuses (git missing, not a repository, an unknown ref) ends as a GitError: a message and exit 2.

The areas file at the root of the specs folder is read at the base too (not as a spec): groups and
area names in the specs are compared by the areas they stand for, each side by its own areas.yaml.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from engine.checks.areas import check_areas
from engine.checks.checker import check_document
from engine.diff.compare import SpecVersion
from engine.model.areas import Areas
from engine.sources.specs import AREAS_FILES, SPEC_SUFFIXES, UsageError, display_path, read_spec, unreachable
from engine.model.problems import LoadError, Problem, TargetsError
from engine.model.spec import Target, build_target
from engine.sources.yamlsafe import MAX_BYTES, load_yaml

SYMLINK_MODE = "120000"


class GitError(TargetsError):
    """git is missing, or refused: not a repository, an unknown ref. Exit code 2."""


@dataclass(frozen=True)
class SpecsLocation:
    """Where the specs are: the repository's top folder and the specs path inside it."""

    root: Path
    inside: PurePosixPath  # the --targets path relative to the top folder ("." for the top itself)
    given: Path  # the --targets path as the user wrote it
    is_file: bool

    def shown(self, repo_path: str, *, from_root: bool) -> str:
        """A spec's path in messages: from the repository's top (GitHub annotations), else as the user gave --targets."""
        if from_root:
            return repo_path
        if self.is_file:
            return display_path(self.given)
        return display_path(self.given / PurePosixPath(repo_path).relative_to(self.inside))

    def repo_path(self, user_path: str) -> str:
        """A working-tree spec found under --targets, as a path from the repository's top."""
        if self.is_file:
            return self.inside.as_posix()
        return (self.inside / Path(user_path).relative_to(self.given).as_posix()).as_posix()


def _git(args: Sequence[str], cwd: Path, what: str, *, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", "--literal-pathspecs", *args], cwd=cwd, input=stdin,
                              capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError(Problem(what, None, None, "error", "git",
                               "git is not installed (or not on PATH): `targets diff` reads the specs at the "
                               "base through git; install git, or run it where git is available")) from None
    except OSError as exc:
        raise GitError(Problem(what, None, None, "error", "git", f"cannot run git: {exc.strerror or exc}")) from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise _Refused(said[-1] if said else f"git {args[0]} failed (exit {done.returncode})")
    return done.stdout


class _Refused(Exception):
    """git ran and said no; the caller turns it into a message for its situation."""


def locate(targets: Path) -> SpecsLocation:
    """The repository holding the --targets path. GitError when it is not in one."""
    missing = "no such file or folder: give the folder of target specs, such as `targets`"
    try:
        os.stat(targets)  # a path too long, a loop of links or no permission: a message, not a traceback
    except OSError as exc:
        raise unreachable(targets, exc, "path", missing) from None
    is_file = targets.is_file()
    folder = targets.parent if is_file else targets
    where = display_path(targets)
    if not folder.is_dir():
        raise UsageError(Problem(where, None, None, "error", "path", missing))
    try:
        root = os.fsdecode(_git(["rev-parse", "--show-toplevel"], folder, where)).strip()
        prefix = os.fsdecode(_git(["rev-parse", "--show-prefix"], folder, where)).strip()
    except _Refused as exc:
        said = str(exc)
        if "not a git repository" in said:
            message = ("not inside a git repository: `targets diff` compares the specs with a commit, so run it in "
                       f"(or point --targets into) the repository that holds them (git said: {said})")
        else:
            message = f"git cannot use the repository here: {said}"
        raise GitError(Problem(where, None, None, "error", "git", message)) from None
    inside = PurePosixPath(prefix) / targets.name if is_file else PurePosixPath(prefix or ".")
    return SpecsLocation(Path(root), inside, targets, is_file)


def resolve_commit(location: SpecsLocation, ref: str) -> str:
    """The commit a ref names (branch, tag, HEAD~1, a hash). GitError when there is none."""
    hint = ("give a branch, tag or commit, such as `main`, `origin/main` or `HEAD~1`; in a shallow clone (CI), "
            "fetch it first (`git fetch origin main`, or check out with `fetch-depth: 0`)")
    if not ref or ref.startswith("-"):
        raise GitError(Problem(ref or "BASE", None, None, "error", "git", f"`{ref}` is not a git ref: {hint}"))
    try:
        out = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], location.root, ref)
    except _Refused:
        raise GitError(Problem(ref, None, None, "error", "git",
                               f"unknown git ref `{ref}` (no such branch, tag or commit here): {hint}")) from None
    return out.decode("ascii").strip()


def ids_used_before(location: SpecsLocation, commit: str, ids: Sequence[str]) -> dict[str, str]:
    """Of these ids (new since the base), those that a spec in the base's history had: id -> where
    to see it, as `git show` takes it (`abc1234:targets/x/youth-reoffending.yaml`): the last commit
    that had the file. Only ids not at the base are asked about (usually a handful)."""
    used: dict[str, str] = {}
    for target_id in ids:
        pattern = f"^id:[[:space:]]*[\"']*{_bre(target_id)}[\"']*[[:space:]]*$"
        try:
            # The last commit that added or removed the id's line ...
            out = _git(["log", "-1", "--format=%H %P", f"-G{pattern}", commit, "--", location.inside.as_posix()],
                       location.root, target_id)
            hashes = out.decode("ascii", "replace").split()
            if not hashes:
                continue
            # ... has the file, or removed it: then its parent is the last that had it.
            for candidate in hashes[:2]:
                found = _file_with_id(location, candidate, pattern)
                if found is not None:
                    used[target_id] = f"{_short(location, candidate)}:{found}"
                    break
        except _Refused:
            continue  # a history git cannot search (a shallow clone): nothing known, nothing claimed
    return used


def _file_with_id(location: SpecsLocation, commit: str, pattern: str) -> str | None:
    """The path (from the top) of a spec at the commit with this id line, or None."""
    try:
        out = _git(["grep", "-l", "-e", pattern, commit, "--", location.inside.as_posix()], location.root, commit)
    except _Refused:
        return None  # git grep exits 1 when nothing matches
    for line in out.decode("utf-8", "surrogateescape").splitlines():
        path = line.split(":", 1)[1] if line.startswith(commit + ":") else None
        if path and _is_spec(PurePosixPath(path), location):
            return path
    return None


def _short(location: SpecsLocation, commit: str) -> str:
    return _git(["rev-parse", "--short", commit], location.root, commit).decode("ascii").strip()


def _bre(text: str) -> str:
    """Text as a literal in a POSIX basic regular expression (ids are letters, digits and hyphens)."""
    return "".join(f"\\{c}" if c in ".[]*^$\\" else c for c in text)


@dataclass(frozen=True)
class Blob:
    path: str  # from the repository's top
    object_id: str
    size: int


def _is_spec(path: PurePosixPath, location: SpecsLocation) -> bool:
    """The same files `find_specs` would pick in the working tree: *.yaml / *.yml, nothing hidden."""
    if location.is_file:
        return path == location.inside
    below = path.relative_to(location.inside).parts
    if below and below[-1] in AREAS_FILES:
        # The areas file at the root of the specs folder is not a target spec; one deeper down is
        # not read at all (find_specs says so).
        return False
    return path.name.endswith(SPEC_SUFFIXES) and not any(part.startswith(".") for part in below)


def spec_blobs(location: SpecsLocation, commit: str) -> list[Blob]:
    """The spec files under the --targets path at a commit, in path order."""
    return [b for b in _blobs(location, commit) if _is_spec(PurePosixPath(b.path), location)]


def _areas_blobs(location: SpecsLocation, blobs: Sequence[Blob]) -> list[Blob]:
    """The areas files at the root of the specs folder (areas.yaml before areas.yml, as
    find_areas has them); none when --targets is one spec file, as in the working tree."""
    if location.is_file:
        return []
    by_path = {b.path: b for b in blobs}
    return [by_path[p] for p in ((location.inside / name).as_posix() for name in AREAS_FILES) if p in by_path]


def _blobs(location: SpecsLocation, commit: str) -> list[Blob]:
    """Every file under the --targets path at a commit, in path order."""
    pathspec = [] if location.inside == PurePosixPath(".") else ["--", location.inside.as_posix()]
    try:
        out = _git(["ls-tree", "-r", "-z", "-l", "--full-tree", commit, *pathspec], location.root, commit)
    except _Refused as exc:
        raise GitError(Problem(commit, None, None, "error", "git", f"cannot list the files at {commit}: {exc}")) from None
    blobs = []
    for entry in out.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, object_id, size = meta.decode("ascii").split()
        path = name.decode("utf-8", "surrogateescape")
        # Submodules are commits and symlinks point elsewhere: neither is a spec at this commit.
        if kind != "blob" or mode == SYMLINK_MODE:
            continue
        blobs.append(Blob(path, object_id, int(size) if size.isdigit() else 0))
    return sorted(blobs, key=lambda b: b.path)


def read_blobs(location: SpecsLocation, blobs: Sequence[Blob]) -> dict[str, bytes]:
    """The contents of many blobs in one `git cat-file --batch`, by object id."""
    wanted = sorted({b.object_id for b in blobs})
    if not wanted:
        return {}
    try:
        out = _git(["cat-file", "--batch"], location.root, "git cat-file", stdin="".join(f"{o}\n" for o in wanted).encode("ascii"))
    except _Refused as exc:
        raise GitError(Problem("git cat-file", None, None, "error", "git", f"cannot read the specs: {exc}")) from None
    contents: dict[str, bytes] = {}
    at = 0
    while at < len(out):
        end = out.index(b"\n", at)
        header = out[at:end].decode("ascii").split()
        at = end + 1
        if len(header) != 3:  # "<id> missing": leave it out; the caller reports it
            continue
        size = int(header[2])
        contents[header[0]] = out[at:at + size]
        at += size + 1  # the content, then a newline
    return contents


def base_versions(location: SpecsLocation, commit: str, base: str, *, from_root: bool) -> tuple[list[SpecVersion], list[Problem]]:
    """Every spec at the commit, compared as far as it can be: invalid ones by their raw data, with a
    warning; each with the areas file at the commit, when it was valid."""
    every = _blobs(location, commit)
    blobs = [b for b in every if _is_spec(PurePosixPath(b.path), location)]
    areas_files = _areas_blobs(location, every)
    small = [b for b in blobs + areas_files if b.size <= MAX_BYTES]
    contents = read_blobs(location, small)
    versions: list[SpecVersion] = []
    problems: list[Problem] = []

    def warn(file: str, message: str) -> None:
        problems.append(Problem(file, None, None, "warning", "base-spec", message))

    areas = _base_areas(location, areas_files, contents, base, from_root=from_root, warn=warn)
    for blob in blobs:
        file = location.shown(blob.path, from_root=from_root)
        raw = contents.get(blob.object_id)
        if raw is None:
            warn(file, f"at {base}: the file is {blob.size:,} bytes, too big for a spec, or could not be read: not compared")
            continue
        try:
            doc = load_yaml(raw, file)
        except LoadError as exc:
            warn(file, f"at {base}: cannot be read ({exc.problem.message}): not compared, so its target shows as added")
            continue
        if not isinstance(doc.data, dict):
            warn(file, f"at {base}: not a target spec (not a mapping of keys): not compared")
            continue
        errors = [p for p in check_document(doc, PurePosixPath(blob.path).stem, areas) if p.severity == "error"]
        target: Target | None = None
        if errors:
            first = errors[0]
            warn(file, f"at {base}: the spec was not valid ({len(errors)} error(s), the first on line {first.line}: "
                       f"{first.message}): compared on its written fields")
        else:
            target = build_target(doc.data, file)
        versions.append(SpecVersion(file, doc.data, target, doc.marks, doc.key_marks, areas))
    return versions, problems


def _base_areas(location: SpecsLocation, blobs: Sequence[Blob], contents: dict[str, bytes], base: str, *,
                from_root: bool, warn: Callable[[str, str], None]) -> Areas | None:
    """The areas and groups of the first valid areas file at the base (as `targets validate` takes
    the first valid one); None when there is none, with a warning for each one not valid: groups
    and area names are then compared as written."""
    faults: list[tuple[str, str]] = []  # (file, what is wrong with it)
    for blob in blobs:
        file = location.shown(blob.path, from_root=from_root)
        raw = contents.get(blob.object_id)
        if raw is None:
            faults.append((file, f"is {blob.size:,} bytes, too big for an areas file, or could not be read"))
            continue
        try:
            found, areas = check_areas(load_yaml(raw, file, marks=False))
        except LoadError as exc:
            faults.append((file, f"cannot be read ({exc.problem.message})"))
            continue
        if areas is not None:
            return areas
        errors = [p for p in found if p.severity == "error"]
        faults.append((file, f"was not valid ({len(errors)} error(s), the first on line {errors[0].line}: "
                             f"{errors[0].message})" if errors else "was not valid"))
    for file, why in faults:
        warn(file, f"at {base}: the areas file {why}: the groups and area names of the specs there are compared "
                   "as written (a name rewritten as its code counts as a change), and a change to a group's members "
                   "since then cannot be seen")
    return None


def working_versions(location: SpecsLocation, targets: Sequence[Target], *, from_root: bool,
                     areas: Areas | None = None) -> list[SpecVersion]:
    """The working tree's (valid) specs with their lines, read again for their raw data and marks;
    areas: the working tree's areas file (load_specs(...).areas), to compare groups and names by."""
    versions = []
    for target in targets:
        doc = read_spec(Path(target.file))
        file = location.repo_path(target.file) if from_root else target.file
        versions.append(SpecVersion(file, doc.data, target, doc.marks, doc.key_marks, areas))
    return versions
