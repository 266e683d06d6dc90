"""Shared fixtures: a real SQLite file in a temp folder, the real plan, actors."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Window geometry and other QSettings go to a throw-away folder, not the user's own.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="zhushan-test-config-")
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from models.app import ADMIN, CLERK, REVIEWER, Actor, App  # noqa: E402
from models.plan import Plan  # noqa: E402
from models.plan_load import load_plan  # noqa: E402
from models.store import Store  # noqa: E402

_PLAN: Plan | None = None


@pytest.fixture
def plan() -> Plan:
    global _PLAN
    if _PLAN is None:
        _PLAN = load_plan()
    return _PLAN


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "数据" / "test.db"


@pytest.fixture
def app(db_path: Path, plan: Plan) -> Iterator[App]:
    a = App(Store(db_path), plan)
    yield a
    a.close()


@pytest.fixture
def admin() -> Actor:
    return Actor("admin", ADMIN, None, "管理员")


@pytest.fixture
def reviewer() -> Actor:
    return Actor("office", REVIEWER, None, "办公室审核员")


def clerk(unit: str, name: str = "clerk") -> Actor:
    return Actor(f"{name}-{unit}", CLERK, unit, f"{unit}填报员")


@pytest.fixture
def clerk_of():
    return clerk
