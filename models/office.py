"""Office settings service (办公室设置): validated, permission-checked, logged changes.

Who may change what:

- administrators: every setting, baselines, pending targets and the streets;
- reviewers (审核员): baselines only (基期值 are statistics the office's reviewers
  collect from the statistics bureau, with their source); everything else is refused.

Every change is written to the event log as ``key：old → new``. Verdicts are computed
on the fly from the settings and baselines, so a change shows at once wherever
verdicts are shown (dashboard, assessment, briefing).
"""

from __future__ import annotations

import json
import re
from typing import Any

from models.app import Actor, App
from models.authority import OFFICE, OFFICE_ADMIN, PUBLIC, rule
from models.errors import InvalidInput, NotFound
from models.settings import DEFAULTS

SETTING_LABELS: dict[str, str] = {
    "green_at": "绿灯阈值（完成率%）",
    "yellow_at": "黄灯阈值（完成率%）",
    "tolerance_pp": "“左右”默认容差（百分点）",
    "tolerance_rel": "“左右”默认容差（相对比例）",
    "tolerances": "各指标容差",
    "pending_targets": "待定目标",
    "unit_assignments": "未分工事项的责任单位",
    "due_day": "报送截止日（次月几日）",
    "expiry_days": "截止后可补报天数（0为不限）",
    "briefing_title": "简报名称",
    "briefing_issuer": "编发单位",
    "briefing_to": "报",
    "briefing_cc": "送",
    "briefing_send": "发",
    "briefing_copies": "印发份数",
    "assessment_weights": "考核权重",
    "assessment_flag_below": "通报分数线",
    "attachment_max_mb": "每个佐证材料文件的上限（MB）",
    "attachment_photo_px": "照片长边缩小到（像素，0为不缩小）",
    "attachment_keep_originals": "同时保留照片原图",
    "attachment_package_mb": "每个报送包的大小上限（MB）",
    "attachment_required": "佐证材料必填的任务和指标",
}
EDITABLE = tuple(SETTING_LABELS)
WEIGHT_KEYS = ("timeliness", "completeness", "approval", "task_status", "indicators")
_TOL_KEY = re.compile(r"^([A-Za-z0-9.\-]+)@(\d{4})$")


def _fmt(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    return str(v)


def _num(raw: Any, label: str, lo: float | None = None, hi: float | None = None,
         integer: bool = False) -> float | int:
    try:
        if isinstance(raw, bool):
            raise ValueError
        v = float(str(raw).strip().rstrip("%")) if not isinstance(raw, (int, float)) else float(raw)
    except (TypeError, ValueError):
        raise InvalidInput(f"{label}应为数字，“{raw}”不是数字。", [(label, "应为数字")]) from None
    if integer:
        if not v.is_integer():
            raise InvalidInput(f"{label}应为整数。", [(label, "应为整数")])
        v = int(v)
    if lo is not None and v < lo:
        raise InvalidInput(f"{label}不能小于{_fmt(lo)}。", [(label, f"不能小于{_fmt(lo)}")])
    if hi is not None and v > hi:
        raise InvalidInput(f"{label}不能大于{_fmt(hi)}。", [(label, f"不能大于{_fmt(hi)}")])
    return v


def _text(raw: Any, label: str, max_len: int = 200, required: bool = True) -> str:
    s = str(raw or "").strip()
    if required and not s:
        raise InvalidInput(f"{label}不能为空。", [(label, "不能为空")])
    if len(s) > max_len:
        raise InvalidInput(f"{label}过长（最多{max_len}字）。", [(label, "过长")])
    return s


@rule(PUBLIC)
def validate(app: App, key: str, value: Any) -> Any:
    """The cleaned value of a setting, or InvalidInput with a Chinese message."""
    label = SETTING_LABELS.get(key)
    if label is None:
        raise NotFound(f"没有名为“{key}”的设置项。")
    s = app.settings
    if key in ("green_at", "yellow_at"):
        v = float(_num(value, label, 0, 200))
        other = float(s.get("yellow_at" if key == "green_at" else "green_at"))
        if key == "green_at" and v < other:
            raise InvalidInput(f"绿灯阈值（{_fmt(v)}）不能低于黄灯阈值（{_fmt(other)}）。")
        if key == "yellow_at" and v > other:
            raise InvalidInput(f"黄灯阈值（{_fmt(v)}）不能高于绿灯阈值（{_fmt(other)}）。")
        return v
    if key == "tolerance_pp":
        return float(_num(value, label, 0, 50))
    if key == "tolerance_rel":
        return float(_num(value, label, 0, 1))
    if key == "due_day":
        return _num(value, label, 1, 28, integer=True)
    if key == "expiry_days":
        return _num(value, label, 0, 366, integer=True)
    if key == "briefing_copies":
        return _num(value, label, 1, 10000, integer=True)
    if key == "assessment_flag_below":
        return float(_num(value, label, 0, 100))
    if key.startswith("attachment_"):
        return _attachment_setting(app, key, value, label)
    if key.startswith("briefing_"):
        return _text(value, label, 200, required=key in ("briefing_title", "briefing_issuer"))
    if key == "tolerances":
        if not isinstance(value, dict):
            raise InvalidInput("各指标容差应为“编码@年份 → 容差”的表。")
        out = {}
        for k, v in value.items():
            m = _TOL_KEY.match(str(k).strip())
            if not m or m.group(1) not in app.plan.parts_by_code:
                raise InvalidInput(f"容差项“{k}”无效：应为“指标编码@年份”，例如 I06a@2025。")
            out[f"{m.group(1)}@{m.group(2)}"] = float(_num(v, f"{k}的容差", 0, 1000))
        return out
    if key == "assessment_weights":
        if not isinstance(value, dict):
            raise InvalidInput("考核权重应为各项权重的表。")
        out = {k: float(_num(value.get(k, 0), f"权重“{k}”", 0, 100)) for k in WEIGHT_KEYS}
        if sum(out.values()) <= 0:
            raise InvalidInput("考核权重之和必须大于0。")
        return out
    if key == "unit_assignments":
        if not isinstance(value, dict):
            raise InvalidInput("未分工事项的责任单位应为“任务或指标编码 → 单位列表”的表。")
        clean = app.plan.assignments(value)
        for code in value:
            if str(code) not in clean:
                raise InvalidInput(f"“{str(code)[:20]}”的责任单位无效：只能为方案中未写明责任单位的任务或指标"
                                   "指定方案中的单位（指标只能一个）。")
        return clean
    if key == "pending_targets":
        if not isinstance(value, dict):
            raise InvalidInput("待定目标应为“指标编码 → {year, value}”的表。")
        out2: dict[str, dict[str, Any]] = {}
        for code, t in value.items():
            _check_pending_code(app, code)
            if not isinstance(t, dict):
                raise InvalidInput(f"待定目标{code}应包含年份和目标值。")
            out2[code] = {"year": _num(t.get("year"), f"{code}的年份", 2020, 2100, integer=True),
                          "value": float(_num(t.get("value"), f"{code}的目标值", 0))}
        return out2
    return value


def _attachment_setting(app: App, key: str, value: Any, label: str) -> Any:
    if key == "attachment_max_mb":
        return float(_num(value, label, 0.5, 200))
    if key == "attachment_photo_px":
        v = int(_num(value, label, 0, 20000, integer=True))
        if 0 < v < 640:
            raise InvalidInput(f"{label}不能小于640（或填0表示不缩小）。", [(label, "不能小于640")])
        return v
    if key == "attachment_package_mb":
        return float(_num(value, label, 1, 2000))
    if key == "attachment_keep_originals":
        if not isinstance(value, bool):
            raise InvalidInput(f"{label}应为“是”或“否”。", [(label, "应为是或否")])
        return value
    if not isinstance(value, (list, tuple)):
        raise InvalidInput(f"{label}应为任务编码和指标编码的列表。")
    out: list[str] = []
    for raw in value:
        code = str(raw).strip()
        part = app.plan.parts_by_code.get(code)
        if code not in app.plan.tasks_by_code and (part is None or bool(part.task)):
            raise InvalidInput(f"“{code}”不是任务编码或指标编码（例如 4.3、I01）。", [(label, f"“{code}”无效")])
        if code not in out:
            out.append(code)
    return out


def _check_pending_code(app: App, code: str) -> None:
    part = app.plan.parts_by_code.get(code)
    if part is None:
        raise NotFound(f"指标编码“{code}”不存在。")
    if not part.pending:
        raise InvalidInput(f"指标{code}“{part.name}”不是待定指标，其目标值来自方案原文，不能在设置中修改。")


@rule(OFFICE_ADMIN, what="修改办公室设置")
def set_setting(app: App, actor: Actor, key: str, value: Any) -> bool:
    """Change one setting (admin only). Returns False if the value did not change."""
    clean = validate(app, key, value)
    old = app.settings.get(key)
    if old == clean:
        return False
    app.settings.set(key, clean)
    app.log(actor, "settings", f"{SETTING_LABELS[key]}（{key}）：{_fmt(old)} → {_fmt(clean)}")
    return True


@rule(OFFICE_ADMIN, what="修改办公室设置")
def set_settings(app: App, actor: Actor, values: dict[str, Any]) -> list[str]:
    """Change several settings; all are validated before any is stored. Returns changed keys."""
    # validate in an order that lets green/yellow move together
    pending = {k: v for k, v in values.items()}
    cleaned: dict[str, Any] = {}
    if "green_at" in pending and "yellow_at" in pending:
        g = float(_num(pending["green_at"], SETTING_LABELS["green_at"], 0, 200))
        y = float(_num(pending["yellow_at"], SETTING_LABELS["yellow_at"], 0, 200))
        if y > g:
            raise InvalidInput(f"黄灯阈值（{_fmt(y)}）不能高于绿灯阈值（{_fmt(g)}）。")
        cleaned["green_at"], cleaned["yellow_at"] = g, y
        pending.pop("green_at")
        pending.pop("yellow_at")
    for k, v in pending.items():
        cleaned[k] = validate(app, k, v)
    changed = []
    with app.store.tx():
        for k, v in cleaned.items():
            old = app.settings.get(k)
            if old == v:
                continue
            app.settings.set(k, v)
            app.log(actor, "settings", f"{SETTING_LABELS[k]}（{k}）：{_fmt(old)} → {_fmt(v)}")
            changed.append(k)
    return changed


@rule(OFFICE_ADMIN, what="修改办公室设置")
def reset_setting(app: App, actor: Actor, key: str) -> bool:
    """Back to the documented default."""
    if key not in DEFAULTS or key not in SETTING_LABELS:
        raise NotFound(f"没有名为“{key}”的设置项。")
    return set_setting(app, actor, key, DEFAULTS[key])


# -- pending targets (I03) ---------------------------------------------------------


@rule(OFFICE_ADMIN, what="录入待定目标")
def set_pending_target(app: App, actor: Actor, code: str, year: int, value: float) -> None:
    _check_pending_code(app, code)
    targets = dict(app.settings.get("pending_targets") or {})
    targets[code] = {"year": year, "value": value}
    set_setting(app, actor, "pending_targets", targets)


@rule(OFFICE_ADMIN, what="清除待定目标")
def clear_pending_target(app: App, actor: Actor, code: str) -> None:
    targets = dict(app.settings.get("pending_targets") or {})
    if code in targets:
        targets.pop(code)
        set_setting(app, actor, "pending_targets", targets)


@rule(OFFICE_ADMIN, what="修改容差")
def set_tolerance(app: App, actor: Actor, code: str, year: int, value: float | None) -> None:
    """Per-target tolerance of a “左右” target (None removes the override)."""
    tol = dict(app.settings.get("tolerances") or {})
    key = f"{code}@{int(year)}"
    if value is None:
        tol.pop(key, None)
    else:
        tol[key] = value
    set_setting(app, actor, "tolerances", tol)


# -- baselines ---------------------------------------------------------------------


@rule(PUBLIC, why="baselines are the office's statistics that judge every value, not a unit's data")
def baselines(app: App) -> dict[str, dict[str, Any]]:
    return {r["part_code"]: r for r in app.store.query("SELECT * FROM baselines ORDER BY part_code")}


@rule(OFFICE, what="修改基期值")
def set_baseline(app: App, actor: Actor, part_code: str, year: Any, value: Any, source: str = "") -> None:
    """Set the baseline (基期) of an indicator part or milestone: year, value, source."""
    part = app.plan.parts_by_code.get(part_code)
    if part is None:
        raise NotFound(f"指标编码“{part_code}”不存在。")
    y = _num(year, "基期年份", 1990, 2100, integer=True)
    v = float(_num(value, "基期值", 0))
    src = _text(source, "数据来源", 200, required=False)
    old = app.store.one("SELECT * FROM baselines WHERE part_code = ?", (part_code,))
    if old and old["year"] == y and old["value"] == v and old["source"] == src:
        return
    with app.store.tx() as c:
        c.execute("INSERT INTO baselines(part_code, year, value, source) VALUES (?, ?, ?, ?) "
                  "ON CONFLICT(part_code) DO UPDATE SET year = excluded.year, value = excluded.value, "
                  "source = excluded.source", (part_code, y, v, src))
        before = f"{old['year']}年 {_fmt(old['value'])}（{old['source']}）" if old else "无"
        app.log(actor, "settings", f"基期值 {part_code}“{part.name}”：{before} → {y}年 {_fmt(v)}（{src}）")


@rule(OFFICE, what="修改基期值")
def delete_baseline(app: App, actor: Actor, part_code: str) -> None:
    old = app.store.one("SELECT * FROM baselines WHERE part_code = ?", (part_code,))
    if old is None:
        return
    with app.store.tx() as c:
        c.execute("DELETE FROM baselines WHERE part_code = ?", (part_code,))
        app.log(actor, "settings", f"基期值 {part_code}：{old['year']}年 {_fmt(old['value'])} → 无")


# -- streets -----------------------------------------------------------------------

# Tables whose ``unit`` column names a unit and may be rewritten on rename. The
# append-only history tables (value_audit, review_events, event_log) keep the name
# that was in use when the record was written.
_UNIT_TABLES = ("assignments", "task_reports", "milestone_values", "projects", "indicator_values",
                "submissions", "users", "unit_keys", "packages")


@rule(PUBLIC)
def all_streets(app: App) -> list[dict[str, Any]]:
    """Every street (active or not), in order."""
    return app.store.query("SELECT name, active FROM units WHERE kind = 'street' ORDER BY sort, name")


@rule(OFFICE_ADMIN, what="添加街道")
def add_street(app: App, actor: Actor, name: str) -> None:
    word = app.plan.words.street_word
    name = _text(name, f"{word}名称", 50)
    if app.store.one("SELECT 1 FROM units WHERE name = ? AND kind <> 'street'", (name,)):
        raise InvalidInput(f"“{name}”已是方案中的单位名称，不能用作{word}名称。")
    app.add_street(actor, name)


@rule(OFFICE_ADMIN, what="修改街道名称")
def rename_street(app: App, actor: Actor, old: str, new: str) -> None:
    word = app.plan.words.street_word
    new = _text(new, f"{word}名称", 50)
    row = app.store.one("SELECT * FROM units WHERE name = ? AND kind = 'street'", (old,))
    if row is None:
        raise NotFound(f"没有名为“{old}”的{word}。")
    if new == old:
        return
    if app.store.one("SELECT 1 FROM units WHERE name = ?", (new,)):
        raise InvalidInput(f"名称“{new}”已被使用。")
    with app.store.tx() as c:
        c.execute("PRAGMA defer_foreign_keys = ON")
        c.execute("UPDATE units SET name = ? WHERE name = ?", (new, old))
        for t in _UNIT_TABLES:
            c.execute(f"UPDATE {t} SET unit = ? WHERE unit = ?", (new, old))
        app.log(actor, "settings", f"{word}名称：{old} → {new}")
    app.invalidate()


@rule(OFFICE_ADMIN, what="停用或启用街道")
def set_street_active(app: App, actor: Actor, name: str, active: bool) -> None:
    """Deactivate (停用) or reactivate a street; its data stay."""
    word = app.plan.words.street_word
    row = app.store.one("SELECT * FROM units WHERE name = ? AND kind = 'street'", (name,))
    if row is None:
        raise NotFound(f"没有名为“{name}”的{word}。")
    if bool(row["active"]) == active:
        return
    with app.store.tx() as c:
        c.execute("UPDATE units SET active = ? WHERE name = ?", (1 if active else 0, name))
        app.log(actor, "settings", f"{word}“{name}”：{'启用' if row['active'] else '停用'} → "
                                   f"{'启用' if active else '停用'}")
    app.invalidate()


@rule(OFFICE, what="查看设置的修改记录")
def settings_log(app: App, actor: Actor, limit: int = 500) -> list[dict[str, Any]]:
    return app.store.query("SELECT * FROM event_log WHERE kind = 'settings' ORDER BY id DESC LIMIT ?",
                           (limit,))
