"""The Settings screen: every declared setting, grouped, with an editor for its type.

Nothing here knows a particular setting: the page reads ``SETTINGS`` (what
``declare`` in ``desktop/settings.py`` added) and shows each one that is not
internal, grouped by the first part of its key, with a number box, a tick box,
a text field or a folder picker. Edits wait until *Apply* (or Enter in a text
field); *Revert* puts back what is saved, *Default* the declared default. Apply
checks every changed value first and saves nothing while one is wrong. Saving
goes through ``Settings.set``, so whoever listens to ``Settings.changed`` (the
loyalty ladder's upkeep) follows at once.

Below, read only: where this workstation's data lives.

The organization's answers (``SHARED_ANSWERS``: name, country, time zone, currency) are
kept on the server, shared by every workstation. While the server does not answer
(``desktop.server_connection``) their editors are off and say why, and Apply saves
only this computer's own settings; what was typed in the shared ones stays, for when
the server answers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop import style
from desktop.server_connection import needs_server, offline_words, server_connection
from desktop.settings import SHARED_ANSWERS, Setting, Settings, shown_settings
from desktop.views.widgets import error_label, heading, show_error
from infrastructure.config import StoreConfig

#: groups in the order they come on the page; other groups follow alphabetically
GROUP_ORDER = (
    "organization",
    "loyalty",
    "door",
    "import",
    "box_office",
    "staff",
    "workstation",
    "backup",
    "encryption",
    "projections",
)
_STYLE = """
QPushButton#flatButton:disabled { color: palette(placeholder-text); }
QSpinBox[invalid="true"], QLineEdit[invalid="true"] { border: 2px solid ERROR; }
"""
README_SECTION = "Several workstations, one PostgreSQL server"
README_ANCHOR = "#several-workstations-one-postgresql-server"


def group_title(group: str) -> str:
    """A setting group's title for people (``loyalty`` -> "Loyalty ladder")."""
    titles = {
        "organization": QCoreApplication.translate("SettingsPage", "Organization"),
        "loyalty": QCoreApplication.translate("SettingsPage", "Loyalty ladder"),
        "door": QCoreApplication.translate("SettingsPage", "Door"),
        "import": QCoreApplication.translate("SettingsPage", "Box office: importing online sales"),
        "box_office": QCoreApplication.translate("SettingsPage", "Box office"),
        "staff": QCoreApplication.translate("SettingsPage", "Staff"),
        "workstation": QCoreApplication.translate("SettingsPage", "This workstation"),
        "backup": QCoreApplication.translate("SettingsPage", "Backups"),
        "encryption": QCoreApplication.translate("SettingsPage", "Encryption"),
        "projections": QCoreApplication.translate("SettingsPage", "Keeping up with others"),
    }
    if group in titles:
        return titles[group]
    words = group.replace("_", " ").replace("-", " ").strip()
    return QCoreApplication.translate("SettingsPage", words.capitalize() or "General")


def _group_rank(group: str) -> tuple[int, str]:
    return (GROUP_ORDER.index(group), "") if group in GROUP_ORDER else (len(GROUP_ORDER), group)


def readme_path() -> Path | None:
    """The README beside the source, when there is one (a source checkout)."""
    path = Path(__file__).resolve().parents[2] / "README.md"
    return path if path.is_file() else None


#: what a setting is edited with: a box to tick, a list, a number or a line of text
Editor = QCheckBox | QComboBox | QSpinBox | QLineEdit


class SettingField(QWidget):
    """One setting's editor: the value as typed, shown and checked (no saving here)."""

    edited = Signal()
    #: Enter in a text field
    submitted = Signal()

    def __init__(self, setting: Setting, parent: QWidget | None = None):
        super().__init__(parent)
        self.setting = setting
        self.setObjectName(f"setting:{setting.key}")
        self.label = QLabel(self.tr(setting.description), parent)
        self.label.setObjectName("settingLabel")
        self.label.setWordWrap(True)
        self.label.setToolTip(setting.key)
        self.error = error_label(parent)
        self.reset_button = QPushButton(self.tr("Default"), parent)
        self.reset_button.setObjectName("flatButton")
        self.reset_button.setToolTip(
            self.tr("Reset to default: {value}").format(value=self.shown(setting.default))
        )
        self.reset_button.setAccessibleName(self.tr("Reset to default"))
        self.reset_button.clicked.connect(self.reset_to_default)
        self.choose_button: QPushButton | None = None
        #: the saved value last put in the editor
        self.loaded: object = setting.default
        #: not to be changed now (a shared answer while the server does not answer)
        self.locked = False
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.editor = self._editor(setting)
        self.editor.setToolTip(self.tr(setting.description))
        self.editor.setAccessibleName(self.tr(setting.description))
        self.label.setBuddy(self.editor)
        if isinstance(self.editor, QCheckBox):
            layout.addWidget(self.editor)  # clicks on the empty room right of it do nothing
            layout.addStretch(1)
        else:
            layout.addWidget(self.editor, 1)
        if self.choose_button is not None:
            layout.addWidget(self.choose_button)
        self.note = QLabel(self.tr("Takes effect the next time Houselights starts."), parent)
        self.note.setObjectName("muted")
        self.note.setVisible(setting.restart)

    def _editor(self, setting: Setting) -> Editor:
        if setting.type is bool:
            # the box says what ticking it does; the label beside it stays empty
            box = QCheckBox(self.tr(setting.description), self)
            self.label.setText("")
            self.label.hide()
            box.toggled.connect(self._changed)
            return box
        if setting.choices:
            combo = QComboBox(self)
            for value, words in setting.choices:
                combo.addItem(words(), value)
            combo.currentIndexChanged.connect(self._changed)
            return combo
        if setting.type is int:
            spin = QSpinBox(self)
            spin.setRange(*setting.range)
            spin.setGroupSeparatorShown(setting.range[1] >= 10_000)
            spin.setKeyboardTracking(True)
            spin.setMinimumWidth(120)
            spin.valueChanged.connect(self._changed)
            return spin
        editor = QLineEdit(self)
        editor.setClearButtonEnabled(True)
        editor.textChanged.connect(self._changed)
        editor.returnPressed.connect(self.submitted)
        if setting.is_folder:
            editor.setPlaceholderText(self.tr("No folder chosen"))
            self.choose_button = QPushButton(self.tr("Choose…"), self)
            self.choose_button.clicked.connect(self.choose_folder)
        return editor

    # -- the value --------------------------------------------------------------------
    def value(self) -> object:
        """The value as the editor holds it, of the setting's type when it can be."""
        editor = self.editor
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        if isinstance(editor, QSpinBox):
            return editor.value()
        if isinstance(editor, QComboBox):
            return editor.currentData()
        text = editor.text()
        if self.setting.type is str:
            return text.strip() if self.setting.is_folder else text
        try:
            return self.setting.type(text.strip())
        except (TypeError, ValueError):
            return text  # problem() says what is wrong with it

    def set_value(self, value: Any) -> None:
        editor = self.editor
        editor.blockSignals(True)
        try:
            if isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            elif isinstance(editor, QSpinBox):
                editor.setValue(int(value))
            elif isinstance(editor, QComboBox):
                editor.setCurrentIndex(max(0, editor.findData(value)))
            else:
                editor.setText(str(value))
        finally:
            editor.blockSignals(False)
        self._changed()

    def shown(self, value: Any) -> str:
        if self.setting.type is bool:
            return self.tr("on") if value else self.tr("off")
        if value == "":
            return self.tr("(empty)")
        if self.setting.choices:
            return dict(self.setting.choices).get(value, lambda: str(value))()
        return str(value)

    def problem(self) -> str:
        return self.setting.problem(self.value())

    def show_problem(self, message: str) -> None:
        show_error(self.error, message)
        if self.editor.property("invalid") != bool(message):
            self.editor.setProperty("invalid", bool(message))
            self.editor.style().unpolish(self.editor)
            self.editor.style().polish(self.editor)

    def reset_to_default(self) -> None:
        self.set_value(self.setting.default)
        self.editor.setFocus()

    def choose_folder(self) -> None:
        if not isinstance(self.editor, QLineEdit):  # only a folder's text field has Choose…
            return
        start = self.editor.text().strip() or str(Path.home())
        chosen = QFileDialog.getExistingDirectory(self, self.tr(self.setting.description), start)
        if chosen:
            self.editor.setText(chosen)

    def _changed(self, *_args) -> None:
        self.show_problem("")
        self.reset_button.setEnabled(not self.locked and self.value() != self.setting.default)
        self.edited.emit()


class SettingsPage(QWidget):
    #: a sentence for the status bar
    message = Signal(str)
    #: the keys just saved
    applied = Signal(list)
    #: "Run the first-run assistant…" was pressed
    assistant_requested = Signal()

    def __init__(
        self,
        settings: Settings | None,
        config: StoreConfig | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("settingsPage")
        self.setStyleSheet(_STYLE.replace("ERROR", style.current().error))
        style.follow(lambda scheme: self.setStyleSheet(_STYLE.replace("ERROR", scheme.error)))
        self.settings = settings
        self.config = config
        self.fields: dict[str, SettingField] = {}
        #: whether the server answers (the window's one record of it)
        self.online = True
        self._build()
        self.revert()
        if settings is not None:
            settings.changed.connect(self._saved_elsewhere)
        connection = server_connection()
        connection.changed.connect(self.set_online)
        self.set_online(connection.online)

    # -- building ---------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(28, 22, 28, 16)
        outer.setSpacing(10)
        outer.addWidget(heading(self.tr("Settings"), self))
        intro = QLabel(
            self.tr(
                "How Houselights works for your organization and on this computer. Changes "
                "take effect when you press Apply."
            ),
            self,
        )
        intro.setObjectName("muted")
        intro.setWordWrap(True)
        # its answers are the organization's, kept on the server: off while it does not
        # answer (the tooltip says why); this computer's own settings below still save
        self.assistant_button = needs_server(QPushButton(self.tr("First-run assistant…"), self))
        self.assistant_button.setToolTip(
            self.tr(
                "Name the organization, choose its country, time zone and currency, and what "
                "this computer is for, one step at a time"
            )
        )
        self.assistant_button.clicked.connect(self.assistant_requested)
        top = QHBoxLayout()
        top.addWidget(intro, 1)
        top.addWidget(self.assistant_button, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(top)

        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget(self.scroll_area)
        body.setObjectName("settingsBody")
        self.body = QVBoxLayout(body)
        self.body.setContentsMargins(0, 4, 12, 4)
        self.body.setSpacing(14)
        self.group_titles: dict[str, QLabel] = {}
        #: under the organization's title while the server does not answer
        self.shared_offline_note = QLabel(body)
        self._build_groups(body)
        self.body.addWidget(self._data_card(body))
        self.body.addStretch(1)
        self.scroll_area.setWidget(body)
        outer.addWidget(self.scroll_area, 1)

        self.status = QLabel(self)
        self.status.setObjectName("muted")
        self.status.setWordWrap(True)
        self.revert_button = QPushButton(self.tr("Revert"), self)
        self.revert_button.setToolTip(self.tr("Put back the values that are saved"))
        self.revert_button.clicked.connect(self.revert)
        self.apply_button = QPushButton(self.tr("Apply"), self)
        self.apply_button.setObjectName("primaryButton")
        self.apply_button.clicked.connect(self.apply)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.revert_button)
        row.addWidget(self.apply_button)
        outer.addLayout(row)
        if self.settings is None:
            self.status.setText(self.tr("Settings are not remembered in this session."))
            for f in self.fields.values():
                f.setEnabled(False)
                f.reset_button.setEnabled(False)

    def _build_groups(self, body: QWidget) -> None:
        groups: dict[str, list[Setting]] = {}
        for setting in shown_settings():
            groups.setdefault(setting.group, []).append(setting)
        for group in sorted(groups, key=_group_rank):
            card = QFrame(body)
            card.setObjectName("card")
            grid = QGridLayout(card)
            grid.setContentsMargins(20, 12, 20, 16)
            grid.setHorizontalSpacing(14)
            grid.setVerticalSpacing(4)
            grid.setColumnStretch(0, 3)
            grid.setColumnStretch(1, 2)
            title = QLabel(group_title(group), card)
            title.setObjectName("sectionTitle")
            self.group_titles[group] = title
            grid.addWidget(title, 0, 0, 1, 3)
            row = 1
            if group == "organization":
                note = self.shared_offline_note
                note.setParent(card)
                note.setObjectName("sharedOfflineNote")
                note.setWordWrap(True)
                note.setText(
                    self.tr(
                        "No connection to the server. These answers are shared by every "
                        "workstation and kept on the server: they can be changed when it "
                        "answers again. This computer's own settings below still save."
                    )
                )
                note.hide()
                grid.addWidget(note, row, 0, 1, 3)
                row += 1
            for setting in groups[group]:
                field = SettingField(setting, card)
                field.edited.connect(self._update_buttons)
                field.submitted.connect(self.apply)
                self.fields[setting.key] = field
                if setting.type is bool:
                    grid.addWidget(field, row, 0, 1, 2)
                else:
                    grid.addWidget(field.label, row, 0)
                    grid.addWidget(field, row, 1)
                grid.addWidget(field.reset_button, row, 2)
                grid.addWidget(field.error, row + 1, 1, 1, 2)
                if setting.restart:
                    grid.addWidget(field.note, row + 2, 0, 1, 3)
                row += 3
            self.body.addWidget(card)

    def _readmodels_place(self, config: StoreConfig) -> str:
        """Where the read models are: an encrypted store's are in memory, saved encrypted."""
        from infrastructure.encrypted_readmodels import encrypted_path

        try:
            encrypted = config.encrypted
        except Exception:  # noqa: BLE001 - unreadable settings are said at start-up
            encrypted = False
        if not encrypted:
            return str(config.readmodels_path)
        return self.tr("{path} (encrypted; in memory while Houselights runs)").format(
            path=encrypted_path(config.readmodels_path)
        )

    def _data_card(self, body: QWidget) -> QFrame:
        """Where this workstation's data lives (read only)."""
        card = QFrame(body)
        card.setObjectName("card")
        grid = QGridLayout(card)
        grid.setContentsMargins(20, 12, 20, 16)
        grid.setHorizontalSpacing(14)
        title = QLabel(self.tr("Where your data lives"), card)
        title.setObjectName("sectionTitle")
        grid.addWidget(title, 0, 0, 1, 3)
        self.data_labels: dict[str, QLabel] = {}
        config = self.config
        if config is None:
            rows = [("store", self.tr("Event store"), self.tr("Not known in this session"))]
        else:
            if config.kind == "sqlite":
                store = self.tr("On this computer only: the SQLite file {path}").format(
                    path=config.events_path
                )
            else:
                store = self.tr("Shared PostgreSQL server: {server}").format(
                    server=server_description(config)
                )
            rows = [
                ("data", self.tr("Data folder"), str(config.data_dir)),
                ("store", self.tr("Event store"), store),
                (
                    "readmodels",
                    self.tr("Read models (lists and figures on this computer)"),
                    self._readmodels_place(config),
                ),
            ]
        for number, (key, name, value) in enumerate(rows, start=1):
            label = QLabel(name, card)
            label.setObjectName("fieldLabel")
            shown = QLabel(value, card)
            shown.setObjectName("cardValue")
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.data_labels[key] = shown
            grid.addWidget(label, number, 0)
            grid.addWidget(shown, number, 1)
        if config is not None:
            self.open_folder_button = QPushButton(self.tr("Open data folder"), card)
            self.open_folder_button.clicked.connect(
                lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(config.data_dir)))
            )
            grid.addWidget(self.open_folder_button, 1, 2)
        readme = readme_path()
        section = (
            f'<a href="{QUrl.fromLocalFile(str(readme)).toString()}{README_ANCHOR}">'
            f"{README_SECTION}</a>"
            if readme
            else f"“{README_SECTION}”"
        )
        self.shared_help = QLabel(
            self.tr(
                "<p>Several computers in one office share one PostgreSQL server: start Houselights "
                "on each with <code>--store postgresql://houselights@office-server/houselights</code>"
                " (or set <code>HOUSELIGHTS_STORE</code> to that address). The password goes in "
                "<code>PGPASSWORD</code>; it is never shown. Each computer keeps its own read "
                "models and catches up from the server. How to set the server up: {section} in "
                "the README.</p>"
            ).format(section=section),
            card,
        )
        self.shared_help.setObjectName("muted")
        self.shared_help.setWordWrap(True)
        self.shared_help.setTextFormat(Qt.TextFormat.RichText)
        self.shared_help.setOpenExternalLinks(True)
        grid.addWidget(self.shared_help, len(rows) + 1, 0, 1, 3)
        grid.setColumnStretch(1, 1)
        return card

    # -- what is saved and what is typed ----------------------------------------------------
    def saved(self, key: str) -> object:
        default = self.fields[key].setting.default
        return default if self.settings is None else self.settings.get(key)

    def pending(self) -> dict[str, object]:
        """The settings whose editor differs from what is saved: key -> value typed."""
        return {key: f.value() for key, f in self.fields.items() if f.value() != self.saved(key)}

    def savable(self) -> dict[str, object]:
        """What Apply saves now: ``pending`` without the organization's shared answers
        while the server does not answer."""
        return {k: v for k, v in self.pending().items() if self.online or k not in SHARED_ANSWERS}

    # -- the server ---------------------------------------------------------------------
    def set_online(self, online: bool) -> None:
        """Offline, the organization's shared answers cannot be changed (they are the
        server's); this computer's own settings still save."""
        self.online = online
        self.shared_offline_note.setVisible(not online)
        for key in SHARED_ANSWERS:
            field = self.fields.get(key)
            if field is None:
                continue
            usable = online and self.settings is not None
            field.locked = not usable
            field.editor.setEnabled(usable)
            field.reset_button.setEnabled(usable and field.value() != field.setting.default)
            field.editor.setToolTip(
                self.tr(field.setting.description) if online else offline_words()
            )
        self._update_buttons()

    def revert(self) -> None:
        """Every editor back to what is saved."""
        for key, field in self.fields.items():
            field.loaded = self.saved(key)
            field.set_value(field.loaded)
        if self.settings is not None:
            self.status.setText("")
        self._update_buttons()

    def apply(self) -> bool:
        """Check every changed value; save them all, or none while one is wrong."""
        if self.settings is None:
            return False
        changes = self.savable()
        waiting = len(self.pending()) - len(changes)  # shared answers, while offline
        problems = {key: self.fields[key].problem() for key in changes}
        problems = {key: text for key, text in problems.items() if text}
        for key, field in self.fields.items():
            field.show_problem(problems.get(key, ""))
        if problems:
            first = self.fields[next(iter(problems))]
            self.scroll_area.ensureWidgetVisible(first)
            first.editor.setFocus()
            self.status.setText(
                self.tr("Nothing was saved: 1 setting needs fixing (the message is under it).")
                if len(problems) == 1
                else self.tr(
                    "Nothing was saved: {count} settings need fixing (the message is under "
                    "each one)."
                ).format(count=len(problems))
            )
            return False
        for key, value in changes.items():
            self.fields[key].loaded = value
            if value == self.fields[key].setting.default:
                self.settings.reset(key)  # follows the default from now on
            else:
                self.settings.set(key, value)
        if changes:
            text = (
                self.tr("Saved 1 setting.")
                if len(changes) == 1
                else self.tr("Saved {count} settings.").format(count=len(changes))
            )
            self.message.emit(text)
        elif waiting:
            text = ""
        else:
            text = self.tr("Nothing to save: no setting was changed.")
        if waiting:
            text = (
                text
                + (" " if text else "")
                + self.tr(
                    "The organization's answers you changed wait for the server (they are "
                    "shared by every workstation): press Apply again when it answers."
                )
            )
        self.status.setText(text)
        self._update_buttons()
        self.applied.emit(list(changes))
        return True

    def _update_buttons(self) -> None:
        dirty = self.settings is not None and bool(self.pending())
        self.apply_button.setEnabled(self.settings is not None and bool(self.savable()))
        self.revert_button.setEnabled(dirty)
        for key, field in self.fields.items():
            changed = field.value() != self.saved(key)
            if field.label.property("changed") != changed:
                field.label.setProperty("changed", changed)
                field.label.setText(("● " if changed else "") + self.tr(field.setting.description))

    def _saved_elsewhere(self, key: str) -> None:
        """A setting changed outside this page: show it unless someone is editing it."""
        field = self.fields.get(key)
        if field is None:
            return
        if field.value() == field.loaded:  # not being edited here
            field.loaded = self.saved(key)
            field.set_value(field.loaded)
        self._update_buttons()


def server_description(config: StoreConfig) -> str:
    """``houselights@office-server:5432, database houselights`` (never the password)."""
    from infrastructure.config import postgres_env

    env = postgres_env(config.store_url)
    return QCoreApplication.translate("SettingsPage", "{user}@{host}:{port}, database {db}").format(
        user=env["POSTGRES_USER"],
        host=env["POSTGRES_HOST"],
        port=env["POSTGRES_PORT"],
        db=env["POSTGRES_DBNAME"],
    )
