"""Modal dialogs that are freed when they close.

A dialog made with a parent lives as long as the parent, even after it closed: a page
that opens one a hundred times a day keeps a hundred windows. ``run_modal`` shows the
dialog, waits for the answer and frees it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog


def run_modal(dialog: QDialog) -> int:
    """``dialog.exec()``, then the dialog is deleted (its result stays readable)."""
    try:
        return dialog.exec()
    finally:
        dialog.deleteLater()
