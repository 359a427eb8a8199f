"""File > Export Report…: choose branches, variables, format and page size; export off the GUI thread.

The main window's File > Export Report… (Ctrl+E) calls `open_export_dialog(main_window)`, which opens
`ExportReportDialog(main_window.workspace, <selected branch>, compared_branch=<the compared one>)`: while
two branches are compared, both are ticked. The export runs in a QThread with a progress bar and a
Cancel button; a cancelled or failed export leaves no file behind (writes are atomic). Timelines are computed on the GUI thread before the worker starts, so the worker only reads
the workspace.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QListWidget, QListWidgetItem, QProgressBar, QPushButton, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from ..core.errors import ExplorerError
from ..core.model import BASELINE
from ..core.report import default_variables, tree_order
from .background import CancellableWorker

FILTERS = {"html": "HTML report (*.html *.htm)", "md": "Markdown report (*.md)", "pdf": "PDF report (*.pdf)",
           "json": "JSON report data (*.json)"}


def _render():
    """reports.render (its format tables), imported when a dialog opens: Jinja2 stays off the app's start-up."""
    from ..reports import render
    return render


class ExportWorker(CancellableWorker):
    """Builds and writes the report on its own thread; cancel() stops it at the next progress step."""

    def __init__(self, workspace, out: Path, fmt: str, branches: list[str], variables: list[str],
                 page_size: str, templates=None, parent=None, full_chronology: bool = False):
        super().__init__(parent)
        self.workspace, self.out, self.fmt = workspace, Path(out), fmt
        self.branches, self.variables, self.page_size = branches, variables, page_size
        self.templates, self.full_chronology = templates, full_chronology

    def work(self) -> str:
        from ..reports.render import export_report
        export_report(self.workspace, self.out, fmt=self.fmt, branches=self.branches,
                      variables=self.variables, page_size=self.page_size, templates=self.templates,
                      progress=self.report, full_chronology=self.full_chronology)
        return str(self.out)


class ExportReportDialog(QDialog):
    def __init__(self, workspace, selected_branch: str | None = None, parent: QWidget | None = None,
                 variables: list[str] | None = None, order: list[str] | None = None,
                 compared_branch: str | None = None):
        """`variables`: those to tick (the World pane's ticked ones); else the report's defaults.
        `order`: the branches in the window's outline order (else the report's). `compared_branch`:
        the branch the selected one is compared with, ticked too (a reader comparing two histories
        expects both in the report; "Only selected" ticks the two again)."""
        super().__init__(parent)
        self.workspace = workspace
        self.worker: ExportWorker | None = None
        self.last_output: str | None = None
        sc = workspace.scenario
        self.setWindowTitle("Export Report")
        self.setObjectName("ExportReportDialog")
        selected = selected_branch if selected_branch in sc.branch_ids else BASELINE
        chosen_branches = {selected} | ({compared_branch} if compared_branch in sc.branch_ids else set())

        # branches, as the tree they form
        self.branch_tree = QTreeWidget()
        self.branch_tree.setObjectName("branches")
        self.branch_tree.setHeaderHidden(True)
        self.branch_tree.setRootIsDecorated(False)
        self.branch_items: dict[str, QTreeWidgetItem] = {}
        known = set(sc.branch_ids)
        order = [b for b in order if b in known] if order and set(order) == known else tree_order(workspace)
        for bid in order:  # as the outline lists them (it listed them otherwise, in the report's order)
            b = workspace.branch(bid)
            parent_item = self.branch_items.get(b.parent) if b.parent else None
            item = QTreeWidgetItem([b.label or bid])
            item.setData(0, Qt.UserRole, bid)
            item.setToolTip(0, bid)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(0, Qt.Checked if bid in chosen_branches else Qt.Unchecked)
            (parent_item.addChild(item) if parent_item else self.branch_tree.addTopLevelItem(item))
            self.branch_items[bid] = item
        self.branch_tree.expandAll()
        self.all_branches = QPushButton("All")
        self.no_branches = QPushButton("Only selected")
        self.all_branches.clicked.connect(lambda: self._check_branches(set(sc.branch_ids)))
        self.no_branches.clicked.connect(lambda: self._check_branches(chosen_branches))
        self.branch_tree.itemChanged.connect(lambda *_: self._update_state())

        # variables to plot
        self.var_list = QListWidget()
        self.var_list.setObjectName("variables")
        chosen = {v for v in variables or () if v in sc.variables} or \
            set(default_variables(workspace, [selected, *sorted(chosen_branches - {selected})]))
        self.var_items: dict[str, QListWidgetItem] = {}
        for name, var in sc.variables.items():
            # the title only: "Trotsky's health  (trotsky.health)" was clipped in a half-width list at
            # 1280x800; the id, for authors, is in the tooltip
            item = QListWidgetItem(var.title)
            item.setToolTip(name)
            item.setData(Qt.UserRole, name)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked if name in chosen else Qt.Unchecked)
            self.var_list.addItem(item)
            self.var_items[name] = item

        # format, page size, output
        self.format_box = QComboBox()
        self.format_box.setObjectName("format")
        for fmt in ("pdf", "html", "md", "json"):
            self.format_box.addItem(_render().FORMAT_NAMES[fmt], fmt)
        self.page_box = QComboBox()
        self.page_box.setObjectName("page_size")
        self.page_box.addItem("A4", "a4")
        self.page_box.addItem("US Letter", "letter")
        # a branch whose parent is in the report starts at its fork with a reference back (the
        # report's default: the parent's chronology is not told twice); the reader of one branch
        # printed alone, or of a handout per branch, may want every branch told from the start
        self.full_chronology = QCheckBox("Tell every branch from the start (repeats the parent's events)")
        self.full_chronology.setObjectName("full_chronology")
        self.full_chronology.setToolTip(
            "Off: a branch whose parent is also in the report begins at its divergence and refers back "
            "to its parent's section.\nOn: every branch's chronology is told in full (a longer report).")
        self.path_edit = QLineEdit(str(self._default_path("pdf", selected, compared_branch
                                                          if compared_branch in chosen_branches else None)))
        self.path_edit.setObjectName("output")
        self.browse = QPushButton("Browse…")
        self.browse.clicked.connect(self._browse)
        self.format_box.currentIndexChanged.connect(self._format_changed)
        self.path_edit.textChanged.connect(lambda *_: self._update_state())

        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.progress.setVisible(False)  # shown once an export starts (a "0%" bar read as stuck)
        self.status = QLabel("")
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.PlainText)  # messages quote user text: never rich text

        self.export_button = QPushButton("Export")
        self.export_button.setObjectName("export")
        self.export_button.setDefault(True)
        self.cancel_button = QPushButton("Close")
        self.cancel_button.setObjectName("cancel")
        self.open_button = QPushButton("Open Report")
        self.open_button.setVisible(False)
        self.export_button.clicked.connect(self.start_export)
        self.cancel_button.clicked.connect(self._cancel_or_close)
        self.open_button.clicked.connect(self._open_report)

        # layout
        branches_box = QGroupBox("Branches to include")
        bl = QVBoxLayout(branches_box)
        bl.addWidget(self.branch_tree)
        row = QHBoxLayout()
        row.addWidget(self.all_branches)
        row.addWidget(self.no_branches)
        row.addStretch(1)
        bl.addLayout(row)
        vars_box = QGroupBox("World variables to plot")
        vl = QVBoxLayout(vars_box)
        vl.addWidget(self.var_list)
        top = QHBoxLayout()
        # half each: at 3:2 the bundled scenario's variable titles were cut ("Trotsky's standing on the
        # Mexican…") behind a horizontal scroll bar while the branch tree had room to spare
        top.addWidget(branches_box, 1)
        top.addWidget(vars_box, 1)
        form = QFormLayout()
        form.addRow("Format:", self.format_box)
        form.addRow("Page size:", self.page_box)
        form.addRow("Chronology:", self.full_chronology)
        out_row = QHBoxLayout()
        out_row.addWidget(self.path_edit, 1)
        out_row.addWidget(self.browse)
        form.addRow("Save to:", out_row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.export_button)
        main = QVBoxLayout(self)
        main.addLayout(top, 1)
        main.addLayout(form)
        main.addWidget(self.progress)
        main.addWidget(self.status)
        main.addLayout(buttons)
        self.resize(760, 520)
        self._fitted = False
        self._update_state()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._fitted:  # the lists' real sizes are known once shown
            self._fitted = True
            self._fit_lists(self.parentWidget())

    def _fit_lists(self, parent) -> None:
        """Room for every branch, whole, where the screen has it: at 760x520 the 18 bundled branches
        scrolled and "Washington backs Ponce in Guatem…" was cut, on a 1920x1080 window with room to
        spare. Grows to the lists' needs, never past the window (or the screen) it opens over; the
        variables' list too ("US anti-revolutionary vigilance in the hemisphere" scrolled it sideways)."""
        tree = self.branch_tree
        items = list(self.branch_items.values())
        if not items:
            return

        def depth(item):
            return 0 if item.parent() is None else 1 + depth(item.parent())

        fm = tree.fontMetrics()
        row = max(tree.visualItemRect(items[0]).height(), fm.height() + 4)
        need_w = max(fm.horizontalAdvance(i.text(0)) + tree.indentation() * depth(i) for i in items) + 48
        need_h = row * len(items) + 2 * tree.frameWidth() + 4
        room = (parent.geometry() if parent is not None else self.screen().availableGeometry())
        vl = self.var_list
        vfm = vl.fontMetrics()
        var_w = max((vfm.horizontalAdvance(vl.item(i).text()) for i in range(vl.count())), default=0) + 40
        # the two lists share the dialog's extra width half and half: the larger shortfall, twice
        extra_w = max(0, need_w - tree.viewport().width(), var_w - vl.viewport().width()) * 2
        extra_h = max(0, need_h - tree.viewport().height())
        self.resize(min(self.width() + extra_w, room.width()), min(self.height() + extra_h, room.height()))
        if parent is not None:  # centred again over the window, as Qt placed it at its first size
            self.move(room.center() - self.rect().center())

    # --- choices ------------------------------------------------------------------------------------

    def _default_path(self, fmt: str, branch: str, compared: str | None = None) -> Path:
        """The file offered: the scenario's id, the branch's (both while comparing: the report is
        about the two, "…-baseline-vs-us-invades-1942-report.pdf"), beside the scenario."""
        sc = self.workspace.scenario
        folder = Path(sc.path).resolve().parent if sc.path else None
        if folder is None or not folder.is_dir():
            docs = QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation)
            folder = Path(docs) if docs else Path.home()
        if compared and compared != branch:
            stem = f"{sc.id}-{branch}-vs-{compared}"
        else:
            stem = sc.id if branch == BASELINE else f"{sc.id}-{branch}"
        return folder / f"{stem}-report{_render().DEFAULT_SUFFIX[fmt]}"

    def checked_branches(self) -> list[str]:
        return [bid for bid, item in self.branch_items.items() if item.checkState(0) == Qt.Checked]

    def checked_variables(self) -> list[str]:
        return [name for name, item in self.var_items.items() if item.checkState() == Qt.Checked]

    def fmt(self) -> str:
        return self.format_box.currentData()

    def page_size(self) -> str:
        return self.page_box.currentData()

    def _check_branches(self, ids: set) -> None:
        for bid, item in self.branch_items.items():
            item.setCheckState(0, Qt.Checked if bid in ids else Qt.Unchecked)

    def _format_changed(self) -> None:
        fmt = self.fmt()
        text = self.path_edit.text().strip()
        if text:
            p = Path(text)
            if _render().SUFFIXES.get(p.suffix.lower()) != fmt:
                self.path_edit.setText(str(p.with_suffix(_render().DEFAULT_SUFFIX[fmt])))
        self._update_state()

    def _browse(self) -> None:
        fmt = self.fmt()
        path, _ = QFileDialog.getSaveFileName(self, "Export Report", self.path_edit.text(), FILTERS[fmt])
        if path:
            if not Path(path).suffix:
                path += _render().DEFAULT_SUFFIX[fmt]
            self.path_edit.setText(path)

    def _update_state(self) -> None:
        running = self.worker is not None
        self.page_box.setEnabled(not running and self.fmt() in ("pdf", "html"))  # HTML: its print style sheet
        ok = bool(self.checked_branches()) and bool(self.path_edit.text().strip())
        self.export_button.setEnabled(ok and not running)
        for w in (self.branch_tree, self.var_list, self.format_box, self.path_edit, self.browse,
                  self.all_branches, self.no_branches, self.full_chronology):
            w.setEnabled(not running)
        self.cancel_button.setText("Cancel" if running else "Close")

    # --- exporting ----------------------------------------------------------------------------------

    def start_export(self) -> bool:
        """Start the export on a worker thread; False (with a message) when the choices cannot work."""
        if self.worker is not None:
            return False
        branches = self.checked_branches()
        out = Path(self.path_edit.text().strip()).expanduser()
        fmt = self.fmt()
        if not branches:
            return self._error("Choose at least one branch.")
        if not out.name or out.is_dir():
            return self._error("Give a file name to save the report to.")
        if not out.parent.is_dir():
            return self._error(f"The folder {out.parent} does not exist.")
        if _render().SUFFIXES.get(out.suffix.lower()) != fmt:
            suffix = _render().DEFAULT_SUFFIX[fmt]
            out = out.with_name(out.name + suffix) if not out.suffix else out.with_suffix(suffix)
            self.path_edit.setText(str(out))
        try:  # compute (and cache) the timelines here: the worker then only reads the workspace
            for bid in branches:
                for anc in self.workspace.path(bid):
                    self.workspace.timeline(anc.id)
        except ExplorerError as e:
            return self._error(str(e))
        from ..reports.plots import ensure_gui_app
        ensure_gui_app()
        self.last_output = None
        self.open_button.setVisible(False)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self._set_status("Exporting…")
        self.worker = ExportWorker(self.workspace, out, fmt, branches, self.checked_variables(),
                                   self.page_size(), parent=self,
                                   full_chronology=self.full_chronology.isChecked())
        self.worker.progressed.connect(self._on_progress)
        self.worker.succeeded.connect(self._on_succeeded)
        self.worker.failed.connect(self._on_failed)
        self.worker.cancelled.connect(self._on_cancelled)
        self.worker.finished.connect(self._on_finished)
        self._update_state()
        self.worker.start()
        return True

    def _error(self, message: str) -> bool:
        self._set_status(message, error=True)
        return False

    def _set_status(self, message: str, error: bool = False) -> None:
        self.status.setText(message)
        self.status.setStyleSheet("color: #a4161a;" if error else "")

    def _on_progress(self, percent: int, message: str) -> None:
        self.progress.setValue(percent)
        self._set_status(message)

    def _on_succeeded(self, path: str) -> None:
        self.last_output = path
        self.progress.setValue(100)
        self._set_status(f"Saved {path}")
        self.open_button.setVisible(True)

    def _on_failed(self, message: str) -> None:
        self.progress.setValue(0)
        self._set_status(f"Export failed: {message}", error=True)

    def _on_cancelled(self) -> None:
        self.progress.setValue(0)
        self._set_status("Export cancelled; nothing was written.")

    def _on_finished(self) -> None:
        if self.worker is not None:
            self.worker.deleteLater()
        self.worker = None
        self._update_state()

    def cancel_export(self) -> None:
        if self.worker is not None:
            self._set_status("Cancelling…")
            self.worker.cancel()

    def _cancel_or_close(self) -> None:
        if self.worker is not None:
            self.cancel_export()
        else:
            self.reject()

    def _open_report(self) -> None:
        if self.last_output:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.last_output))

    def reject(self) -> None:
        if self.worker is not None:  # closing while exporting: stop the worker first
            self.worker.cancel()
            self.worker.wait(10_000)
        super().reject()

    def closeEvent(self, event) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.worker.wait(10_000)
        super().closeEvent(event)


def _selected_branch(main_window) -> str | None:
    sel = getattr(main_window, "selection", None)
    if callable(sel) and not isinstance(sel, str):
        try:
            sel = sel()
        except TypeError:
            pass
    if isinstance(sel, str) or sel is None:
        return sel
    for attr in ("branch", "branch_id"):
        value = getattr(sel, attr, None)
        if isinstance(value, str):
            return value
        if value is not None and isinstance(getattr(value, "id", None), str):
            return value.id
    return None


def open_export_dialog(main_window) -> ExportReportDialog:
    world = getattr(main_window, "world", None)
    ticked = world.ticked() if world is not None and hasattr(world, "ticked") else None
    history = getattr(main_window, "history", None)
    sel = getattr(main_window, "selection", None)
    compared = getattr(sel, "compare", None)  # comparing two branches: both in the report
    dialog = ExportReportDialog(main_window.workspace, _selected_branch(main_window), main_window, variables=ticked,
                                order=history.rows() if history is not None else None,
                                compared_branch=compared if isinstance(compared, str) else None)
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    dialog.open()
    return dialog
