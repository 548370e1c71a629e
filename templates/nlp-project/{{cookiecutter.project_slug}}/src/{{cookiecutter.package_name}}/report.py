"""Regenerate the README's results and the figures from the run's metrics file.

    python -m <package>.report [--config FILE]

Only the text between the two marker comments in the README is rewritten, so the numbers a
reader sees always come from the last `make evaluate`, never from a hand-edited table.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from . import task
from .config import add_config_arguments, config_from_args, reported_errors, run_dir
from .evaluate import DUMMY_NAME
from .metrics import read_metrics

START_MARKER = "<!-- results:start -->"
END_MARKER = "<!-- results:end -->"


def plot_training_curve(history: list[dict], path: Path) -> Path:
    """Loss (train and validation) and validation accuracy per epoch, side by side."""
    import matplotlib

    matplotlib.use("Agg")  # draw to files; no display needed
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    epochs = [row["epoch"] for row in history]
    fig, (loss_ax, accuracy_ax) = plt.subplots(1, 2, figsize=(9, 3.5))
    loss_ax.plot(epochs, [row["train_loss"] for row in history], label="train")
    loss_ax.plot(epochs, [row["val_loss"] for row in history], label="validation")
    loss_ax.set(xlabel="epoch", ylabel="cross-entropy", title="Loss")
    loss_ax.legend()
    accuracy_ax.plot(epochs, [row["val_accuracy"] for row in history], color="tab:green")
    accuracy_ax.set(xlabel="epoch", ylabel="accuracy", title="Validation accuracy")
    for ax in (loss_ax, accuracy_ax):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_confusion_matrix(matrix: list[list[int]], class_names: list[str], path: Path) -> Path:
    """The test set's confusion matrix, counts written in each cell."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    size = max(3.5, 0.45 * len(class_names) + 2)
    fig, ax = plt.subplots(figsize=(size, size))
    ax.imshow(matrix, cmap="Blues")
    ticks = range(len(class_names))
    ax.set_xticks(ticks, class_names, rotation=45, ha="right")
    ax.set_yticks(ticks, class_names)
    ax.set(xlabel="predicted", ylabel="true", title="Confusion matrix (test)")
    peak = max(max(row) for row in matrix) or 1
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            color = "white" if count > peak / 2 else "black"
            ax.text(j, i, str(count), ha="center", va="center", color=color, fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def results_markdown(metrics: dict, figures: dict[str, str]) -> str:
    """The results section: the model beside its baselines, the run's facts, the figures."""
    if "test" not in metrics:
        raise ValueError("the metrics have no test scores yet: run `make evaluate` first")
    rows = [(f"**{metrics['model']}** (this project)", metrics["test"])]
    baselines = metrics.get("baselines", {})
    for name, kind in ((task.CLASSICAL_NAME, "classical"), (DUMMY_NAME, "dummy")):
        if name in baselines:
            rows.append((f"{name} ({kind} baseline)", baselines[name]))
    lines = ["| model | test accuracy | test macro-F1 |", "| --- | ---: | ---: |"]
    lines += [f"| {name} | {s['accuracy']:.3f} | {s['macro_f1']:.3f} |" for name, s in rows]
    processes = metrics.get("world_size", 1)
    lines += [
        "",
        f"{metrics['test']['samples']} test samples; trained on {metrics['train_samples']} "
        f"samples for {len(metrics['history'])} epochs on {metrics['device']} "
        f"({processes} process{'es' if processes > 1 else ''}), seed {metrics['seed']}; "
        f"best validation accuracy {metrics['best_val_accuracy']:.3f} at epoch "
        f"{metrics['best_epoch']}.",
    ]
    if "crossval" in metrics:
        cv = metrics["crossval"]
        lines += [
            "",
            f"Cross-validation ({cv['folds']} folds on the training and validation data):",
            "",
            "| model | accuracy (mean ± std) | macro-F1 (mean ± std) |",
            "| --- | ---: | ---: |",
        ]
        for name, s in cv["models"].items():
            lines.append(
                f"| {name} | {s['accuracy_mean']:.3f} ± {s['accuracy_std']:.3f} "
                f"| {s['macro_f1_mean']:.3f} ± {s['macro_f1_std']:.3f} |"
            )
    if "bench" in metrics:
        threads = metrics["bench"].get("threads")
        per_runtime = f", {threads} CPU thread{'s' if threads != 1 else ''} each" if threads else ""
        lines += ["", f"Inference latency (milliseconds, from `make bench`{per_runtime}):", ""]
        lines += ["| runtime | batch | p50 | p90 | p99 |", "| --- | ---: | ---: | ---: | ---: |"]
        for r in metrics["bench"]["rows"]:
            lines.append(
                f"| {r['runtime']} | {r['batch_size']} | {r['p50_ms']:.3f} "
                f"| {r['p90_ms']:.3f} | {r['p99_ms']:.3f} |"
            )
    lines.append("")
    lines += [f"![{title}]({path})" for title, path in figures.items()]
    return "\n".join(lines)


def replace_between_markers(text: str, new_section: str) -> str:
    """``text`` with everything between the two markers replaced by ``new_section``."""
    start, end = text.find(START_MARKER), text.find(END_MARKER)
    if start < 0 or end < start:
        raise ValueError(f"the README needs the lines {START_MARKER} and {END_MARKER}, in order")
    head = text[: start + len(START_MARKER)]
    return f"{head}\n{new_section}\n{text[end:]}"


def make_report(config: dict) -> Path:
    """Draw the figures and rewrite the README's results section; return the README's path."""
    metrics = read_metrics(run_dir(config))
    if "test" not in metrics:  # before drawing anything: a report needs the test scores
        raise ValueError(f"{run_dir(config)} has no test scores yet: run `make evaluate` first")
    report_config = config["report"]
    readme = Path(report_config["readme"])
    figures_dir = Path(report_config["figures_dir"])
    curve = plot_training_curve(metrics["history"], figures_dir / "training_curve.png")
    matrix = plot_confusion_matrix(
        metrics["test"]["confusion_matrix"],
        metrics["class_names"],
        figures_dir / "confusion_matrix.png",
    )
    figures = {"Training curve": curve, "Confusion matrix": matrix}
    relative = {
        title: Path(os.path.relpath(path, readme.parent)).as_posix()
        for title, path in figures.items()
    }
    section = results_markdown(metrics, relative)
    readme.write_text(
        replace_between_markers(readme.read_text(encoding="utf-8"), section), encoding="utf-8"
    )
    print(f"updated {readme} and the figures in {figures_dir}")
    return readme


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_config_arguments(parser)
    with reported_errors():
        make_report(config_from_args(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
