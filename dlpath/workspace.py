"""The learner's workspace: their copies of the exercise stubs, found and kept safe.

A workspace is a folder holding ``exercises/<module>/<exercise>.py`` and a marker file that
records the hash of the stub each copy started from. dlpath never overwrites a file whose content
differs from a stub it wrote; ``reset`` first saves the learner's version beside it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from dlpath.curriculum.model import Curriculum, Exercise
from dlpath.errors import WorkspaceError

MARKER = ".dlpath-workspace"
ENV_VAR = "DLPATH_WORKSPACE"


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise


def _filesystem_error(root: Path, target: Path, exc: OSError) -> WorkspaceError:
    """One line naming the path in the way: a file where a folder must go, a folder where a
    file must go, or whatever the operating system refused."""
    for folder in reversed(target.parents):
        if folder.is_relative_to(root) and folder.exists() and not folder.is_dir():
            return WorkspaceError(f"{folder}: is a file, but dlpath needs a folder there")
    if target.is_dir():
        return WorkspaceError(f"{target}: is a folder, but dlpath needs a file there")
    return WorkspaceError(f"{exc.filename or target}: {exc.strerror or exc}")


@dataclass
class InitReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # untouched stubs refreshed to a newer stub
    kept: list[str] = field(default_factory=list)  # the learner's files, left as they are


@dataclass(frozen=True)
class Workspace:
    root: Path

    @property
    def marker(self) -> Path:
        return self.root / MARKER

    def file_for(self, exercise: Exercise) -> Path:
        return self.root / exercise.workspace_relpath

    # -- the marker: which stub hash each file started from --------------------------------

    def _stub_hashes(self) -> dict[str, list[str]]:
        try:
            data = json.loads(self.marker.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        stubs = data.get("stubs", {}) if isinstance(data, dict) else {}
        return {k: v if isinstance(v, list) else [v] for k, v in stubs.items()}

    def _save_stub_hashes(self, hashes: dict[str, list[str]]) -> None:
        payload = {"format": 1, "stubs": hashes}
        _write_atomically(self.marker, json.dumps(payload, indent=2, sort_keys=True).encode())

    # -- state -----------------------------------------------------------------------------

    def is_started(self, exercise: Exercise) -> bool:
        """True when the learner's file exists and differs from every stub dlpath wrote there."""
        path = self.file_for(exercise)
        if not path.is_file():
            return False
        current = file_hash(path)
        known = set(self._stub_hashes().get(exercise.workspace_relpath, []))
        known.add(file_hash(exercise.stub))
        return current not in known

    def started(self, curriculum: Curriculum) -> list[Exercise]:
        return [ex for ex in curriculum.exercises() if self.is_started(ex)]

    # -- commands --------------------------------------------------------------------------

    @classmethod
    def create(cls, root: Path, curriculum: Curriculum) -> tuple[Workspace, InitReport]:
        """Create or complete a workspace: add missing stubs, never touch a learner's edits."""
        root = root.expanduser().resolve()
        if root.exists() and not root.is_dir():
            raise WorkspaceError(f"{root}: exists and is not a folder")
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WorkspaceError(f"{root}: cannot create the workspace: {exc}") from None
        workspace = cls(root)
        hashes = workspace._stub_hashes()
        report = InitReport()
        target = workspace.marker
        try:
            for exercise in curriculum.exercises():
                relpath = exercise.workspace_relpath
                target = root / relpath
                stub_bytes = exercise.stub.read_bytes()
                stub_hash = hashlib.sha256(stub_bytes).hexdigest()
                written = hashes.setdefault(relpath, [])
                if not target.exists():
                    _write_atomically(target, stub_bytes)
                    report.created.append(relpath)
                elif file_hash(target) in written and file_hash(target) != stub_hash:
                    _write_atomically(target, stub_bytes)  # an untouched older stub
                    report.updated.append(relpath)
                else:
                    report.kept.append(relpath)
                if stub_hash not in written:
                    written.append(stub_hash)
            target = workspace.marker
            workspace._save_stub_hashes(hashes)
        except OSError as exc:
            if target != workspace.marker:  # keep the record of the stubs written so far
                with suppress(OSError):
                    workspace._save_stub_hashes(hashes)
            raise _filesystem_error(root, target, exc) from None
        return workspace, report

    def reset(self, exercise: Exercise) -> Path | None:
        """Restore the stub; the learner's version is first saved beside it. Returns the copy."""
        target = self.file_for(exercise)
        try:
            return self._reset(exercise, target)
        except OSError as exc:
            raise _filesystem_error(self.root, target, exc) from None

    def _reset(self, exercise: Exercise, target: Path) -> Path | None:
        stub_bytes = exercise.stub.read_bytes()
        saved: Path | None = None
        if target.exists() and target.read_bytes() != stub_bytes:
            stamp = time.strftime("%Y%m%d-%H%M%S")
            saved = target.with_name(f"{target.name}.{stamp}.bak")
            counter = 1
            while saved.exists():
                saved = target.with_name(f"{target.name}.{stamp}-{counter}.bak")
                counter += 1
            shutil.copy2(target, saved)
        _write_atomically(target, stub_bytes)
        hashes = self._stub_hashes()
        written = hashes.setdefault(exercise.workspace_relpath, [])
        if file_hash(exercise.stub) not in written:
            written.append(file_hash(exercise.stub))
        self._save_stub_hashes(hashes)
        return saved


def _named(explicit: Path | None) -> tuple[Path, str] | None:
    """The folder ``--workspace`` or else ``$DLPATH_WORKSPACE`` names, and which one named it."""
    for given, origin in ((explicit, "--workspace"), (os.environ.get(ENV_VAR), ENV_VAR)):
        if given:
            return Path(given).expanduser().resolve(), origin
    return None


def _around(cwd: Path | None) -> Path | None:
    """The current folder or the nearest parent holding the marker."""
    here = (cwd or Path.cwd()).resolve()
    return next((f for f in (here, *here.parents) if (f / MARKER).is_file()), None)


def find_workspace(
    explicit: Path | None = None, configured: str | None = None, cwd: Path | None = None
) -> Workspace | None:
    """The workspace to use: ``--workspace``, then ``$DLPATH_WORKSPACE``, then the current folder
    or a parent holding the marker, then the configured default. None when there is none yet."""
    named = _named(explicit)
    if named:
        root, origin = named
        if not (root / MARKER).is_file():
            raise WorkspaceError(
                f"{root}: not a dlpath workspace (from {origin}); create it with "
                f"`dlpath init {root}`"
            )
        return Workspace(root)
    around = _around(cwd)
    if around:
        return Workspace(around)
    if configured and (Path(configured) / MARKER).is_file():
        return Workspace(Path(configured))
    return None


def init_root(
    explicit: Path | None, configured: str | None, default: Path, cwd: Path | None = None
) -> Path:
    """Where ``dlpath init`` without a folder works, in ``find_workspace``'s order: ``--workspace``
    or ``$DLPATH_WORKSPACE`` (which need not exist yet), the workspace around the current folder,
    the configured one, else ``default``."""
    named = _named(explicit)
    if named:
        return named[0]
    return _around(cwd) or (Path(configured) if configured else default)


def require_workspace(explicit: Path | None = None, configured: str | None = None) -> Workspace:
    found = find_workspace(explicit, configured)
    if found is None:
        raise WorkspaceError("no workspace found; create one with `dlpath init [DIR]`")
    return found
