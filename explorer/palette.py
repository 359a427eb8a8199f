"""The colours of the world plots, one scheme for the app (explorer/ui) and the reports (explorer/reports).

Plain hex strings, no Qt, so both sides (and tests) read the same values: this branch, its parent
(drawn dashed), the baseline, and divergence marks.
"""
PLOT_BRANCH = "#2f6fdb"
PLOT_PARENT = "#7b5cc4"
PLOT_BASELINE = "#9aa3ad"
PLOT_DIVERGENCE = "#d98e04"
PLOT_COLORS = {"branch": PLOT_BRANCH, "parent": PLOT_PARENT, "baseline": PLOT_BASELINE,
               "divergence": PLOT_DIVERGENCE}
