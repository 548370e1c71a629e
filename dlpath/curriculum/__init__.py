"""The curriculum: loading, validating and describing the YAML learning path."""

from dlpath.curriculum.loader import load_curriculum
from dlpath.curriculum.model import Curriculum, Exercise, Lesson, Module, Question, Track

__all__ = ["Curriculum", "Exercise", "Lesson", "Module", "Question", "Track", "load_curriculum"]
