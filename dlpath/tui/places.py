"""Places a learner can be in the tutor, and which one continues where they left off."""

from __future__ import annotations

from dlpath.curriculum.model import Curriculum, Module
from dlpath.progress.summary import EXERCISE, LESSON, QUIZ, Place
from dlpath.progress.summary import next_place as resume

__all__ = ["EXERCISE", "LESSON", "QUIZ", "Place", "following", "module_places", "resume"]


def module_places(module: Module) -> list[Place]:
    """A module's places in the order a learner meets them: lessons, quiz, exercises."""
    places = [Place(LESSON, module.id, lesson.id) for lesson in module.lessons]
    if module.quiz:
        places.append(Place(QUIZ, module.id))
    places.extend(Place(EXERCISE, module.id, ex.id) for ex in module.exercises)
    return places


def following(curriculum: Curriculum, place: Place, modules: list[Module]) -> Place | None:
    """The place after ``place`` along ``modules`` (the learner's track), if any."""
    ordered = [p for m in modules for p in module_places(m)]
    if place in ordered:
        index = ordered.index(place)
        return ordered[index + 1] if index + 1 < len(ordered) else None
    same_module = module_places(curriculum.module(place.module_id))
    index = same_module.index(place) if place in same_module else -1
    return same_module[index + 1] if 0 <= index < len(same_module) - 1 else None
