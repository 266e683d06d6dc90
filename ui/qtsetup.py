"""Qt application set-up: Chinese translations, the shipped font, high-DPI, style."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication

FONT_FAMILY_FALLBACK = "WenQuanYi Micro Hei"
# Microsoft YaHei, the Windows interface font for Chinese (msyh.ttf on Windows 7).
WINDOWS_UI_FONTS = ("msyh.ttc", "msyh.ttf")
_CJK_FAMILIES = ("Microsoft YaHei", "微软雅黑", "SimSun", "宋体", "Noto Sans CJK SC",
                 "Source Han Sans SC", FONT_FAMILY_FALLBACK, "PingFang SC")


def resource_dir() -> Path:
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
    return base / "resources"


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    QCoreApplication.setOrganizationName("Zhushan")
    QCoreApplication.setApplicationName("ZhushanCarbonPeak")
    app.setApplicationDisplayName("碳达峰调度系统")  # the plan's name once it is loaded (ui.app)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    install_translations(app)
    install_font(app)
    icon = resource_dir() / "icons" / "app.png"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def install_translations(app: QApplication) -> list[QTranslator]:
    """Load Qt's own zh_CN translations (dialog buttons, context menus)."""
    found = []
    paths = [QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
             str(resource_dir() / "translations")]
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        for p in paths:
            tr = QTranslator(app)
            if tr.load(name, p):
                app.installTranslator(tr)
                found.append(tr)
                break
    from ui.qt_zh import SupplementTranslator
    extra = SupplementTranslator(app)  # the strings Qt's catalogue leaves in English; asked first
    app.installTranslator(extra)
    found.append(extra)
    app.setProperty("_zh_translators", found)  # keep references alive
    return found


def install_font(app: QApplication) -> str:
    """Use Microsoft YaHei when its file is in the Windows fonts folder, else a system
    Chinese font where there is one; otherwise register the shipped one (WenQuanYi Micro
    Hei, which is also the last system font looked for)."""
    families = set(QFontDatabase.families())
    family = windows_ui_family(families) or next((f for f in _CJK_FAMILIES if f in families), None)
    if family is None:
        family = _load_font_file(resource_dir() / "fonts" / "wqy-microhei.ttc") or app.font().family()
    font = QFont(family)
    font.setPointSize(10)
    app.setFont(font)
    return family


def windows_ui_family(families: set[str]) -> str | None:
    """The family of ``%WINDIR%\\Fonts\\msyh.ttc`` (Microsoft YaHei) when that file is there:
    known to Qt as an installed font, or loaded from the file; None without it."""
    from exports.font_files import family_name, windows_fonts_dir
    folder = windows_fonts_dir()
    if folder is None:
        return None
    for name in WINDOWS_UI_FONTS:
        path = folder / name
        if not path.is_file():
            continue
        family = family_name(path)
        if family and family in families:
            return family
        loaded = _load_font_file(path)
        if loaded:
            return loaded
    return None


def _load_font_file(path: Path) -> str | None:
    """Register a font file with Qt; its first family, or None when it cannot be read."""
    fid = QFontDatabase.addApplicationFont(str(path))
    loaded = QFontDatabase.applicationFontFamilies(fid) if fid >= 0 else []
    return loaded[0] if loaded else None
