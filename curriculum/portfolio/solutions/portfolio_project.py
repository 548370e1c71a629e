"""A finished portfolio project, named for dlpath's check.

A reference cannot point at your project, so this is what a finished file looks like: the path
of a project generated with `dlpath new tabular-project ~/projects/tumour-triage`, trained and
reported with `make all`, tested with `make test`, and documented in MODEL_CARD.md and
WRITEUP.md. dlpath's own tests build such a project in a temporary folder and check a file like
this one pointing at it.
"""

PROJECT_DIR = "~/projects/tumour-triage"

CONFIG = "configs/default.yaml"
