"""备份与恢复: the backup dialog (USB sticks, password, progress), the restore dialog (manifest first),
the block on the 设置 page, the automatic backups (daily while open, on exit) and the single-instance lock.

The slow work runs in a worker thread with its own database connections; the window only paints and
shows progress. A restore swaps the database file in the GUI thread, after the worker has verified,
unpacked and migrated the backup and saved the current database, so no view ever reads a closed
connection.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QProgressDialog,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.gui.fields import ERROR_STYLE, Form

# opening at start lives in desktop.gui.opening (a start does not load this module); named here as before
from desktop.gui.opening import is_read_only
from desktop.gui.opening import open_workspace as open_workspace
from desktop.gui.opening import release_workspace as release_workspace
from desktop.i18n import _
from desktop.services import backup as service
from desktop.services.workspace import Change, Workspace
from desktop.store import backup as store
from desktop.store.database import StoreError, open_database, schema_version

log = logging.getLogger(__name__)

OK_STYLE = "color: #1b5e20;"
WARNING_STYLE = "color: #b3261e; font-weight: bold;"
LOST_PASSWORD_WARNING = _(
    "请牢记密码：密码遗失，这份备份将永远无法恢复——任何人（包括技术人员）都无法解开。"
    "建议把密码写在纸上，与U盘分开保管。"
)
UNENCRYPTED_WARNING = _("不加密的备份，任何人拿到U盘都能读出当事人的身份证号、电话、银行账号等个人信息。")
AUTO_CHECK_MS = 60 * 60 * 1000  # look once an hour whether the daily automatic backup is due
FIRST_CHECK_MS = 60 * 1000

# Background tasks still running (waited for before the program exits).
_RUNNING: set[Task] = set()


def is_open(workspace: Workspace) -> bool:
    if workspace.is_server:
        return not workspace.db.conn.closed
    try:
        workspace.db.conn.total_changes  # noqa: B018 - raises once the connection is closed
    except sqlite3.ProgrammingError:
        return False
    return True


def db_path(workspace: Workspace) -> Path:
    return Path(workspace.path)


# --------------------------------------------------------------------------------------------- opening


def backup_on_exit(workspace: Workspace) -> service.AutoResult | None:
    """The automatic backup when the program closes (skipped when read-only, closed or nothing changed)."""
    for task in list(_RUNNING):
        task.wait()
    if is_read_only(workspace) or not is_open(workspace):  # not open: a restore the next start finishes
        return None
    if workspace.is_server:  # the server is backed up on the server (docs/server-mode.md)
        return None
    dialog = QProgressDialog(_("正在自动备份数据库…"), "", 0, 100)
    dialog.setCancelButton(None)
    dialog.setWindowTitle(_("法庭自动履行工作台"))
    dialog.setMinimumDuration(800)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    try:
        result = service.auto_backup(db_path(workspace), progress=_dialog_progress(dialog))
    finally:
        dialog.close()
    if result.warning:
        QMessageBox.warning(None, _("自动备份"), result.warning)
    return result


def _dialog_progress(dialog: QProgressDialog) -> store.Progress:
    def report(stage: str, fraction: float) -> None:
        dialog.setLabelText(_("正在自动备份数据库：{0}").format(stage))
        dialog.setValue(int(fraction * 100))
        QApplication.processEvents()

    return report


# --------------------------------------------------------------------------------------------- worker


class Task(QThread):
    """Runs ``work(progress)`` off the GUI thread; reports progress, the result or a message."""

    progressed = Signal(str, float)
    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, work: Callable[[store.Progress], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        _RUNNING.add(self)
        self.finished.connect(lambda: _RUNNING.discard(self))

    def run(self) -> None:
        try:
            result = self._work(self.progressed.emit)
        except StoreError as exc:  # a known problem: its message is for people
            self.failed.emit(str(exc))
        except Exception as exc:  # a bug: logged with its traceback, reported plainly
            log.exception("backup task failed")
            self.failed.emit(_("程序内部错误，已记入日志：{0}").format(exc))
        else:
            self.succeeded.emit(result)


def _percent(bar: QProgressBar, label: QLabel) -> Callable[[str, float], None]:
    def show(stage: str, fraction: float) -> None:
        bar.setValue(round(fraction * 1000))
        label.setText(stage)

    return show


# --------------------------------------------------------------------------------------------- backup


def _progress_and_buttons(
    dialog: QDialog, col: QVBoxLayout, action: QPushButton
) -> tuple[QLabel, QProgressBar, QLabel, QPushButton]:
    """The lower half both dialogs share: stage, progress bar, result message, then the action and 关闭."""
    stage = QLabel("", dialog)
    col.addWidget(stage)
    bar = QProgressBar(dialog)
    bar.setRange(0, 1000)
    bar.setValue(0)
    bar.setFormat("%p%")
    col.addWidget(bar)
    message = QLabel("", dialog)
    message.setWordWrap(True)
    message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    col.addWidget(message)
    buttons = QHBoxLayout()
    buttons.addStretch(1)
    buttons.addWidget(action)
    close = QPushButton(_("关闭"), dialog)
    close.clicked.connect(dialog.reject)
    buttons.addWidget(close)
    col.addLayout(buttons)
    return stage, bar, message, close


class BackupDialog(QDialog):
    """备份到U盘: pick a drive or folder, set a password (twice), watch the progress, read the result."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.task: Task | None = None
        self.completed: service.BackupDone | None = None
        self.setWindowTitle(_("备份到U盘"))
        self.setMinimumWidth(780)
        col = QVBoxLayout(self)

        intro = QLabel(
            _("把全部案件数据和自定义文书模板备份到U盘或其他文件夹。备份写完后会读回校验，校验通过才保留。")
        )
        intro.setWordWrap(True)
        col.addWidget(intro)

        self.form = Form(self)
        target_row = QWidget(self)
        row = QHBoxLayout(target_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.target = QComboBox(target_row)
        self.target.setMinimumWidth(360)
        row.addWidget(self.target, 1)
        self.refresh_button = QPushButton(_("刷新"), target_row)
        self.refresh_button.setToolTip(_("插入U盘后点这里重新查找"))
        self.refresh_button.clicked.connect(self.refresh_drives)
        row.addWidget(self.refresh_button)
        self.browse_button = QPushButton(_("其他文件夹…"), target_row)
        self.browse_button.clicked.connect(self.choose_folder)
        row.addWidget(self.browse_button)
        self.form.add(_("备份到"), target_row, required=True)

        self.encrypt = QCheckBox(_("加密备份（推荐；备份到U盘时默认加密）"), self)
        self.encrypt.setChecked(True)
        self.encrypt.toggled.connect(self._update_encryption)
        self.form.add(_("加密"), self.encrypt)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(_("至少 {0} 位").format(store.MIN_PASSWORD_LENGTH))
        self.form.add(_("密码"), self.password, required=True)
        self.confirm = QLineEdit(self)
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm.setPlaceholderText(_("再输入一次"))
        self.form.add(_("确认密码"), self.confirm, required=True)
        col.addWidget(self.form)

        self.warning = QLabel("⚠ " + LOST_PASSWORD_WARNING, self)
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(
            WARNING_STYLE + " padding: 6px; background: #fff4e5; border: 1px solid #f0b37e;"
        )
        col.addWidget(self.warning)

        self.start_button = QPushButton(_("开始备份"), self)
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.stage, self.bar, self.message, self.close_button = _progress_and_buttons(
            self, col, self.start_button
        )

        self.target.currentIndexChanged.connect(self._target_changed)
        self.refresh_drives()

    # ---------------------------------------------------------------- targets
    def refresh_drives(self) -> None:
        current = self.target_dir()
        self.target.blockSignals(True)
        self.target.clear()
        drives = service.removable_drives()
        for drive in drives:
            self.target.addItem(drive.describe(), (str(drive.path), True))
        if current is not None and not any(str(d.path) == str(current) for d in drives):
            self.target.addItem(str(current), (str(current), service.is_removable(current, drives)))
        if self.target.count() == 0:
            self.target.addItem(_("未发现U盘：请插入U盘后点“刷新”，或点“其他文件夹…”"), None)
        self.target.blockSignals(False)
        self._target_changed()

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("选择备份到哪个文件夹"))
        if not folder:
            return
        path = Path(folder)
        removable = service.is_removable(path)
        for i in range(self.target.count()):
            data = self.target.itemData(i)
            if data and data[0] == str(path):
                self.target.setCurrentIndex(i)
                return
        self.target.addItem(str(path), (str(path), removable))
        self.target.setCurrentIndex(self.target.count() - 1)

    def target_dir(self) -> Path | None:
        data = self.target.currentData()
        return Path(data[0]) if data else None

    def _target_changed(self) -> None:
        data = self.target.currentData()
        removable = bool(data and data[1])
        self.encrypt.setChecked(removable or self.encrypt.isChecked())
        self._update_encryption()

    def _update_encryption(self) -> None:
        on = self.encrypt.isChecked()
        self.password.setEnabled(on)
        self.confirm.setEnabled(on)
        self.warning.setText("⚠ " + (LOST_PASSWORD_WARNING if on else UNENCRYPTED_WARNING))

    # ---------------------------------------------------------------- run
    def start(self) -> None:
        self.form.clear_errors()
        self.message.clear()
        target = self.target_dir()
        ok = True
        if target is None:
            self.form.show_error(_("备份到"), _("请选择U盘或文件夹"))
            ok = False
        password: str | None = None
        if self.encrypt.isChecked():
            password = self.password.text()
            if len(password) < store.MIN_PASSWORD_LENGTH:
                self.form.show_error(_("密码"), _("密码至少 {0} 位").format(store.MIN_PASSWORD_LENGTH))
                ok = False
            elif self.confirm.text() != password:
                self.form.show_error(_("确认密码"), _("两次输入的密码不一致"))
                ok = False
        if not ok or target is None:
            return
        path = db_path(self.workspace)
        self._running(True)
        self.task = Task(
            lambda progress: service.make_backup(path, target, password, progress=progress), self
        )
        self.task.progressed.connect(_percent(self.bar, self.stage))
        self.task.succeeded.connect(self._succeeded)
        self.task.failed.connect(self._failed)
        self.task.start()

    def _running(self, running: bool) -> None:
        for widget in (
            self.target,
            self.refresh_button,
            self.browse_button,
            self.encrypt,
            self.start_button,
            self.close_button,
        ):
            widget.setEnabled(not running)
        if not running:
            self._update_encryption()
        else:
            self.password.setEnabled(False)
            self.confirm.setEnabled(False)

    def _succeeded(self, done: service.BackupDone) -> None:
        self.completed = done
        self._running(False)
        self.bar.setValue(1000)
        self.stage.setText(_("完成"))
        self.message.setStyleSheet(OK_STYLE)
        self.message.setText("✔ " + done.summary())
        self.password.clear()
        self.confirm.clear()
        if not is_read_only(self.workspace):
            try:
                service.audit_backup(self.workspace.db, self.workspace.actor, done)
            except StoreError as exc:
                log.warning("backup not audited: %s", exc)

    def _failed(self, message: str) -> None:
        self._running(False)
        self.stage.setText(_("未完成"))
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText("✘ " + _("备份没有完成：{0}").format(message))

    def reject(self) -> None:
        if self.task is not None and self.task.isRunning():
            return  # never walk away from a backup being written
        super().reject()

    def closeEvent(self, event):  # type: ignore[no-untyped-def]
        if self.task is not None and self.task.isRunning():
            event.ignore()
            return
        super().closeEvent(event)


# --------------------------------------------------------------------------------------------- restore


class RestoreDialog(QDialog):
    """从备份恢复: pick a file, give its password, read what it holds, confirm, restore."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.manifest: store.Manifest | None = None
        self.task: Task | None = None
        self.outcome: service.RestoreDone | None = None
        self.setWindowTitle(_("从备份恢复"))
        self.setMinimumSize(680, 720)
        col = QVBoxLayout(self)

        self.form = Form(self)
        file_row = QWidget(self)
        row = QHBoxLayout(file_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.file = QComboBox(file_row)
        self.file.setMinimumWidth(380)
        for path, kind, when in store.list_backups(service.backups_dir()):
            label = f"{when:%Y-%m-%d %H:%M}  {service.KIND_LABELS.get(kind, kind)}  {path.name}"
            self.file.addItem(label, str(path))
        self.file.setCurrentIndex(-1)
        self.file.setPlaceholderText(_("选择自动备份，或点“选择文件…”"))
        self.file.currentIndexChanged.connect(self._file_changed)
        row.addWidget(self.file, 1)
        browse = QPushButton(_("选择文件…"), file_row)
        browse.clicked.connect(self.choose_file)
        row.addWidget(browse)
        self.form.add(_("备份文件"), file_row, required=True)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(_("备份时设置的密码（未加密的备份不需要）"))
        self.password.returnPressed.connect(self.read)
        self.form.add(_("密码"), self.password)
        col.addWidget(self.form)

        read_row = QHBoxLayout()
        self.read_button = QPushButton(_("读取备份内容"), self)
        self.read_button.clicked.connect(self.read)
        read_row.addWidget(self.read_button)
        read_row.addStretch(1)
        col.addLayout(read_row)

        self.table = QTableWidget(0, 2, self)
        self.table.setHorizontalHeaderLabels([_("项目"), _("内容")])
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        col.addWidget(self.table, 1)

        note = QLabel(
            _(
                "恢复会用这份备份替换当前数据库。替换之前，当前数据库会先自动另存为一份备份，随时可以用它撤销这次恢复。"
            )
        )
        note.setWordWrap(True)
        col.addWidget(note)
        self.restore_button = QPushButton(_("恢复"), self)
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self.confirm_and_restore)
        self.stage, self.bar, self.message, self.close_button = _progress_and_buttons(
            self, col, self.restore_button
        )

    def choose_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, _("选择备份文件"), "", _("法庭自动履行工作台备份 (*.tdbak);;所有文件 (*)")
        )
        if name:
            self.file.addItem(name, name)
            self.file.setCurrentIndex(self.file.count() - 1)

    def backup_file(self) -> Path | None:
        data = self.file.currentData()
        return Path(data) if data else None

    def _file_changed(self) -> None:
        self.manifest = None
        self.restore_button.setEnabled(False)
        self.table.setRowCount(0)
        self.message.clear()
        self.form.clear_errors()
        path = self.backup_file()
        if path is None:
            return
        try:
            encrypted = store.read_header(path).encrypted
        except StoreError as exc:
            self.form.show_error(_("备份文件"), str(exc))
            return
        self.password.setEnabled(encrypted)
        if encrypted:
            self.password.setFocus()
        else:
            self.password.clear()
            self.read()

    def read(self) -> None:
        """Check the password and show the manifest (quick: the file is read in full only on restore)."""
        self.form.clear_errors()
        self.message.clear()
        self.manifest = None
        self.restore_button.setEnabled(False)
        self.table.setRowCount(0)
        path = self.backup_file()
        if path is None:
            self.form.show_error(_("备份文件"), _("请选择备份文件"))
            return
        try:
            manifest = store.read_manifest(path, self.password.text() or None)
        except store.BackupError as exc:
            field = (
                _("密码")
                if exc.problem in (store.Problem.WRONG_PASSWORD, store.Problem.PASSWORD_NEEDED)
                else _("备份文件")
            )
            self.form.show_error(field, str(exc))
            return
        except StoreError as exc:
            self.form.show_error(_("备份文件"), str(exc))
            return
        self.manifest = manifest
        rows = service.describe(manifest)
        self.table.setRowCount(len(rows))
        for i, (label, value) in enumerate(rows):
            self.table.setItem(i, 0, QTableWidgetItem(label))
            self.table.setItem(i, 1, QTableWidgetItem(value))
        newer = manifest.schema_version > schema_version()
        self.warnings = [] if newer else service.restore_warnings(manifest, self.workspace.path)
        if newer:
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText(
                _("这份备份由较新版本的程序创建，本程序不能恢复它；请先升级本程序。当前数据库没有改动。")
            )
        elif self.warnings:  # unsigned, or another database's or court's: said before anyone confirms
            self.message.setStyleSheet(WARNING_STYLE)
            self.message.setText("\n".join(_("注意：{0}").format(w) for w in self.warnings))
        self.restore_button.setEnabled(not newer and not is_read_only(self.workspace))

    def confirm_and_restore(self) -> None:
        path = self.backup_file()
        manifest = self.manifest
        if path is None or manifest is None:
            return
        answer = QMessageBox.question(
            self,
            _("确认恢复"),
            _(
                "用 {0} 的备份（{1:,} 件案件）替换当前数据库？\n\n"
                "当前数据库会先自动另存为一份备份，可以用它撤销这次恢复。"
            ).format(f"{manifest.created_at:%Y-%m-%d %H:%M}", manifest.counts.get("cases", 0))
            + "".join("\n\n" + _("注意：{0}").format(w) for w in getattr(self, "warnings", [])),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        password = self.password.text() or None
        live = db_path(self.workspace)
        self._running(True)
        self.task = Task(
            lambda progress: service.prepare_restore(live, path, password, progress=progress), self
        )
        self.task.progressed.connect(_percent(self.bar, self.stage))
        self.task.succeeded.connect(self._install)
        self.task.failed.connect(self._failed)
        self.task.start()

    def _install(self, prepared: service.PreparedRestore) -> None:
        """The swap, in the GUI thread: close our connection, install, reopen, tell every view."""
        workspace = self.workspace
        path = prepared.db_path
        workspace.db.conn.close()
        refused = ""
        try:
            self.outcome = prepared.install(workspace.actor)
        except StoreError as exc:
            if not prepared.begun():
                refused = str(exc)  # before anything changed: the database is as it was
            # otherwise the install was cut short part-way: reopening below finishes it, if it can now
        prepared.discard()
        try:
            workspace.db = open_database(path)
        except StoreError as exc:
            self._unfinished(str(exc))
            return
        if refused:
            self._failed(refused)
            return
        if self.outcome is None:
            self.outcome = prepared.done()
        self._running(False)
        self.bar.setValue(1000)
        self.stage.setText(_("完成"))
        self.message.setStyleSheet(OK_STYLE)
        self.message.setText("✔ " + self.outcome.summary())
        self.restore_button.setEnabled(False)
        workspace.notify(Change("settings"))
        workspace.notify(Change("restore"))

    def _unfinished(self, message: str) -> None:
        """The install began but neither it nor the reopen could finish it (a file held by another program):
        the program cannot go on without its database, so it says so and closes; the next start finishes."""
        self._running(False)
        self.stage.setText(_("未完成"))
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText("✘ " + message)
        QMessageBox.critical(
            self,
            _("恢复没有完成"),
            _(
                "{0}\n\n程序现在关闭。请关闭可能正在使用数据库或文书模板文件夹的其他程序，"
                "再重新打开本程序，恢复会自动完成。"
            ).format(message),
        )
        QApplication.quit()

    def _running(self, running: bool) -> None:
        for widget in (self.file, self.password, self.read_button, self.restore_button, self.close_button):
            widget.setEnabled(not running)
        if not running:
            self.restore_button.setEnabled(False)

    def _failed(self, message: str) -> None:
        self._running(False)
        self.stage.setText(_("未完成"))
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText("✘ " + _("没有恢复，当前数据库保持原样：{0}").format(message))
        self.restore_button.setEnabled(self.manifest is not None)

    def reject(self) -> None:
        if self.task is not None and self.task.isRunning():
            return
        super().reject()

    def closeEvent(self, event):  # type: ignore[no-untyped-def]
        if self.task is not None and self.task.isRunning():
            event.ignore()
            return
        super().closeEvent(event)


# --------------------------------------------------------------------------------------------- settings


class BackupBlock(QGroupBox):
    """The 备份与恢复 block on the 设置 page; also runs the daily automatic backup while the program runs."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(_("备份与恢复"), parent)
        self.workspace = workspace
        self.auto_task: Task | None = None
        layout = QVBoxLayout(self)
        info = QFormLayout()
        self.auto_label = QLabel(self)
        self.auto_label.setWordWrap(True)
        info.addRow(_("自动备份"), self.auto_label)
        layout.addLayout(info)
        row = QHBoxLayout()
        self.backup_button = QPushButton(_("备份到U盘…"), self)
        self.backup_button.clicked.connect(self.open_backup)
        self.restore_button = QPushButton(_("从备份恢复…"), self)
        self.restore_button.clicked.connect(self.open_restore)
        self.folder_button = QPushButton(_("打开备份文件夹"), self)
        self.folder_button.clicked.connect(self.open_folder)
        for button in (self.backup_button, self.restore_button, self.folder_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        if is_read_only(workspace):
            self.restore_button.setEnabled(False)
            self.restore_button.setToolTip(_("只读方式打开时不能恢复"))
            self.restore_button.setProperty("read_only_locked", True)
        self.update_label()
        self.timer = QTimer(self)
        self.timer.setInterval(AUTO_CHECK_MS)
        self.timer.timeout.connect(self.daily_backup)
        self.first_check = QTimer(self)  # a minute after the start, then hourly
        self.first_check.setSingleShot(True)
        self.first_check.setInterval(FIRST_CHECK_MS)
        self.first_check.timeout.connect(self.daily_backup)
        if not is_read_only(workspace):
            self.timer.start()
            self.first_check.start()

    def update_label(self) -> None:
        last = service.last_auto_backup(db_path(self.workspace))
        when = f"{last:%Y-%m-%d %H:%M}" if last else _("尚无")
        self.auto_label.setText(
            _("每天及退出程序时自动保存到 {0}，保留最近 7 天、4 周和 12 个月各一份；").format(
                service.backups_dir()
            )
            + _("磁盘剩余不足 1 GB 时暂停并提醒。最近一次：{0}").format(when)
        )

    def open_backup(self) -> None:
        BackupDialog(self.workspace, self.window()).exec()

    def open_restore(self) -> None:
        RestoreDialog(self.workspace, self.window()).exec()
        self.update_label()

    def open_folder(self) -> None:
        folder = service.backups_dir()
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def daily_backup(self) -> None:
        """Start the automatic backup in the background when the last one is a day old."""
        if not is_open(self.workspace):  # the program is closing (or a test is over)
            self.timer.stop()
            self.first_check.stop()
            return
        if is_read_only(self.workspace) or (self.auto_task is not None and self.auto_task.isRunning()):
            return
        path = db_path(self.workspace)
        if not service.auto_backup_due(path, datetime.now()):
            return
        self.auto_task = Task(lambda _progress: service.auto_backup(path))
        self.auto_task.succeeded.connect(self._auto_done)
        self.auto_task.failed.connect(lambda message: log.warning("automatic backup: %s", message))
        self.auto_task.start()

    def _auto_done(self, result: service.AutoResult) -> None:
        self.update_label()
        if result.warning:
            QMessageBox.warning(self.window(), _("自动备份"), result.warning)
