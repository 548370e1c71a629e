"""Your portfolio project, named for dlpath's check.

This exercise is not a function to write: it is a whole project. The steps:

1. Generate it:   dlpath new tabular-project ~/projects/my-project
   (or cv-project, nlp-project; add --no-input --set project_name="..." to skip the questions).
2. Make it yours: your data in a config of its own (copy configs/default.yaml to
   configs/mine.yaml; the template's tests keep using the default and its bundled data), your
   changes in task.py, data.py, model.py; then `make all CONFIG=configs/mine.yaml` to train,
   evaluate and write the README's results, and `make test`.
3. Write MODEL_CARD.md and WRITEUP.md: answer every TODO(you) prompt in your own words, quote
   your results, and delete the template's notes to you (`grep -n "TODO(you)" *.md`).
4. Set PROJECT_DIR below and run `dlpath check portfolio_project`.

The check reads the project and never changes it. It requires, in order:
- contract: PROJECT_DIR is the top folder of a project made by `dlpath new` (it holds
  .dlpath-template.json), with its package, its report step, README.md, MODEL_CARD.md and
  WRITEUP.md;
- values:   MODEL_CARD.md and WRITEUP.md differ from what the template wrote, with no TODO(you)
  marker or prompt left, every prompted section answered, and a result quoted in the write-up;
- probes:   README.md's results are exactly what `python -m <package>.report` writes from the
  run's metrics file (never edit that table by hand), and the figures it links exist;
- training: the project's own tests pass (`make test`), the template's tests among them.
"""

# TODO: the folder `dlpath new` created, e.g. "~/projects/my-project" (an absolute path, a path
# starting with ~, or a path relative to the folder of this file).
PROJECT_DIR = "..."

# The config you ran `make all` with, relative to the project (e.g. "configs/mine.yaml").
CONFIG = "configs/default.yaml"
