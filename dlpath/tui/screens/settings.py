"""Settings: track (target role), the device checks train on, weekly hours; kept in the store."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.validation import Number
from textual.widgets import Button, Footer, Input, Label, RadioButton, RadioSet, Static
from textual.worker import Worker, WorkerState

from dlpath.engine.devices import DEVICES
from dlpath.tui.screens.base import TutorScreen
from dlpath.tui.widgets.title_bar import TitleBar

DEVICE_LABEL = {
    "auto": "Auto (CUDA, then MPS, then CPU)",
    "cpu": "CPU",
    "cuda": "CUDA (NVIDIA GPU)",
    "mps": "MPS (Apple GPU)",
}


def devices_text(devices: dict[str, Any]) -> Content:
    """What the check process found, in one line."""
    found = ["CPU"]
    if devices.get("cuda"):
        found.append(f"CUDA: {devices.get('cuda_name', 'present')}")
    if devices.get("mps"):
        found.append("MPS")
    missing = [name.upper() for name in ("cuda", "mps") if not devices.get(name)]
    text = "Found: " + ", ".join(found)
    if missing:
        text += " · not found: " + ", ".join(missing)
    threads = devices.get("threads")
    if isinstance(threads, int):  # the checks' thread setting (DLPATH_THREADS), not the CPU's
        text += f" · checks use {threads} thread{'' if threads == 1 else 's'}"
    return Content.styled(text, "$text-muted")


class SettingsScreen(TutorScreen):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "back", "Back"),
    ]

    def compose(self) -> ComposeResult:
        session = self.session
        current_track = session.track()
        yield TitleBar()
        with VerticalScroll(id="settings-body"):
            yield Label("Track: the role you are aiming for", classes="section")
            with RadioSet(id="track"):
                yield RadioButton("The whole path", value=current_track is None, id="track-all")
                for index, track in enumerate(session.curriculum.tracks):
                    yield RadioButton(
                        f"{track.title}: {track.summary}",
                        value=current_track is not None and track.id == current_track.id,
                        id=f"track-{index}",
                    )
            yield Label("Device: where checks train models", classes="section")
            with RadioSet(id="device"):
                for device in DEVICES:
                    yield RadioButton(
                        DEVICE_LABEL[device],
                        value=device == session.device(),
                        id=f"device-{device}",
                    )
            yield Static(Content.styled("Looking for devices…", "$text-muted"), id="device-note")
            yield Label("Hours a week you plan to study", classes="section")
            yield Input(
                f"{session.weekly_hours():g}",
                id="weekly-hours",
                type="number",
                validators=[Number(minimum=0.5, maximum=100)],
            )
            yield Label("Workspace", classes="section")
            yield Static(id="workspace-line")
            with Horizontal(id="settings-buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Create workspace", id="create-workspace", compact=True)
                yield Button("Back", id="back", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        if not self.is_open:
            return
        self.title = "Settings"
        self.sub_title = "saved in your progress database"
        self.refresh_state()
        self.query_one("#track", RadioSet).focus()  # not the scroll container around it
        known = self.session.engine.devices
        if known:
            self._show_devices(known)
        else:
            self.run_worker(
                self.session.engine.probe_devices, thread=True, group="probe", exit_on_error=False
            )

    def refresh_state(self) -> None:
        workspace = self.session.workspace
        self.query_one("#workspace-line", Static).update(
            Content(str(workspace.root))
            if workspace
            else Content.styled(f"none yet (suggested: {self.session.offer_root})", "$warning")
        )
        self.query_one("#create-workspace").display = workspace is None

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "probe":
            return
        if event.state == WorkerState.SUCCESS and isinstance(event.worker.result, dict):
            self._show_devices(event.worker.result)
        elif event.state == WorkerState.ERROR:
            self.query_one("#device-note", Static).update(
                Content.styled(f"Could not look for devices: {event.worker.error}", "$error")
            )

    def _show_devices(self, devices: dict[str, Any]) -> None:
        self.query_one("#device-note", Static).update(devices_text(devices))
        saved = self.session.device()
        for name in ("cuda", "mps"):
            button = self.query_one(f"#device-{name}", RadioButton)
            button.disabled = not devices.get(name) and saved != name
            if not devices.get(name):
                button.label = f"{DEVICE_LABEL[name]}: not found here"

    def action_save(self) -> None:
        hours_input = self.query_one("#weekly-hours", Input)
        validation = hours_input.validate(hours_input.value)
        if validation is not None and not validation.is_valid:
            self.notify("Weekly hours: a number from 0.5 to 100.", severity="error")
            hours_input.focus()
            return
        track_button = self.query_one("#track", RadioSet).pressed_button
        track = None
        if track_button is not None and track_button.id and track_button.id != "track-all":
            track = self.session.curriculum.tracks[int(track_button.id.split("-", 1)[1])].id
        device_button = self.query_one("#device", RadioSet).pressed_button
        device = (
            device_button.id.split("-", 1)[1]
            if device_button is not None and device_button.id
            else "auto"
        )
        self.session.save_settings(track, device, float(hours_input.value))
        self.tutor.refresh_screens()
        self.notify("Settings saved.")
        self.app.pop_screen()

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#create-workspace")
    def _create_pressed(self) -> None:
        self.tutor.offer_workspace()

    @on(Button.Pressed, "#back")
    def _back_pressed(self) -> None:
        self.action_back()

    @on(Input.Submitted, "#weekly-hours")
    def _hours_submitted(self) -> None:
        self.action_save()

    def action_back(self) -> None:
        self.app.pop_screen()
