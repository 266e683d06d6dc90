"""Checking and merging the office's decisions package at a unit's PC (office → unit).

``prepare_decisions`` verifies that the package is for this unit and signed with its
key by the office that installed it, then compares the plan file, the shared
settings, the streets, the review results of every month and the review events with
the database. The result is a ``Work`` (preview and statements); ``models.exchange``
runs the statements in one transaction. Nothing here writes to the database.
"""

from __future__ import annotations

import json
from typing import Any

from models.authority import INTERNAL, rule
from models.app import App
from models.entries_base import STATE_NAMES, month_cn
from models.exchange_common import (MONTH_RE, SHARED_SETTINGS, installation, parse_plan_text, plan_file_for,
                                    to_json, unit_key)
from models.exchange_preview import (STATES, SUB_SPEC, PackagePreview, PreviewItem, Work, _compare, _finish, _hm,
                                     _merge_events, check_plan, reject)
from models.package_format import RawPackage, need_fields, need_list, sha256, verify_mac
from models.store import now_iso

SETTING_LABELS = {"due_day": "每月报送截止日", "expiry_days": "截止后可修改天数", "green_at": "绿灯阈值",
                  "yellow_at": "黄灯阈值", "tolerance_pp": "“左右”目标容差（百分点）",
                  "tolerance_rel": "“左右”目标容差（比例）", "tolerances": "分目标容差",
                  "pending_targets": "待定目标"}


def _show(v: Any) -> str:
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False)
    return "" if v is None else str(v)


@rule(INTERNAL, why="checks a decisions package for models.exchange, which holds the rule")
def prepare_decisions(app: App, raw: RawPackage) -> Work:
    m = raw.manifest
    name = raw.name
    inst = installation(app)
    if not inst:
        raise reject(raw, "是办公室发给单位的回执包，只能在已导入安装文件的单位电脑上导入")
    unit = inst["unit"]
    if m["unit"] != unit:
        raise reject(raw, f"是发给“{m['unit']}”的，本机是“{unit}”")
    key = unit_key(app, unit)
    if not key or not verify_mac(raw, key):
        raise reject(raw, "的签名校验失败：可能被修改过或不是用本单位密钥签名的")
    if m["office_id"] != inst.get("office_id"):
        raise reject(raw, "不是由为本机发放安装文件的办公室生成的")
    c = raw.content
    if c.get("unit") != unit:
        raise reject(raw, "的内容与清单中的单位不一致")
    check_plan(app, raw, allow_update=True)
    pv = PackagePreview(raw.path, raw.kind, unit, "", m["created_at"], raw.digest)
    work = Work(raw, pv)
    items, ops = pv.items, work.ops
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
    for k in SHARED_SETTINGS:
        if k in settings and settings[k] != app.settings.get(k):
            items.append(PreviewItem("updated", "设置", SETTING_LABELS.get(k, k),
                                     f"{_show(app.settings.get(k))} → {_show(settings[k])}"))
            ops.append(("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET "
                        "value = excluded.value", (k, to_json(settings[k]))))
    streets = c.get("streets", [])
    if not isinstance(streets, list) or not all(isinstance(s, str) and s.strip() for s in streets):
        raise reject(raw, "中的街道列表结构不对")
    have = set(app.streets())
    for s in streets:
        if s.strip() not in have:
            have.add(s.strip())
            items.append(PreviewItem("new", "街道", s.strip()))
            ops.append(("INSERT INTO units(name, kind, sort, active, from_plan) VALUES (?, 'street', "
                        "1000 + (SELECT COUNT(*) FROM units), 1, 0) "
                        "ON CONFLICT(name) DO UPDATE SET active = 1",
                        (s.strip(),)))
    mine = {r["month"]: r for r in app.store.query("SELECT * FROM submissions WHERE unit = ?", (unit,))}
    for s in need_list(c, "submissions", name):
        need_fields(s, SUB_SPEC, name, "审核结果")
        if s["unit"] != unit:
            raise reject(raw, f"中含有其他单位（{s['unit']}）的审核结果")
        if not MONTH_RE.match(s["month"]) or s["state"] not in STATES:
            raise reject(raw, "中的审核结果格式不对")
        cur = mine.get(s["month"])
        key_s = month_cn(s["month"])
        decided = s["decided_at"]
        if not decided or (cur is not None and decided < (cur["submitted_at"] or "")):
            items.append(PreviewItem("unchanged", "审核结果", key_s))
            continue
        fields_ = ("state", "decided_at", "decided_by", "comment", "returns")
        st = _compare(items, "审核结果", key_s, cur, s, fields_)
        if st != "unchanged":
            items[-1].detail = (f"{STATE_NAMES.get(cur['state'] if cur else '', '')} → "
                                f"{STATE_NAMES.get(s['state'], s['state'])}"
                                + (f"；意见：{s['comment']}" if s["comment"] else ""))
            ops.append(("INSERT INTO submissions(unit, month, state, submitted_at, submitted_by, decided_at, "
                        "decided_by, comment, returns, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT(unit, month) DO UPDATE SET state = excluded.state, "
                        "decided_at = excluded.decided_at, decided_by = excluded.decided_by, "
                        "comment = excluded.comment, returns = excluded.returns, "
                        "updated_at = excluded.updated_at",
                        (unit, s["month"], s["state"], s["submitted_at"], s["submitted_by"], decided,
                         s["decided_by"], s["comment"], s["returns"], now_iso())))
    _merge_events(app, raw, pv, ops, unit, None, c)
    newer = app.store.scalar("SELECT MAX(created_at) FROM packages WHERE kind = 'decisions' AND unit = ? "
                             "AND digest != ?", (unit, raw.digest))
    if newer and newer > m["created_at"]:
        pv.conflict_reason = (f"本回执包生成于{_hm(m['created_at'])}，早于已导入的回执包"
                              f"（{_hm(newer)}），较旧的结果不覆盖较新的结果。")
    _finish(app, work)
    return work
