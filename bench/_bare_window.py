"""The start-up baseline frozen like the program: a bare PySide6 main window with one label.

Built by ``bench/_bare_window.spec`` with build.spec's options and measured under Wine by
bench/bench_startup_windows.py against the built program. It imports nothing of the
program (PyInstaller would otherwise follow the program's imports and freeze all of it):
it reports like the program's start-up probe (ui/smoke.py: the same markers, checked by
tests/test_build.py) once the window is shown and the event loop is idle, and quits.
"""

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

FIRST_MARKER = "ZHUSHAN_STARTUP_FIRST_WINDOW"
READY_MARKER = "ZHUSHAN_STARTUP_READY"


def main() -> int:
    qapp = QApplication(sys.argv[:1])
    win = QMainWindow()
    win.setCentralWidget(QLabel("碳达峰调度系统"))

    def report() -> None:
        sys.stdout.write(f'{FIRST_MARKER} {{"window": "QMainWindow"}}\n')
        sys.stdout.write(f'{READY_MARKER} {{"kind": "bare"}}\n')
        sys.stdout.flush()
        qapp.quit()

    def look() -> None:  # every millisecond, as the program's probe looks
        if win.isVisible():
            timer.stop()
            QTimer.singleShot(0, report)  # once the event loop is idle

    timer = QTimer()
    timer.setInterval(1)
    timer.timeout.connect(look)
    timer.start()
    win.show()
    return qapp.exec()


if __name__ == "__main__":
    sys.exit(main())
