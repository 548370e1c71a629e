"""Load a curriculum folder and report every author mistake as ``file:line: field: message``."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from dlpath.curriculum.model import (
    Curriculum,
    Exercise,
    Lesson,
    Module,
    Option,
    Question,
    Track,
)
from dlpath.curriculum.yaml_source import YamlSource, field_label, line_at, read_yaml
from dlpath.errors import CurriculumError
from dlpath.paths import checks_dir, schema_dir


@cache
def _schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((schema_dir() / name).read_text(encoding="utf-8"))
    return loaded


def _schema_problems(source: YamlSource, schema_name: str) -> list[str]:
    """Validate against a published JSON Schema; one line per problem, most specific first."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    validator = Draft202012Validator(_schema(schema_name))
    try:
        errors = sorted(validator.iter_errors(source.data), key=_path_order)
    except RecursionError:
        return [f"{source.path}: nested too deeply to validate"]
    problems = []
    for error in errors:
        if error.validator in ("allOf", "anyOf", "oneOf") and error.context:
            error = best_match(error.context)
        where = tuple(error.absolute_path)
        if error.validator == "additionalProperties":
            extra = sorted(set(error.instance) - set(error.schema.get("properties", {})), key=str)
            for key in extra:
                problems.append(source.problem((*where, key), "unknown key"))
            continue
        if error.validator == "required":
            problems.append(source.problem(where, error.message.replace("'", "`", 2)))
            continue
        problems.append(source.problem(where, _shorten(error.message)))
    return problems


def _path_order(error: Any) -> list[tuple[bool, Any]]:
    """Sort errors by where they are; text keys and list indices never meet in one comparison."""
    return [(isinstance(part, str), part) for part in error.absolute_path]


def _shorten(message: str, limit: int = 240) -> str:
    """A schema message quotes the offending value, which may be a whole list: keep it short."""
    return message if len(message) <= limit else message[: limit - 1] + "…"


def load_curriculum(directory: Path | None = None, checks: Path | None = None) -> Curriculum:
    """Load and validate the curriculum in ``directory`` (the bundled one by default).

    Raises CurriculumError holding one line per problem; never anything else.
    """
    from dlpath.paths import curriculum_dir

    directory = (directory or curriculum_dir()).resolve()
    checks = (checks or _checks_for(directory)).resolve()
    if not directory.is_dir():
        raise CurriculumError([f"{directory}: not a curriculum folder"])
    path_source = read_yaml(directory / "path.yaml")
    problems = _schema_problems(path_source, "path.schema.json")
    if problems:
        raise CurriculumError(problems)

    module_ids: list[str] = path_source.data["modules"]
    modules: list[Module] = []
    for index, module_id in enumerate(module_ids):
        if module_id in module_ids[:index]:
            problems.append(
                path_source.problem(("modules", index), f"duplicate module `{module_id}`")
            )
            continue
        module_file = directory / module_id / "module.yaml"
        if not module_file.is_file():
            problems.append(path_source.problem(("modules", index), f"no file {module_file}"))
            continue
        try:
            modules.append(_load_module(module_file, module_id, checks))
        except CurriculumError as exc:
            problems.extend(exc.problems)
    if problems:
        raise CurriculumError(problems)

    problems += _cross_module_problems(path_source, modules)
    tracks: list[Track] = []
    for index, raw in enumerate(path_source.data["tracks"]):
        for m_index, module_id in enumerate(raw["modules"]):
            if module_id not in module_ids:
                where = ("tracks", index, "modules", m_index)
                problems.append(path_source.problem(where, f"unknown module `{module_id}`"))
        if raw["id"] in [t.id for t in tracks]:
            problems.append(path_source.problem(("tracks", index, "id"), "duplicate track id"))
        problems += _track_gaps(path_source, index, raw["modules"], modules)
        tracks.append(Track(raw["id"], raw["title"], raw["summary"], tuple(raw["modules"])))
    if problems:
        raise CurriculumError(problems)
    return Curriculum(
        title=path_source.data["title"],
        directory=directory,
        checks_directory=checks,
        modules=tuple(modules),
        tracks=tuple(tracks),
        _by_id={m.id: m for m in modules},
    )


def _checks_for(directory: Path) -> Path:
    """A third-party pack may ship its own ``checks/`` beside its curriculum folder."""
    own = directory.parent / "checks"
    return own if own.is_dir() else checks_dir()


def _load_module(module_file: Path, expected_id: str, checks: Path) -> Module:
    source = read_yaml(module_file)
    problems = _schema_problems(source, "module.schema.json")
    if problems:
        raise CurriculumError(problems)
    data = source.data
    folder = module_file.parent
    if data["id"] != expected_id:
        problems.append(
            source.problem(("id",), f"`{data['id']}` differs from its folder `{expected_id}`")
        )

    lessons = []
    for index, raw in enumerate(data["lessons"]):
        problems += _file_problems(source, ("lessons", index, "file"), folder, raw["file"])
        lessons.append(Lesson(raw["id"], raw["title"], folder / raw["file"]))
    problems += _duplicate_ids(source, "lessons", data["lessons"])

    quiz = []
    for index, raw in enumerate(data["quiz"]):
        options = tuple(
            Option(o["id"], o["text"], o["explanation"]) for o in raw.get("options", [])
        )
        if raw["type"] == "choice":
            option_ids = [o.id for o in options]
            if raw["answer"] not in option_ids:
                problems.append(
                    source.problem(
                        ("quiz", index, "answer"),
                        f"`{raw['answer']}` is not among the options {option_ids}",
                    )
                )
            if len(set(option_ids)) != len(option_ids):
                problems.append(source.problem(("quiz", index, "options"), "duplicate option ids"))
        quiz.append(
            Question(
                id=raw["id"],
                type=raw["type"],
                prompt=raw["prompt"],
                answer=raw["answer"],
                options=options,
                tolerance=float(raw.get("tolerance", 0.0)),
                explanation=raw.get("explanation", ""),
            )
        )
    problems += _duplicate_ids(source, "quiz", data["quiz"])

    exercises = []
    for index, raw in enumerate(data["exercises"]):
        where = ("exercises", index)
        stub, solution = folder / raw["stub"], folder / raw["solution"]
        # The learner's copy is exercises/<module>/<exercise id>.py, named after the stub.
        file_name = f"{raw['id']}.py"
        problems += _file_problems(source, (*where, "stub"), folder, raw["stub"])
        if stub.name != file_name:
            problems.append(
                source.problem((*where, "stub"), f"must be named {file_name} (the exercise id)")
            )
        if PurePosixPath(raw["solution"]) != PurePosixPath("solutions", file_name):
            problems.append(
                source.problem(
                    (*where, "solution"), f"must be solutions/{file_name} (the stub's file name)"
                )
            )
        else:
            problems += _file_problems(source, (*where, "solution"), folder, raw["solution"])
        check_file = checks / f"{raw['check']}.py"
        if not check_file.is_file():
            problems.append(source.problem((*where, "check"), f"no check at {check_file}"))
        exercises.append(
            Exercise(
                id=raw["id"],
                module_id=data["id"],
                title=raw["title"],
                task=raw["task"],
                stub=stub,
                solution=solution,
                check=raw["check"],
                hints=tuple(raw["hints"]),
                time_budget=float(raw["time_budget"]),
                requires=tuple(raw.get("requires", ())),
            )
        )
    problems += _duplicate_ids(source, "exercises", data["exercises"])
    if problems:
        raise CurriculumError(problems)
    module = Module(
        id=data["id"],
        title=data["title"],
        summary=data["summary"],
        hours=float(data["hours"]),
        prerequisites=tuple(data["prerequisites"]),
        lessons=tuple(lessons),
        quiz=tuple(quiz),
        exercises=tuple(exercises),
        directory=folder,
    )
    _SOURCES[module.id] = source
    return module


# The parsed module files, kept so cross-module problems can point at the right line.
_SOURCES: dict[str, YamlSource] = {}


def _file_problems(
    source: YamlSource, where: tuple[str | int, ...], folder: Path, relative: str
) -> list[str]:
    """A file named in a module.yaml must lie inside the module folder, exist, and be UTF-8."""
    if PurePosixPath(relative).is_absolute() or PureWindowsPath(relative).is_absolute():
        return [source.problem(where, f"`{relative}` must be relative to the module folder")]
    path = folder / relative
    if not path.resolve().is_relative_to(folder.resolve()):
        return [source.problem(where, f"`{relative}` leads out of the module folder")]
    if not path.is_file():
        return [source.problem(where, f"file not found: {path}")]
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return [source.problem(where, f"cannot read {path}: {exc.strerror or exc}")]
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = line_at(raw, exc.start)
        return [source.problem(where, f"not UTF-8 text: {path} (line {line})")]
    return []


def _duplicate_ids(source: YamlSource, key: str, items: list[dict[str, Any]]) -> list[str]:
    problems, seen = [], set()
    for index, item in enumerate(items):
        if item["id"] in seen:
            problems.append(source.problem((key, index, "id"), f"duplicate id `{item['id']}`"))
        seen.add(item["id"])
    return problems


def _cross_module_problems(path_source: YamlSource, modules: list[Module]) -> list[str]:
    """Unknown or misordered prerequisites, cycles, and exercise ids shared between modules."""
    problems = []
    order = {m.id: i for i, m in enumerate(modules)}
    for module in modules:
        source = _SOURCES[module.id]
        for index, prereq in enumerate(module.prerequisites):
            where = ("prerequisites", index)
            if prereq not in order:
                problems.append(source.problem(where, f"unknown module `{prereq}`"))
            elif prereq == module.id:
                problems.append(source.problem(where, "a module cannot require itself"))
    cycle = _find_cycle({m.id: [p for p in m.prerequisites if p in order] for m in modules})
    if cycle:
        first = _SOURCES[cycle[0]]
        index = list(modules[order[cycle[0]]].prerequisites).index(cycle[1])
        chain = " -> ".join(cycle)
        problems.append(first.problem(("prerequisites", index), f"prerequisite cycle: {chain}"))
    elif not problems:
        for module in modules:
            for index, prereq in enumerate(module.prerequisites):
                if order[prereq] > order[module.id]:
                    problems.append(
                        _SOURCES[module.id].problem(
                            ("prerequisites", index),
                            f"`{prereq}` comes after `{module.id}` in path.yaml's module order",
                        )
                    )
    seen: dict[str, str] = {}
    for module in modules:
        for index, ex in enumerate(module.exercises):
            if ex.id in seen:
                problems.append(
                    _SOURCES[module.id].problem(
                        ("exercises", index, "id"),
                        f"exercise id `{ex.id}` is also in `{seen[ex.id]}`",
                    )
                )
            seen.setdefault(ex.id, module.id)
    return problems


def _track_gaps(
    path_source: YamlSource, index: int, track_modules: list[str], modules: list[Module]
) -> list[str]:
    """A track must hold the prerequisites of every module it holds."""
    problems = []
    chosen, known = set(track_modules), {m.id for m in modules}
    for module in modules:
        if module.id not in chosen:
            continue
        for prereq in module.prerequisites:
            if prereq in known and prereq not in chosen:  # an unknown one is reported already
                problems.append(
                    path_source.problem(
                        ("tracks", index, "modules"),
                        f"`{module.id}` needs `{prereq}`, which this track leaves out",
                    )
                )
    return problems


def _find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """A cycle in the prerequisite graph as ``[a, b, ..., a]``, or None."""
    state: dict[str, int] = {}  # 1: on the stack, 2: done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in graph:
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def load_module(module_file: Path, checks: Path | None = None) -> Module:
    """Load and validate one module file on its own (its folder name is its id)."""
    module_file = module_file.resolve()
    return _load_module(module_file, module_file.parent.name, (checks or checks_dir()).resolve())


__all__ = ["field_label", "load_curriculum", "load_module"]
