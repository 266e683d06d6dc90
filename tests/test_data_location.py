"""Where the database lives: the per-user data folder, --db, or portable mode."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import main
from ui import entry
from ui import locations


@pytest.mark.skipif(sys.platform != "linux", reason="XDG_DATA_HOME steers QStandardPaths on Linux only")
def test_default_is_the_per_user_application_data_folder(monkeypatch: pytest.MonkeyPatch,
                                                         tmp_path: Path) -> None:
    monkeypatch.setattr(locations, "app_dir", lambda: tmp_path)  # no portable.txt there
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "用户数据"))
    db = main.default_db()
    assert db.name == "zhushan.db"
    assert db.parent == tmp_path / "用户数据" / "Zhushan" / "ZhushanCarbonPeak"


def test_portable_mode_keeps_data_beside_the_program(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    (tmp_path / "portable.txt").write_text("", encoding="utf-8")
    monkeypatch.setattr(locations, "app_dir", lambda: tmp_path)
    assert main.default_db() == tmp_path / "data" / "zhushan.db"


def test_db_flag_overrides(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "别处" / "x.db"
    assert main.main(["--db", str(db), "demo", "--until", "2023-10", "--streets", "1"]) == 0
    assert db.exists()



def test_program_folder_is_where_main_py_is() -> None:
    """Portable mode and resources are found beside main.py, not beside ui/entry.py."""
    assert entry.ROOT == Path(main.__file__).resolve().parent
    assert entry.resource_dir() == entry.ROOT / "resources"
    assert (entry.resource_dir() / "plan" / "zhushan.toml").is_file()
    assert main.main is entry.main and main.default_db is entry.default_db
