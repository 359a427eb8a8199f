"""Authoring forms: the "What if…" forms, the branch editor, the event-rule form and the variable form,
one dialog per module (shared widgets in `widgets`).

Each form validates as the user types, with the loader's own messages (explorer.core.program via
explorer.core.edits), shows the first problem under the fields and keeps its OK button disabled
until the edit is valid. A form never touches the live scenario: it builds an edited copy, which
the caller pushes onto the undo stack (explorer.ui.commands).
"""
from .widgets import WHAT_IF_KINDS, ConditionEdit, EffectsEdit, ValueEdit, VariableValues
from .divergence import DateForm, DivergenceDialog, DivergenceForm, check_force_date
from .what_if import WhatIfDialog
from .branch import BranchDialog
from .rule import OutcomeDialog, RuleDialog
from .variable import VariableDialog

__all__ = ['BranchDialog', 'ConditionEdit', 'DateForm', 'DivergenceDialog', 'DivergenceForm', 'EffectsEdit', 'OutcomeDialog', 'RuleDialog', 'ValueEdit', 'VariableDialog', 'VariableValues', 'WHAT_IF_KINDS', 'WhatIfDialog', 'check_force_date']
