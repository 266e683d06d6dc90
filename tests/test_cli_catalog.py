"""The command line: catalog --json, --help, --version, and Chinese errors with exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, encoding="utf-8", cwd=cwd, timeout=120,
                          env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})


def test_catalog_json(tmp_path):
    r = run("--db", str(tmp_path / "c.db"), "catalog", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert len(data["units"]) == 21 and {"name": "区发改委"}.items() <= data["units"][0].items()
    assert [a["title"] for a in data["actions"]][:2] == ["能源绿色低碳转型行动", "工业领域碳达峰行动"]
    t43 = data["actions"][3]["tasks"][2]
    assert t43["code"] == "4.3" and t43["title"] == "加强低碳交通基础设施建设"
    assert t43["units"][0] == "区工信局"
    assert [p["code"] for p in data["policies"]] == ["P1", "P2", "P3", "P4", "P5"]
    ind = {i["code"]: i for i in data["indicators"]}
    assert ind["I02"]["responsible_unit"] == "区发改委"
    part = ind["I11"]["parts"][0]
    assert part["code"] == "I11a"
    tgt = part["targets"][0]
    assert {k: tgt[k] for k in ("year", "op", "value", "kind", "basis", "baseline_year")} == {
        "year": 2030, "op": "<=", "value": 10.0, "kind": "binding", "basis": "reduction_vs_baseline",
        "baseline_year": 2020}
    ms = {m["code"]: m for m in data["milestones"]}
    assert ms["4.3-M1"]["task"] == "4.3" and ms["4.3-M1"]["unit"] == "个"
    assert ms["4.3-M1"]["targets"][0]["value"] == 3000
    assert data["discrepancies"][0]["indicator"] == "I02"


def test_other_plan_file(tmp_path):
    text = (ROOT / "resources" / "plan" / "zhushan.toml").read_text(encoding="utf-8")
    other = tmp_path / "另一个区.toml"
    other.write_text(text.replace('district = "珠山区"', 'district = "昌江区"')
                     .replace('id = "zhushan-2023"', 'id = "changjiang-2023"'), encoding="utf-8")
    r = run("--plan", str(other), "catalog", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["plan"]["district"] == "昌江区"


def test_bad_plan_file_message(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("format = 1\n[plan]\nid = 3\n", encoding="utf-8")
    r = run("--plan", str(bad), "catalog", "--json")
    assert r.returncode == 1
    assert "计划文件" in r.stderr and "id" in r.stderr
    assert "Traceback" not in r.stderr


def test_help_and_version():
    r = run("--help")
    assert r.returncode == 0 and "用法" in r.stdout and "export-ledger" in r.stdout
    r = run("--version")
    assert r.returncode == 0 and "1.0.0" in r.stdout


@pytest.mark.parametrize("args", [["frobnicate"], ["catalog", "--bogus"], ["--no-such-flag"]])
def test_unknown_commands_exit_2_in_chinese(args):
    r = run(*args)
    assert r.returncode == 2
    assert "错误" in r.stderr and "--help" in r.stderr
