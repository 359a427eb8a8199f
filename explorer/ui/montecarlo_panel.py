"""View > Monte Carlo…: many sampled runs of a branch, off the GUI thread, with progress and cancel.

The main window's View > Monte Carlo… (Ctrl+M) calls `open_montecarlo_dialog(main_window)`, which opens
a non-modal `MonteCarloDialog` (one per window). The worker gets a deep copy of the scenario, never the
live Workspace (which is not thread-safe): `monte_carlo` builds its own. A finished run is shown as a
table of events (probability, median date, outcome shares), stored as `main_window.montecarlo[branch]`
and handed to the world plots, which draw 10–90% bands. `main_window._install` clears the results
whenever the scenario changes; a run that finishes after such a change is discarded.
"""
from __future__ import annotations

import copy

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QProxyStyle,
    QPushButton,
    QSpinBox,
    QStyle,
    QStyleOptionHeader,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from ..core.montecarlo import monte_carlo
from . import style
from .background import CancellableWorker, RunsWorker

DEFAULT_RUNS = 200
HEADERS = ("Event", "Probability", "Median date", "Outcomes")


class MonteCarloWorker(CancellableWorker):
    def __init__(self, scenario, branch: str, runs: int, seed: int, parent=None):
        super().__init__(parent)
        self.scenario, self.branch, self.runs, self.seed = scenario, branch, runs, seed

    def work(self):
        return monte_carlo(self.scenario, self.branch, self.runs, self.seed, jobs=1, progress=self.report)


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


class MonteCarloDialog(RunsWorker, QDialog):
    def __init__(self, main_window):
        super().__init__(main_window)
        self.main_window = main_window
        self.worker: MonteCarloWorker | None = None
        self.result = None
        self._source = None  # the Scenario object the running worker was copied from
        self.setWindowTitle("Monte Carlo")
        self.setObjectName("MonteCarloDialog")

        self.branch_box = QComboBox()
        self.branch_box.setObjectName("branch")
        self.runs_box = QSpinBox()
        self.runs_box.setObjectName("runs")
        self.runs_box.setRange(1, 100_000)
        self.runs_box.setValue(DEFAULT_RUNS)
        self.runs_box.setToolTip("Sampled runs; run k uses seed + k")
        self.seed_box = QSpinBox()
        self.seed_box.setObjectName("seed")
        self.seed_box.setRange(0, 2_000_000_000)
        self.seed_box.setValue(0)

        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setVisible(False)  # shown once a run starts (a "0%" bar read as stuck)
        self.status = QLabel("")
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.PlainText)

        self.table = _ResultsTable(0, len(HEADERS))
        self.table.hint = self._hint
        self.table.setObjectName("results")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setSortingEnabled(True)  # by any column: probabilities and dates as numbers, not text
        self.table.cellClicked.connect(self._row_clicked)
        hh = self.table.horizontalHeader()
        hh.setSortIndicator(1, Qt.DescendingOrder)  # the most likely first
        hh.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        # the titles get what they need when it fits (else elided, whole in the tooltip); the mostly
        # empty Outcomes column takes what is left (its shares in the tooltip), never a scroll bar
        hh.setSectionResizeMode(0, QHeaderView.Interactive)
        for c in (1, 2):
            hh.setSectionResizeMode(c, QHeaderView.ResizeToContents)
        hh.setStretchLastSection(True)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.table.setTextElideMode(Qt.ElideRight)
        self._sort_arrows = _SortArrowStyle()  # kept: the header does not own its style
        hh.setStyle(self._sort_arrows)

        self.run_button = QPushButton("Run")
        self.run_button.setObjectName("run")
        self.run_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancel")
        self.close_button = QPushButton("Close")
        self.run_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.close)

        form = QFormLayout()
        form.addRow("Branch:", self.branch_box)
        form.addRow("Runs:", self.runs_box)
        form.addRow("Seed:", self.seed_box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.close_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.run_button)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.progress)
        lay.addWidget(self.status)
        lay.addWidget(self.table, 1)
        lay.addLayout(buttons)
        self.resize(self._fitting_width(), 600)  # ~13 result rows, and it still fits a 1280x800 screen
        self.refresh_branches(select=self._selected())
        self._update_state()
        for box in (self.runs_box, self.seed_box):
            box.valueChanged.connect(lambda _: self.table.viewport().update())
        self.branch_box.currentIndexChanged.connect(lambda _: self.table.viewport().update())

    def _fitting_width(self) -> int:
        """At least 720 px; wider, within 90% of the window, when the scenario's longest event title
        needs it beside the Probability, Median date and Outcomes columns (at 1920x1080 the titles were
        cut at 720: "Trotsky's underground in the unions and eji…"). Measured on at most 2,000 titles."""
        ws = self.main_window.workspace
        if ws is None:
            return 720
        fm = self.table.fontMetrics()
        events = ws.scenario.events
        titles = (e.title or e.id for e in events[::max(1, len(events) // 2000)])
        widest = max((fm.horizontalAdvance(t) for t in titles), default=0)
        hh = self.table.horizontalHeader()
        others = sum(hh.sectionSizeHint(c) for c in (1, 2, 3))  # the headers are the widest cells there
        frame = self.table.verticalScrollBar().sizeHint().width() + 24 + 2 * 11  # the slack, the margins
        need = widest + 16 + others + frame
        return max(720, min(need, int(self.main_window.width() * 0.9)))

    def _hint(self) -> str:
        """What the empty table says: the dialog opened on a blank table under a form, nothing saying
        that Run fills it (or with what)."""
        if self.worker is not None:
            return ""
        label = self.branch_box.currentText().strip() or "the branch"
        n, seed = self.runs_box.value(), self.seed_box.value()
        return (f"Press Run to sample {n:,} histories of {label} (seeds {seed:,}–{seed + n - 1:,}).\n\n"
                "Each event is listed with the share of the runs it happened in, its median date and, "
                "for events that end in one of several ways, how often each outcome came up. "
                "Click a row to see the event in the branch.")

    # --- choices ------------------------------------------------------------------------------------

    def _selected(self) -> str | None:
        return getattr(self.main_window.selection, "branch", None)

    def refresh_branches(self, select: str | None = None) -> None:
        """Fill the branch box from the current scenario; keep `select` (or the current choice)."""
        ws = self.main_window.workspace
        keep = select or self.branch_box.currentData()
        self.branch_box.blockSignals(True)
        self.branch_box.clear()
        if ws is not None:
            for bid in ws.scenario.branch_ids:
                b = ws.branch(bid)
                self.branch_box.addItem(b.label or bid, bid)
                self.branch_box.setItemData(self.branch_box.count() - 1, bid, Qt.ToolTipRole)
        i = self.branch_box.findData(keep)
        self.branch_box.setCurrentIndex(max(i, 0))
        self.branch_box.blockSignals(False)

    def branch(self) -> str | None:
        return self.branch_box.currentData()

    def _update_state(self) -> None:
        running = self.worker is not None
        self.run_button.setEnabled(not running and self.main_window.workspace is not None)
        self.cancel_button.setEnabled(running)
        for w in (self.branch_box, self.runs_box, self.seed_box):
            w.setEnabled(not running)
        self.table.viewport().update()  # the empty table's hint, gone while a run fills it

    # --- running ------------------------------------------------------------------------------------

    def start(self) -> bool:
        if self.worker is not None or self.main_window.workspace is None:
            return False
        self.refresh_branches()
        branch = self.branch()
        if branch is None:
            return False
        ws = self.main_window.workspace
        self._source = ws.scenario
        scenario = copy.deepcopy(ws.scenario)  # the worker never touches the live Workspace
        runs = self.runs_box.value()
        self.result = None
        self.table.setRowCount(0)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self._set_status(f"Running {runs} sampled runs of {self.branch_box.currentText()}…")
        self.worker = MonteCarloWorker(scenario, branch, runs, self.seed_box.value(), parent=self)
        self.worker.progressed.connect(self._on_progress)
        self.worker.succeeded.connect(self._on_succeeded)
        self.worker.failed.connect(self._on_failed)
        self.worker.cancelled.connect(self._on_cancelled)
        self.worker.finished.connect(self._on_finished)
        self._update_state()
        self.worker.start()
        return True

    def _set_status(self, message: str, error: bool = False) -> None:
        self.status.setText(message)
        self.status.setStyleSheet("color: #a4161a;" if error else "")

    def _on_progress(self, percent: int, message: str) -> None:
        self.progress.setValue(percent)

    def _on_succeeded(self, mc) -> None:
        self.progress.setValue(100)
        mw = self.main_window
        if mw.workspace is None or mw.workspace.scenario is not self._source:
            self._set_status("The scenario changed during the run; the result was discarded.", error=True)
            return
        self.result = mc
        self._fill_table(mc)
        results = dict(getattr(mw, "montecarlo", None) or {})
        results[mc.branch] = mc
        mw.montecarlo = results
        mw.world.set_montecarlo(mw.montecarlo)
        label = self.branch_box.itemText(max(self.branch_box.findData(mc.branch), 0))
        self._set_status(f"{mc.runs} runs of {label} (seeds {mc.seed}–{mc.seed + mc.runs - 1}): "
                         f"{len(mc.events)} events happened at least once.")

    def _on_failed(self, message: str) -> None:
        self.progress.setValue(0)
        self._set_status(f"Monte Carlo failed: {message}", error=True)

    def _on_cancelled(self) -> None:
        self.progress.setValue(0)
        self._set_status("Monte Carlo cancelled; nothing was stored.")

    def _on_finished(self) -> None:
        if self.worker is not None:
            self.worker.deleteLater()
        self.worker = None
        self._source = None
        self._update_state()

    def _row_clicked(self, row: int, col: int) -> None:
        """A row selects its event in the branch that was run (the inspector explains it)."""
        item = self.table.item(row, 0)
        mc = getattr(self, "result", None)
        mw = self.main_window
        if item is None or mc is None or mw.history is None or not mw.history.has_branch(mc.branch):
            return
        event = item.data(Qt.UserRole)
        tl = mw.history.try_timeline(mc.branch)
        f = tl.firing(event) if tl is not None else None
        mw.selection.select_branch(mc.branch, (event, 1), cursor=f.date if f else None)

    def _fill_table(self, mc) -> None:
        events = sorted(mc.events.values(),
                        key=lambda e: (-e.probability, e.date_quantile(0.5) or mc.grid[-1], e.title))
        self.table.setSortingEnabled(False)  # filling a sorted table moves rows under the loop
        self.table.setRowCount(len(events))
        sc = self.main_window.workspace.scenario if self.main_window.workspace is not None else None
        for r, e in enumerate(events):
            title = _Item(e.title)
            title.setData(Qt.UserRole, e.event)
            title.setToolTip(e.title)
            prob = _Item(_pct(e.probability), 100 * e.probability)
            prob.setData(Qt.UserRole, 100 * e.probability)
            prob.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            times = getattr(e, "mean_times", e.probability)
            prob.setToolTip(f"happened in {e.happened} of {e.runs} runs"
                            + (f"; {times:.2f} times per run on average" if times > e.probability + 1e-9 else ""))
            med = e.date_quantile(0.5)
            p10, p90 = e.date_quantile(0.1), e.date_quantile(0.9)
            date = _Item(med.isoformat() if med else "", med.toordinal() if med else 10 ** 9)
            if p10 and p90 and p10 != p90:
                date.setToolTip(f"10–90%: {p10.isoformat()} – {p90.isoformat()}")
            n = sum(e.outcomes.values())
            rule = sc.event(e.event) if sc is not None else None

            def otitle(k, rule=rule):
                o = rule.outcome(k) if rule is not None else None
                return (o.title or k) if o is not None else k
            shares = " · ".join(f"{otitle(k)} {_pct(v / n)}" for k, v in e.outcomes.most_common()) if n else ""
            top = e.outcomes.most_common(1)[0][1] / n if n else -1.0
            outcomes = _Item(shares, top)
            if shares:
                outcomes.setToolTip("share of the runs in which it happened:\n" + shares.replace(" · ", "\n"))
            for c, item in enumerate((title, prob, date, outcomes)):
                self.table.setItem(r, c, item)
        self.table.setSortingEnabled(True)
        hh = self.table.horizontalHeader()
        self.table.sortItems(hh.sortIndicatorSection(), hh.sortIndicatorOrder())
        self._fit_outcomes()

    def _fit_outcomes(self) -> None:
        """Event titles first: the Event column gets what its titles need, the Outcomes column the rest
        (at least its header), and no column at all when no event of the result has outcomes: an
        empty Outcomes column had kept ~90 px while titles were cut ("… in the unions and eji…")."""
        t, hh = self.table, self.table.horizontalHeader()
        any_outcomes = any((t.item(r, 3) is not None and t.item(r, 3).text()) for r in range(t.rowCount()))
        t.setColumnHidden(3, not any_outcomes)
        hh.setStretchLastSection(any_outcomes)
        # no outcomes: the Event column takes the whole rest (no blank strip at the right)
        hh.setSectionResizeMode(0, QHeaderView.Interactive if any_outcomes else QHeaderView.Stretch)
        if any_outcomes:
            room = t.viewport().width() - hh.sectionSize(1) - hh.sectionSize(2) - hh.sectionSizeHint(3) - 24
            need = max(t.sizeHintForColumn(0), hh.sectionSizeHint(0))
            t.setColumnWidth(0, max(min(need, room), hh.sectionSizeHint(0)))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.table.rowCount():
            self._fit_outcomes()

    def rows(self) -> list[tuple[str, str, float]]:  # noqa: D401
        """(event id, title, probability in %) per table row, in order (for tests and scripts)."""
        out = []
        for r in range(self.table.rowCount()):
            t, p = self.table.item(r, 0), self.table.item(r, 1)
            out.append((t.data(Qt.UserRole), t.text(), float(p.data(Qt.UserRole))))
        return out

    # --- closing ------------------------------------------------------------------------------------

    def reject(self) -> None:
        self.stop_and_wait()
        super().reject()

    def closeEvent(self, event) -> None:
        self.stop_and_wait()
        super().closeEvent(event)


def open_montecarlo_dialog(main_window) -> MonteCarloDialog:
    dialog = getattr(main_window, "montecarlo_dialog", None)
    if dialog is None:
        dialog = MonteCarloDialog(main_window)
        main_window.montecarlo_dialog = dialog
    elif dialog.worker is None:
        dialog.refresh_branches(select=dialog._selected())
    dialog._update_state()
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


class _ResultsTable(QTableWidget):
    """The results; empty, it says what Run will put in it (`hint()`, set by the dialog)."""

    hint = None

    def paintEvent(self, ev) -> None:
        super().paintEvent(ev)
        text = self.hint() if self.rowCount() == 0 and self.hint is not None else ""
        if not text:
            return
        from PySide6.QtGui import QColor, QPainter
        painter = QPainter(self.viewport())
        painter.setPen(QColor(style.TEXT_MUTED))
        r = self.viewport().rect().adjusted(40, 30, -40, -30)
        painter.drawText(r, Qt.AlignHCenter | Qt.AlignTop | Qt.TextWordWrap, text)
        painter.end()


class _Item(QTableWidgetItem):
    """A cell that sorts by a number (probability, date, leading share) instead of its text."""

    def __init__(self, text: str, key=None):
        super().__init__(text)
        self.key = key

    def __lt__(self, other) -> bool:
        if self.key is not None and getattr(other, "key", None) is not None:
            return self.key < other.key
        return self.text().lower() < other.text().lower()


class _SortArrowStyle(QProxyStyle):
    """Qt draws an up arrow for a descending sort (its header maps Descending to SortUp); here the
    arrow points the way the values go down the column: largest first, arrow down."""

    def drawPrimitive(self, element, option, painter, widget=None):
        if element == QStyle.PE_IndicatorHeaderArrow and isinstance(option, QStyleOptionHeader):
            flipped = QStyleOptionHeader(option)
            up, down = QStyleOptionHeader.SortIndicator.SortUp, QStyleOptionHeader.SortIndicator.SortDown
            flipped.sortIndicator = down if option.sortIndicator == up else up if option.sortIndicator == down \
                else option.sortIndicator
            return super().drawPrimitive(element, flipped, painter, widget)
        return super().drawPrimitive(element, option, painter, widget)
