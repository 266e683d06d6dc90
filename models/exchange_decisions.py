"""Checking and merging the office's decisions package at a unit's PC (office → unit).

Before any content is read, ``decisions_key`` refuses a package meant for another PC or
another unit and gives the key its signature is checked with. ``prepare_decisions`` then
checks that the office that installed this PC made it, and compares the plan file, the shared
settings, the streets, the review results of every month and the review events with the
database. Every setting is checked like the office's settings page checks it
(``models.office.validate``), streets and review rows like the forms check text; a bad one
is refused and reported, the rest lands. The result is a ``Work`` (preview and statements);
``models.exchange`` runs the statements in one transaction. Nothing here writes to the database.
"""

from __future__ import annotations

import json
from typing import Any

from forms.values import ValueProblem, clean_text
from models.app import App
from models.authority import INTERNAL, rule
from models.entries_base import STATE_NAMES, month_cn
from models.errors import DomainError
from models.exchange_common import (MONTH_RE, SHARED_LABELS, SHARED_SETTINGS, installation, parse_plan_text,
                                    plan_file_for, to_json, unit_key)
from models.exchange_files import merge_flags
from models.exchange_preview import (STATES, SUB_SPEC, PackagePreview, PreviewItem, Work, _compare, _finish, _hm,
                                     _merge_events, check_plan, reject)
from models.exchange_rows import Refusal, RowCheck, valid_stamp
from models.package_format import KIND_NAMES, PackageRejected, RawPackage, need_list, sha256, shape_problem
from models.store import now_iso

SETTING_LABELS = {"due_day": "每月报送截止日", "expiry_days": "截止后可修改天数", "green_at": "绿灯阈值",
                  "yellow_at": "黄灯阈值", "tolerance_pp": "“左右”目标容差（百分点）",
                  "tolerance_rel": "“左右”目标容差（比例）", "tolerances": "分目标容差",
                  "pending_targets": "待定目标"}
MAX_STREETS = 500


def _show(v: Any) -> str:
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False)
    return "" if v is None else str(v)


def _refused_head(name: str, why: str) -> PackageRejected:
    return PackageRejected(f"{KIND_NAMES['decisions']} {name} {why}，已拒绝，数据库未作任何修改。")


@rule(INTERNAL, why="checks a decisions package's manifest for models.exchange, which holds the rule")
def decisions_key(app: App, manifest: dict[str, Any], name: str) -> str:
    """The key a decisions package's signature is checked with, after the checks that need
    nothing but its manifest (this is a unit's PC, the package is for it, from its office)."""
    inst = installation(app)
    if not inst:
        raise _refused_head(name, "是办公室发给单位的回执包，只能在已导入安装文件的单位电脑上导入")
    unit = inst["unit"]
    if manifest["unit"] != unit:
        raise _refused_head(name, f"是发给“{manifest['unit'][:30]}”的，本机是“{unit}”")
    key = unit_key(app, unit)
    if not key:
        raise _refused_head(name, "无法校验签名：本机的单位密钥缺失，请重新导入安装文件")
    return key


@rule(INTERNAL, why="checks the shared settings an office's file carries, for the exchange services")
def shared_settings(app: App, settings: dict[str, Any], refused: list[Refusal], unit: str,
                    where: str) -> dict[str, Any]:
    """The shared settings of an office's file, each checked like the office's settings page
    checks it; a bad one is refused (reported) and left as it is here."""
    from models.office import validate
    out: dict[str, Any] = {}
    for k in SHARED_SETTINGS:
        if k not in settings or k in ("green_at", "yellow_at"):
            continue
        try:
            out[k] = validate(app, k, settings[k])
        except DomainError as exc:
            refused.append(Refusal(unit, "", where, SETTING_LABELS.get(k, k), str(exc)))
    if "green_at" in settings or "yellow_at" in settings:
        g, y = settings.get("green_at", app.settings.get("green_at")), settings.get("yellow_at",
                                                                                    app.settings.get("yellow_at"))
        ok = all(isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 200 for v in (g, y))
        if ok and y <= g:
            out.update({k: float(v) for k, v in (("green_at", g), ("yellow_at", y)) if k in settings})
        else:
            refused.append(Refusal(unit, "", where, "红黄绿灯阈值",
                                   f"绿灯{_show(g)}、黄灯{_show(y)}：应为0到200之间的数字，且黄灯不高于绿灯"))
    return out


@rule(INTERNAL, why="checks the street names an office's file carries, for the exchange services")
def street_names(streets: Any, refused: list[Refusal], unit: str, where: str) -> list[str]:
    """Street names of an office's file: text of at most 50 characters, a few hundred at most."""
    if not isinstance(streets, list) or len(streets) > MAX_STREETS:
        refused.append(Refusal(unit, "", where, "街道名单", "结构不对或过长"))
        return []
    out = []
    for s in streets:
        try:
            name = clean_text(s, label="街道名称", max_len=50) if isinstance(s, str) else ""
        except ValueProblem as exc:
            refused.append(Refusal(unit, "", where, "街道名称", str(exc)))
            continue
        if not name or "\n" in name or "\t" in name:
            refused.append(Refusal(unit, "", where, "街道名称", f"“{str(s)[:20]}”不是有效的名称"))
            continue
        out.append(name)
    return out


@rule(INTERNAL, why="checks a decisions package for models.exchange, which holds the rule")
def prepare_decisions(app: App, raw: RawPackage) -> Work:
    """Merge a decisions package whose signature ``read_package`` verified."""
    m = raw.manifest
    name = raw.name
    inst = installation(app) or {}
    unit = str(inst.get("unit") or m["unit"])
    if m["office_id"] != inst.get("office_id"):
        raise reject(raw, "不是由为本机发放安装文件的办公室生成的")
    c = raw.content
    if c.get("unit") != unit:
        raise reject(raw, "的内容与清单中的单位不一致")
    check_plan(app, raw, allow_update=True)
    pv = PackagePreview(raw.path, raw.kind, unit, "", m["created_at"], raw.digest)
    work = Work(raw, pv)
    items, ops = pv.items, work.ops
    check = RowCheck(app.plan, unit, "", pv.refused)
    plan_info = c.get("plan")
    if plan_info is not None:
        if not isinstance(plan_info, dict) or not isinstance(plan_info.get("toml"), str):
            raise reject(raw, "中的计划文件结构不对")
        text = plan_info["toml"]
        digest = sha256(text.encode("utf-8"))
        if digest != m["plan_digest"]:
            raise reject(raw, "中的计划文件校验失败")
        if digest != app.plan.digest:
            new_plan = parse_plan_text(text, plan_file_for(app.store.path), f"回执包 {name}")
            if new_plan.plan_id != app.plan.plan_id:
                raise reject(raw, f"中的计划“{new_plan.plan_id}”与本机计划“{app.plan.plan_id}”不是同一个计划")
            items.append(PreviewItem("updated", "计划文件", new_plan.plan_id,
                                     f"版本 {app.plan.version} → {new_plan.version}"))
            work.new_plan, work.plan_text = new_plan, text
    elif m["plan_digest"] != app.plan.digest:
        raise reject(raw, f"使用的计划版本 {m['plan_version']}（校验值 {m['plan_digest'][:12]}）与本机计划版本 "
                     f"{app.plan.version}（校验值 {app.plan.digest[:12]}）不一致")
    settings = c.get("settings", {})
    if not isinstance(settings, dict):
        raise reject(raw, "中的设置结构不对")
    for k, v in shared_settings(app, settings, pv.refused, unit, "共享设置").items():
        if v != app.settings.get(k):
            items.append(PreviewItem("updated", "设置", SETTING_LABELS.get(k) or SHARED_LABELS.get(k, k),
                                     f"{_show(app.settings.get(k))} → {_show(v)}"))
            ops.append(("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET "
                        "value = excluded.value", (k, to_json(v))))
    have = set(app.streets())
    for s in street_names(c.get("streets", []), pv.refused, unit, app.plan.words.street_word):
        if s not in have:
            have.add(s)
            items.append(PreviewItem("new", app.plan.words.street_word, s))
            ops.append(("INSERT INTO units(name, kind, sort, active, from_plan) VALUES (?, 'street', "
                        "1000 + (SELECT COUNT(*) FROM units), 1, 0) "
                        "ON CONFLICT(name) DO UPDATE SET active = 1", (s,)))
    _merge_results(app, raw, pv, ops, unit, c, check)
    merge_flags(app, work, unit, c)
    _merge_events(app, raw, pv, ops, unit, None, c, check)
    newer = app.store.scalar("SELECT MAX(created_at) FROM packages WHERE kind = 'decisions' AND unit = ? "
                             "AND digest != ?", (unit, raw.digest))
    if newer and newer > m["created_at"]:
        pv.conflict_reason = (f"本回执包生成于{_hm(m['created_at'])}，早于已导入的回执包"
                              f"（{_hm(newer)}），较旧的结果不覆盖较新的结果。")
    _finish(app, work)
    return work


def _merge_results(app: App, raw: RawPackage, pv: PackagePreview, ops: list[tuple[str, tuple[Any, ...]]],
                   unit: str, c: dict[str, Any], check: RowCheck) -> None:
    """The review results of every month (only results not older than the unit's last submitting)."""
    items = pv.items
    mine = {r["month"]: r for r in app.store.query("SELECT * FROM submissions WHERE unit = ?", (unit,))}
    for s in need_list(c, "submissions", raw.name):
        if s.get("unit") != unit:
            raise reject(raw, f"中含有其他单位（{str(s.get('unit'))[:30]}）的审核结果")
        problem = shape_problem(s, SUB_SPEC) or _result_problem(s, check)
        if problem:
            month = str(s.get("month"))[:7]
            pv.refused.append(Refusal(unit, month if MONTH_RE.match(month) else "", "审核结果", "", problem))
            continue
        cur = mine.get(s["month"])
        key_s = month_cn(s["month"])
        decided = s["decided_at"]
        if not decided or (cur is not None and decided < (cur["submitted_at"] or "")):
            items.append(PreviewItem("unchanged", "审核结果", key_s))
            continue
        fields_ = ("state", "decided_at", "decided_by", "comment", "returns")
        st = _compare(items, "审核结果", key_s, cur, s, fields_)
        if st == "updated":
            items[-1].detail = (f"{STATE_NAMES.get(cur['state'] if cur else '', '')} → "
                                f"{STATE_NAMES.get(s['state'], s['state'])}"
                                + (f"；意见：{s['comment']}" if s["comment"] else ""))
        if st in ("new", "updated"):
            ops.append(("INSERT INTO submissions(unit, month, state, submitted_at, submitted_by, decided_at, "
                        "decided_by, comment, returns, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT(unit, month) DO UPDATE SET state = excluded.state, "
                        "decided_at = excluded.decided_at, decided_by = excluded.decided_by, "
                        "comment = excluded.comment, returns = excluded.returns, "
                        "updated_at = excluded.updated_at",
                        (unit, s["month"], s["state"], s["submitted_at"], s["submitted_by"], decided,
                         s["decided_by"], s["comment"], s["returns"], now_iso())))


def _result_problem(s: dict[str, Any], check: RowCheck) -> str:
    """What is wrong with a review result's values ("" when nothing)."""
    if not check.in_plan(s["month"]):
        return f"月份“{s['month'][:20]}”不在方案的期间内"
    if s["state"] not in STATES:
        return f"状态“{s['state'][:20]}”无法识别"
    if not 0 <= s["returns"] <= 1000:
        return "退回次数超出范围"
    for k, limit in (("comment", 2000), ("decided_by", 64), ("submitted_by", 64)):
        if len(s[k]) > limit:
            return f"{k} 过长"
    for k in ("decided_at", "submitted_at"):
        if s[k] and not valid_stamp(s[k]):
            return f"{k}“{s[k][:32]}”不是有效的时间"
    return ""
