"""佐证材料 in exchange packages: a month's evidence files travel with its submission package.

Writing (at the unit): the month's attachment rows (removed ones too, so a removal reaches
the office) go into content.json under ``attachments``, and every file still attached
(and a kept original photo) becomes a member ``files/<sha256>`` of the package, listed with
its size and SHA-256 in the signed manifest. A package larger than the office's limit
(setting ``attachment_package_mb``, shared with the units) is not written: the message
names the largest files and how to make it smaller.

Reading (at the office): a package larger than the limit is refused before it is opened
(``package_limits``); each attachment row is checked like a form's input (item of the
package's unit and month, name and caption by ``forms.attachment_form``, kind, sizes,
hashes, times) and a bad row is refused and reported while the rest lands. A file the
office already holds (same SHA-256, intact) is neither read nor stored again; any other
is read from the package within its listed size and the per-file limit, checked against
the signed hash, and recognised by content like a file a clerk attaches
(``models.file_check``); a file that fails refuses its row. Files are stored before the
transaction that adds the rows (``receive_files``), so a row never refers to a file that
is not there, whatever stops the import.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from forms import attachment_form
from forms.attachment_form import KINDS
from forms.values import ValueProblem, clean_text
from models.app import App
from models.attachment_store import BlobStore, is_sha256
from models.attachments import ENTITIES, MAX_PER_ITEM, max_bytes, size_text
from models.authority import INTERNAL, rule
from models.entries_base import month_cn
from models.errors import DomainError
from models.exchange_preview import PreviewItem, Work, _compare, reject
from models.exchange_rows import Refusal, valid_stamp
from models.file_check import check_file
from models.package_format import FILES_PREFIX, MAX_FILES, need_list, read_listed, shape_problem

if TYPE_CHECKING:
    from models.exchange_merge import _SubmissionMerge

_STR, _INT = (str,), (int,)
ATT_KEYS = ("uid", "unit", "month", "entity", "entity_key", "name", "kind", "sha256", "size", "width", "height",
            "source_sha256", "original_sha256", "original_size", "caption", "added_at", "added_by",
            "removed_at", "removed_by", "updated_at")
ATT_SPEC = {k: (_INT if k in ("size", "width", "height", "original_size") else _STR) for k in ATT_KEYS}
_LABELS = {"caption": "说明", "removed_at": "删除"}
_UID = re.compile(r"^[0-9a-f]{32}$")
MB = 1024 * 1024
_VERDICTS: OrderedDict[str, str] = OrderedDict()  # SHA-256 → "" (accepted) or why refused


@rule(INTERNAL, why="the evidence files of a package the export service writes after its own rule")
def package_files(app: App, unit: str, month: str) -> tuple[list[dict[str, Any]], dict[str, bytes]]:
    """The month's attachment rows and the files to carry ({member name: bytes})."""
    rows = app.store.query(f"SELECT {', '.join(ATT_KEYS)} FROM attachments WHERE unit = ? AND month = ? "
                           "ORDER BY id", (unit, month))
    blobs = BlobStore.for_db(app.store.path)
    files: dict[str, bytes] = {}
    for r in rows:
        if r["removed_at"]:
            continue
        for sha in (r["sha256"], r["original_sha256"]):
            if sha and f"{FILES_PREFIX}{sha}" not in files:
                try:
                    files[f"{FILES_PREFIX}{sha}"] = blobs.read(sha, r["name"])
                except DomainError as exc:
                    raise DomainError(f"{exc}不能导出包含它的报送包；请从备份中恢复，或删除该材料后重新添加。") from None
    return rows, files


@rule(INTERNAL, why="the size check of a package the export service writes after its own rule")
def check_package_size(app: App, unit: str, month: str, rows: list[dict[str, Any]], size: int) -> None:
    """Refuse a package of ``size`` bytes over the office's limit, naming the largest files."""
    limit = _package_limit(app)
    if size <= limit:
        return
    largest = sorted((r for r in rows if not r["removed_at"]), key=lambda r: -int(r["size"]))[:3]
    names = "、".join(f"“{r['name']}”（{size_text(int(r['size']))}）" for r in largest)
    raise DomainError(
        f"{unit}{month_cn(month)}的报送包有{size_text(size)}，超过办公室设定的每个报送包{size_text(limit)}的上限，"
        "未生成报送包。" + (f"最大的几份佐证材料是：{names}。请删除不必要的材料，或把大的 PDF 压缩后重新添加；"
                        if names else "") + "也可请领导小组办公室调整“每个报送包的大小上限”。")


def _package_limit(app: App) -> int:
    try:
        mb = float(app.settings.get("attachment_package_mb"))
    except (TypeError, ValueError):
        mb = 50.0
    return int(max(1.0, mb) * MB)


@rule(INTERNAL, why="the bounds the import service reads a package within")
def package_limits(app: App) -> tuple[int, int, str]:
    """(largest package file, largest evidence file in it, the refusal of a larger package)."""
    limit = _package_limit(app)
    refusal = ("报送包 {name} 有 {size}，超过办公室设定的每个报送包" + size_text(limit) + "的上限，已拒绝，数据库未作"
               "任何修改。请单位删除不必要的佐证材料后重新导出，或在“办公室设置 → 佐证材料”中调整上限。")
    return limit, max_bytes(app.settings.get("attachment_max_mb")), refusal


# -- merging at the office ---------------------------------------------------------------------------

class _Bad(Exception):
    def __init__(self, field: str, why: str):
        super().__init__(why)
        self.field = field
        self.why = why


@rule(INTERNAL, why="a step of merging a submission package, after the import's own rule")
def merge_attachments(s: _SubmissionMerge, c: dict[str, Any]) -> None:
    """Check the package's attachment rows and files; plan their rows (``s.ops``) and the
    files to store (``s.work.files``)."""
    rows = need_list(c, "attachments", s.raw.name)
    if len(rows) > 2 * MAX_FILES:
        raise reject(s.raw, f"中的佐证材料记录过多（{len(rows)}条）")
    app = s.app
    blobs = BlobStore.for_db(app.store.path)
    cap = max_bytes(app.settings.get("attachment_max_mb"))
    own_projects = {r["uid"] for r in app.store.query("SELECT uid FROM projects WHERE unit = ?", (s.unit,))}
    own_projects |= {str(p.get("uid")) for p in need_list(c, "projects", s.raw.name)}
    per_item: dict[tuple[str, str], int] = {}
    for r in rows:
        s.own(r, "佐证材料")
        item = f"佐证材料“{str(r.get('name'))[:30]}”"
        try:
            row = _check_row(s, r, own_projects, cap)
            key = (row["entity"], row["entity_key"])
            if not row["removed_at"]:
                per_item[key] = per_item.get(key, 0) + 1
                if per_item[key] > MAX_PER_ITEM:
                    raise _Bad("", f"同一事项的佐证材料超过{MAX_PER_ITEM}份")
                for sha, size in ((row["sha256"], row["size"]), (row["original_sha256"], row["original_size"])):
                    if sha and not (blobs.has(sha, size) and blobs.verify(sha)):
                        _receive_check(s, sha, size, cap, row["name"])
                        s.work.files.append(sha)
        except _Bad as bad:
            s.work.preview.refused.append(Refusal(s.unit, s.month, item, bad.field, bad.why))
            continue
        old = app.store.one("SELECT * FROM attachments WHERE uid = ?", (row["uid"],))
        if old is not None and (old["unit"], old["month"], old["entity"], old["entity_key"], old["sha256"]) != (
                row["unit"], row["month"], row["entity"], row["entity_key"], row["sha256"]):
            s.work.preview.refused.append(Refusal(s.unit, s.month, item, "",
                                                  "与本机已有的同一份材料（同一编号）不一致，未采用"))
            continue
        st = _compare(s.items, "佐证材料", f"{_item_name(app, row)}：{row['name']}", old, row, ("caption", "removed_at"),
                      _LABELS)
        if st == "new":
            s.items[-1].detail = f"{KINDS[row['kind']].name}，{size_text(row['size'])}" + (
                "（已删除）" if row["removed_at"] else "")
            s.ops.append((f"INSERT INTO attachments({', '.join(ATT_KEYS)}) VALUES ({', '.join('?' * len(ATT_KEYS))})",
                          tuple(row[k] for k in ATT_KEYS)))
        elif st == "updated":
            s.ops.append(("UPDATE attachments SET caption = ?, removed_at = ?, removed_by = ?, updated_at = ? "
                          "WHERE uid = ?", (row["caption"], row["removed_at"], row["removed_by"],
                                            row["updated_at"], row["uid"])))


def _check_row(s: _SubmissionMerge, r: dict[str, Any], own_projects: set[str], cap: int) -> dict[str, Any]:
    """The row as stored, or _Bad (field, why)."""
    problem = shape_problem(r, ATT_SPEC)
    if problem:
        raise _Bad("", problem.lstrip("的"))
    out = {k: r[k] for k in ATT_KEYS}
    if not _UID.match(r["uid"]):
        raise _Bad("编号", "格式不对")
    entity, key = r["entity"], r["entity_key"]
    if entity not in ENTITIES:
        raise _Bad("事项", f"“{entity[:20]}”无法识别")
    if entity == "task_report":
        task = s.app.plan.tasks_by_code.get(key)
        if task is None or s.app.task_role(task, s.unit) is None:
            raise _Bad("事项", f"任务“{key[:20]}”不是{s.unit}的任务")
    elif entity == "indicator":
        code, _, period = key.partition("@")
        if code not in s.app.parts_of(s.unit):
            raise _Bad("事项", f"指标“{code[:20]}”不是{s.unit}负责的指标")
        part = s.app.plan.part(code)
        want = s.month if part.frequency == "month" else s.month[:4]
        if period != want:
            raise _Bad("事项", f"{month_cn(s.month)}的指标数值属于{want}，不是“{period[:10]}”")
    elif key not in own_projects:
        raise _Bad("事项", "所属项目不是本单位的项目")
    for f, v in ((attachment_form.NAME, r["name"]), (attachment_form.CAPTION, r["caption"])):
        try:
            out[f.key] = f.validate(v)
        except ValueProblem as exc:
            raise _Bad(f.label, str(exc)) from None
    if r["kind"] not in KINDS:
        raise _Bad("类型", f"“{r['kind'][:20]}”不是可以接受的文件类型")
    for k in ("sha256", "source_sha256"):
        if not is_sha256(r[k]):
            raise _Bad("校验值", "格式不对")
    if r["original_sha256"] and not is_sha256(r["original_sha256"]):
        raise _Bad("校验值", "格式不对")
    if not 0 < r["size"] <= cap or not 0 <= r["original_size"] <= cap:
        raise _Bad("大小", f"{size_text(max(r['size'], r['original_size']))}，超过每个文件{size_text(cap)}的上限"
                   if r["size"] > 0 else "无效")
    if not (0 <= r["width"] <= 100_000 and 0 <= r["height"] <= 100_000):
        raise _Bad("像素", "无效")
    for k, label in (("added_at", "添加时间"), ("updated_at", "保存时间")):
        if not valid_stamp(r[k]):
            raise _Bad(label, f"“{r[k][:32]}”不是有效的时间")
    if r["removed_at"] and not valid_stamp(r["removed_at"]):
        raise _Bad("删除时间", f"“{r['removed_at'][:32]}”不是有效的时间")
    for k in ("added_by", "removed_by"):
        try:
            out[k] = clean_text(r[k], label="操作人", max_len=64)
        except ValueProblem as exc:
            raise _Bad("操作人", str(exc)) from None
    return out


def _receive_check(s: _SubmissionMerge, sha: str, size: int, cap: int, name: str) -> None:
    """The file's content is what the row says and acceptable (read once per process)."""
    verdict = _VERDICTS.get(sha)
    if verdict is None:
        member = f"{FILES_PREFIX}{sha}"
        listed = s.raw.members.get(member)
        if listed is None or listed.get("sha256") != sha or listed.get("size") != size:
            raise _Bad("文件", "包中没有这份材料的文件，或与清单不符")
        data = read_listed(s.raw, member, cap)
        try:
            check_file(data, name)
            verdict = ""
        except DomainError as exc:
            verdict = str(exc)
        _VERDICTS[sha] = verdict
        while len(_VERDICTS) > 5000:
            _VERDICTS.popitem(last=False)
    if verdict:
        raise _Bad("文件", verdict)


def _item_name(app: App, row: dict[str, Any]) -> str:
    if row["entity"] == "task_report":
        return f"任务{row['entity_key']}"
    if row["entity"] == "indicator":
        return f"指标{row['entity_key']}"
    name = app.store.scalar("SELECT name FROM projects WHERE uid = ?", (row["entity_key"],))
    return f"项目“{name}”" if name else "项目"


@rule(INTERNAL, why="stores the checked files of a package the import service applies")
def receive_files(app: App, work: Work) -> int:
    """Store the package's files its rows need (read again from the package and checked
    against the signed hashes), before the transaction that adds the rows. Returns how many
    were stored."""
    if not work.ops or not work.files:
        return 0
    blobs = BlobStore.for_db(app.store.path)
    cap = max_bytes(app.settings.get("attachment_max_mb"))
    done = 0
    for sha in dict.fromkeys(work.files):
        if blobs.has(sha) and blobs.verify(sha):
            continue
        blobs.put(read_listed(work.raw, f"{FILES_PREFIX}{sha}", cap), sha)
        done += 1
    return done


# -- 佐证不足 marks, office → unit -----------------------------------------------------------------------

FLAG_KEYS = ("unit", "month", "entity", "entity_key", "flagged_at", "flagged_by", "note", "known")


@rule(INTERNAL, why="the 佐证不足 marks the decisions export writes after its own rule")
def decision_flags(app: App, unit: str) -> list[dict[str, Any]]:
    """The unit's items marked 佐证不足 (every month), for its decisions package."""
    return app.store.query(f"SELECT {', '.join(FLAG_KEYS)} FROM evidence_flags WHERE unit = ? "
                           "ORDER BY month, entity, entity_key", (unit,))


@rule(INTERNAL, why="a step of merging a decisions package, after the import's own rule")
def merge_flags(app: App, work: Work, unit: str, c: dict[str, Any]) -> None:
    """Follow the office's 佐证不足 marks for the months whose review result the package
    brings (a result older than the unit's last submitting is not taken, as in
    ``models.exchange_decisions``): a returned month gets the package's marks, another
    state none."""
    raw, pv = work.raw, work.preview
    subs = {r["month"]: r for r in app.store.query("SELECT * FROM submissions WHERE unit = ?", (unit,))}
    taken: dict[str, str] = {}
    for s in need_list(c, "submissions", raw.name):
        m, decided, state = s.get("month"), s.get("decided_at"), s.get("state")
        if not (isinstance(m, str) and isinstance(decided, str) and decided and isinstance(state, str)):
            continue
        cur = subs.get(m)
        if cur is None or decided >= (cur["submitted_at"] or ""):
            taken[m] = state
    flags: dict[str, list[dict[str, Any]]] = {}
    for f in need_list(c, "evidence_flags", raw.name):
        problem = shape_problem(f, {k: _STR for k in FLAG_KEYS}) or _flag_problem(f, unit)
        if problem:
            pv.refused.append(Refusal(unit, str(f.get("month"))[:7], "佐证不足标记", "", problem))
            continue
        flags.setdefault(f["month"], []).append(f)
    for m, state in sorted(taken.items()):
        mine = {(r["entity"], r["entity_key"]): r for r in app.store.query(
            "SELECT * FROM evidence_flags WHERE unit = ? AND month = ?", (unit, m))}
        theirs = {(f["entity"], f["entity_key"]): f for f in flags.get(m, [])} if state == "returned" else {}
        if set(mine) == set(theirs):
            continue
        pv.items.append(PreviewItem("updated", "佐证不足标记", month_cn(m),
                                    "、".join(f"{e} {k[:20]}" for e, k in theirs) or "已全部清除"))
        work.ops.append(("DELETE FROM evidence_flags WHERE unit = ? AND month = ?", (unit, m)))
        for f in theirs.values():
            work.ops.append((f"INSERT INTO evidence_flags({', '.join(FLAG_KEYS)}) VALUES "
                             f"({', '.join('?' * len(FLAG_KEYS))})", tuple(f[k] for k in FLAG_KEYS)))


def _flag_problem(f: dict[str, Any], unit: str) -> str:
    if f["unit"] != unit:
        return f"属于其他单位（{f['unit'][:30]}）"
    if not re.match(r"^\d{4}-(0[1-9]|1[0-2])$", f["month"]):
        return f"月份“{f['month'][:20]}”格式不对"
    if f["entity"] not in ENTITIES or len(f["entity_key"]) > 80:
        return "事项无法识别"
    if not valid_stamp(f["flagged_at"]) or len(f["flagged_by"]) > 64 or len(f["note"]) > 2000:
        return "标记时间、标记人或说明无效"
    try:
        known = json.loads(f["known"]) if len(f["known"]) <= 40_000 else None
    except ValueError:
        known = None
    if not (isinstance(known, list) and all(isinstance(u, str) and _UID.match(u) for u in known)):
        return "已有材料的清单无效"
    return ""
