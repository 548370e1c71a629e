"""The engine survives whatever a learner's file does, and reports it in one clear verdict."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from dlpath.engine.child import end_of_check_marker
from dlpath.engine.runner import CheckRunner, _Child
from dlpath.paths import checks_dir

FIXTURES = Path(__file__).parent / "fixtures"
LEARNERS = FIXTURES / "learners"
ANSWER_CHECK = FIXTURES / "answer_check.py"

pytestmark = pytest.mark.xdist_group("engine")


@pytest.fixture(scope="module")
def runner():
    with CheckRunner(device="cpu", memory_limit=2 * 1024**3) as shared:
        yield shared


def check(runner: CheckRunner, learner: Path, timeout: float = 10.0, **kwargs):
    return runner.run("fixture/answer", ANSWER_CHECK, learner, checks_dir(), timeout, **kwargs)


def test_correct_file_passes(runner):
    verdict = check(runner, LEARNERS / "correct.py")
    assert verdict.passed, verdict.message
    assert verdict.device == "cpu"


def test_syntax_error_names_the_line(runner, tmp_path):
    learner = tmp_path / "answer.py"
    learner.write_text("def answer(:\n    return [1, 2, 3]\n")
    verdict = check(runner, learner)
    assert not verdict.passed and verdict.layer == "contract"
    assert "syntax error at line 1" in verdict.message


def test_missing_import(runner):
    verdict = check(runner, LEARNERS / "missing_import.py")
    assert verdict.layer == "contract"
    assert "ModuleNotFoundError" in verdict.message and "no_such_module_anywhere" in verdict.message
    assert any("missing_import.py, line 1" in line for line in verdict.traceback)


def test_exception_shows_the_learners_own_lines(runner):
    verdict = check(runner, LEARNERS / "raises.py")
    assert not verdict.passed and "IndexError" in verdict.message
    assert verdict.traceback == ["raises.py, line 3, in answer", "    return values[7]"]


def test_sys_exit_is_a_failed_verdict(runner):
    verdict = check(runner, LEARNERS / "sys_exit.py")
    assert not verdict.passed and "sys.exit(3)" in verdict.message


@pytest.mark.parametrize(
    ("learner", "words"),
    [("os_exit.py", "ended the process early"), ("segfault.py", "SIGSEGV")],
)
def test_a_dying_child_is_replaced(runner, learner, words):
    assert check(runner, LEARNERS / "correct.py").passed  # a live child, whatever ran before
    before = runner.started_children
    verdict = check(runner, LEARNERS / learner)
    assert not verdict.passed and verdict.layer == "limits"
    assert words in verdict.message
    assert check(runner, LEARNERS / "correct.py").passed  # the next check runs normally
    assert runner.started_children == before + 1


def test_endless_loop_stops_at_the_time_limit(runner):
    started = time.monotonic()
    verdict = check(runner, LEARNERS / "endless_loop.py", timeout=1.0)
    elapsed = time.monotonic() - started
    assert not verdict.passed and "1 s time limit" in verdict.message
    assert elapsed < 1.0 + 5.0
    assert check(runner, LEARNERS / "correct.py").passed


def test_huge_allocation_fails_cleanly(runner):
    verdict = check(runner, LEARNERS / "huge_alloc.py")  # 3 GiB under the 2 GiB limit
    assert not verdict.passed
    assert "memory" in verdict.message.lower()
    assert check(runner, LEARNERS / "correct.py").passed


@pytest.mark.slow  # a child of its own (one torch import) and 3 GiB written
def test_the_same_allocation_fits_without_the_limit():
    """So the test above fails because of the limit, not because the machine lacks memory."""
    with CheckRunner(device="cpu", memory_limit=None) as unlimited:
        verdict = check(unlimited, LEARNERS / "huge_alloc.py", timeout=60.0)
    assert verdict.passed, verdict.message


def _state(runner: CheckRunner) -> list[str]:
    logs: list[str] = []
    verdict = runner.run(
        "fixture/state",
        FIXTURES / "state_check.py",
        LEARNERS / "correct.py",
        checks_dir(),
        30.0,
        on_event=lambda e: logs.append(e["message"]) if e["event"] == "log" else None,
    )
    assert verdict.passed, verdict.message
    return logs


def test_a_check_starts_as_if_no_check_had_run_before(runner):
    """A verdict must not depend on what ran before it in the same child process."""
    before_state, before_children = _state(runner), runner.started_children
    leaky = check(runner, LEARNERS / "leaks_state.py")
    assert leaky.passed, leaky.message
    assert "learner helper loaded: False" in before_state
    assert _state(runner) == before_state
    assert runner.started_children == before_children  # put back, not replaced
    assert check(runner, LEARNERS / "correct.py").passed


def test_raw_writes_to_fd_1_reach_the_output(runner, tmp_path):
    learner = tmp_path / "answer.py"
    learner.write_text(
        "import os\n\ndef answer():\n    print('printed')\n"
        "    os.write(1, b'written to fd 1\\n')\n    os.write(2, b'written to fd 2\\n')\n"
        "    return [1, 2, 3]\n"
    )
    verdict = check(runner, learner)
    assert verdict.passed, verdict.message
    assert "printed" in verdict.output
    assert "written to fd 1" in verdict.output and "written to fd 2" in verdict.output
    assert "dlpath-end-of-check" not in verdict.output
    assert "written to fd" not in check(runner, LEARNERS / "correct.py").output


def test_raw_output_that_arrives_after_the_verdict_is_kept():
    """The verdict and the raw output travel on different pipes; on a busy machine the raw
    output can come second, and must still be fed to the check's capture while it waits."""
    child = _Child.__new__(_Child)  # the capture logic alone: no process
    child.process = SimpleNamespace(poll=lambda: None)
    child.capture = None
    child.begin_capture("r1")

    def drain_late() -> None:  # as _drain_output does: feed whatever capture is attached
        time.sleep(0.2)
        capture = child.capture
        if capture is not None:
            capture.feed(b"written late\n" + end_of_check_marker("r1"))

    threading.Thread(target=drain_late).start()
    assert child.end_capture(wait=5.0) == "written late\n"


def test_raw_output_of_a_process_that_died_is_kept(runner, tmp_path):
    learner = tmp_path / "answer.py"
    learner.write_text(
        "import os\n\ndef answer():\n    os.write(1, b'last words\\n')\n    os._exit(4)\n"
    )
    verdict = check(runner, learner)
    assert "exit status 4" in verdict.message
    assert "last words" in verdict.output


def test_a_flood_on_fd_1_is_cut(runner, tmp_path):
    learner = tmp_path / "answer.py"
    learner.write_text(
        "import os\n\ndef answer():\n    for _ in range(20_000):\n"
        "        os.write(1, b'y' * 1000 + b'\\n')\n    return [1, 2, 3]\n"
    )
    verdict = check(runner, learner, timeout=30.0)
    assert verdict.passed, verdict.message
    assert len(verdict.output) < 10_000 and "characters cut" in verdict.output


def test_100_mb_of_prints_is_cut(runner):
    verdict = check(runner, LEARNERS / "floods_output.py", timeout=30.0)
    assert verdict.passed, verdict.message
    assert len(verdict.output) < 10_000 and "characters cut" in verdict.output


@pytest.mark.parametrize(
    ("learner", "words"),
    [("returns_nan.py", "NaN"), ("wrong_shape.py", "shape (3,)")],
)
def test_wrong_values_are_named(runner, learner, words):
    verdict = check(runner, LEARNERS / learner)
    assert not verdict.passed and words in verdict.message


def test_keyboard_interrupt_inside_learner_code(runner):
    verdict = check(runner, LEARNERS / "keyboard_interrupt.py")
    assert not verdict.passed and "KeyboardInterrupt" in verdict.message
    assert check(runner, LEARNERS / "correct.py").passed


def test_one_child_serves_many_checks(runner):
    before = runner.started_children
    for _ in range(3):
        assert check(runner, LEARNERS / "correct.py").passed
    assert runner.started_children == before


def test_progress_arrives_while_training(runner):
    events: list[tuple[float, dict]] = []
    verdict = runner.run(
        "fixture/train",
        FIXTURES / "training_check.py",
        LEARNERS / "tiny_model.py",
        checks_dir(),
        30.0,
        on_event=lambda e: events.append((time.monotonic(), e)),
    )
    assert verdict.passed, verdict.message
    progress = [(t, e) for t, e in events if e["event"] == "progress"]
    verdict_time = next(t for t, e in events if e["event"] == "verdict")
    assert len(progress) >= 5
    assert progress[0][0] < verdict_time - 0.05  # streamed, not delivered in a batch at the end
    losses = [e["loss"] for _, e in progress]
    assert losses[-1] < losses[0]
    assert verdict.metrics["final_loss"] < 1e-3


def test_training_failure_keeps_metrics(runner):
    verdict = runner.run(
        "fixture/train",
        FIXTURES / "training_check.py",
        LEARNERS / "bad_model.py",
        checks_dir(),
        30.0,
    )
    assert not verdict.passed and verdict.layer == "training"
    assert "loss only fell" in verdict.message and "final_loss" in verdict.metrics


def test_cancel_stops_a_running_check_at_once(runner):
    import threading

    timer = threading.Timer(0.5, runner.cancel)
    timer.start()
    started = time.monotonic()
    verdict = check(runner, LEARNERS / "endless_loop.py", timeout=60.0)
    assert verdict.layer == "cancelled"
    assert time.monotonic() - started < 3.0
    assert check(runner, LEARNERS / "correct.py").passed


def test_a_changed_signature_is_a_contract_failure_not_a_dlpath_bug(runner, tmp_path):
    learner = tmp_path / "answer.py"
    learner.write_text("def answer(scale):\n    return [scale, 2, 3]\n")
    verdict = check(runner, learner)
    assert verdict.layer == "contract"
    assert "parameters differ from the task's signature" in verdict.message
    assert "missing 1 required positional argument" in verdict.message


def test_an_error_raised_inside_torch_on_the_learners_model_is_theirs(runner):
    verdict = runner.run("fixture/train", FIXTURES / "training_check.py",
                         LEARNERS / "mismatched_model.py", checks_dir(), 30.0)
    assert verdict.layer == "training"
    assert verdict.message.startswith("your code failed inside torch: RuntimeError")


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        ({"cpu": True, "cuda": True, "mps": True}, "cuda"),
        ({"cpu": True, "cuda": False, "mps": True}, "mps"),
        ({"cpu": True, "cuda": False, "mps": False}, "cpu"),
    ],
)
def test_auto_picks_cuda_then_mps_then_cpu(found, expected):
    idle = CheckRunner(device="auto")
    idle.devices = found  # what the child's torch would report; no child is started
    assert idle.resolve_device() == expected
    assert idle.started_children == 0


@pytest.mark.parametrize("wanted", ["cuda", "mps"])
def test_an_explicit_device_that_is_not_there_is_refused(wanted):
    idle = CheckRunner(device=wanted)
    idle.devices = {"cpu": True, "cuda": False, "mps": False}
    with pytest.raises(ValueError, match=f"device '{wanted}' is not available"):
        idle.resolve_device()
    idle.devices[wanted] = True
    assert idle.resolve_device() == wanted


def test_only_verdicts_about_the_learners_code_are_recordable():
    from dlpath.engine.verdict import Verdict

    assert Verdict("m/e", True).recordable
    assert Verdict("m/e", False, "values", "wrong").recordable
    assert Verdict("m/e", False, "limits", "too slow").recordable
    assert not Verdict("m/e", False, "internal", "the check itself failed").recordable
    assert not Verdict("m/e", False, "cancelled", "cancelled").recordable


def test_choose_device_refuses_an_explicit_one_and_falls_back_from_a_saved_one():
    from dlpath.engine.devices import choose_device
    from dlpath.errors import UsageError

    idle = CheckRunner()
    idle.devices = {"cpu": True, "cuda": False, "mps": True}  # no child is started
    warnings: list[str] = []
    assert choose_device(idle, None, None, warnings.append) == "mps"  # auto
    assert choose_device(idle, None, "cuda", warnings.append) == "mps"
    assert warnings == [
        "your saved device `cuda` is not available here; using mps "
        "(change it in the tutor's settings)"
    ]
    assert idle.device_preference == "mps"  # every later check runs there
    assert choose_device(idle, None, "tpu", warnings.append) == "mps"
    assert "unknown" in warnings[-1]
    with pytest.raises(UsageError, match="--device cuda: not available here"):
        choose_device(idle, "cuda", "mps", warnings.append)
    assert choose_device(idle, "cpu", "cuda", warnings.append) == "cpu"
    assert len(warnings) == 2
