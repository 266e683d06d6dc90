"""How this program is started on this PC, for messages that tell the user what to type.

The Windows build runs as ``ZhushanCarbonPeak.exe``; from source it is ``python main.py``.
Help texts, usage errors and hints (for example in the Excel template's guide sheet) name
the program the way the user runs it.
"""

from __future__ import annotations

from models.authority import PUBLIC, rule
import sys
from pathlib import Path

SOURCE_COMMAND = "python main.py"


@rule(PUBLIC)
def command_name() -> str:
    """The executable's file name when frozen (``ZhushanCarbonPeak.exe``), else
    ``python main.py``."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).name
    return SOURCE_COMMAND
