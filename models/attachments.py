"""佐证材料: evidence files attached to the items of a unit's month.

An attachment belongs to one item of one unit's month: a task report (key: the task
code), an indicator value (key: ``I01@2026``, part and period) or a project's figures of
the month (key: the project's uid). It is part of the month: adding, removing or
captioning one follows the month's lock rules (``EntriesBase.lock_reason``: a submitted
or approved month is read-only, for the office too), every change is in the audit trail
(field ``attachment`` or ``attachment_caption`` of the item), and the submit check
asks for evidence where the office requires it and where the office marked an item
佐证不足 when returning the month (``models.evidence_rules``).

A file is read only up to the size limit (setting ``attachment_max_mb``), recognised by
its content (``models.file_check``), a photo larger than the setting
``attachment_photo_px`` is scaled down to a JPEG (``models.photo``; the original kept as
well when the office sets ``attachment_keep_originals``), and the bytes are stored once
in the evidence folder (``models.attachment_store``) before the database refers to them.
The same file chosen again is recognised by its hash and not checked or stored twice.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from forms import attachment_form
from forms.attachment_form import KINDS
from forms.values import ValueProblem, clean_text
from models.app import Actor
from models.authority import PUBLIC, UNIT, Args, rule
from models.atomic_write import write_bytes
from models.attachment_store import BlobStore, sha256_of
from models.entries_base import EntriesBase, month_cn
from models.errors import InvalidInput, NotFound, PermissionDenied
from models.file_check import Checked, FileRefused, check_file, corrupt_photo
from models.os_reasons import os_reason
from models.photo import downscale
from models.store import now_iso

ENTITIES = ("task_report", "indicator", "project_month")
MAX_PER_ITEM = 30
ABSOLUTE_MAX_MB = 200  # no setting can raise the per-file limit above this
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


@rule(PUBLIC)
class AttachResult(NamedTuple):
    row: dict[str, Any]
    scaled: bool  # a photo scaled down before storing
    reused: bool  # the same file was already stored
    note: str  # a sentence for the status line


@rule(PUBLIC)
def max_bytes(settings_value: Any) -> int:
    try:
        mb = float(settings_value)
    except (TypeError, ValueError):
        mb = 20.0
    return int(max(0.1, min(mb, ABSOLUTE_MAX_MB)) * 1024 * 1024)


@rule(PUBLIC)
def safe_name(raw: str, kind: str = "") -> str:
    """A file name to show and to give a copy: no folders, no characters Windows refuses,
    at most 120 characters, with a suffix that fits ``kind``."""
    name = re.split(r"[\\/]", str(raw or ""))[-1]
    name = _UNSAFE.sub("_", clean_text(name, max_len=10 ** 6)).strip(" .") or "佐证材料"
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    if stem.upper() in _RESERVED:
        stem = f"_{stem}"
    k = KINDS.get(kind)
    if k is not None and f".{suffix.lower()}" not in k.suffixes:
        stem, suffix = name, k.suffix.lstrip(".")
    suffix = suffix[:10]
    stem = stem[:120 - len(suffix) - 1]
    return f"{stem}.{suffix}" if suffix else stem


@rule(PUBLIC)
def size_text(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f}".rstrip("0").rstrip(".") + " MB"
    return f"{max(1, round(n / 1024))} KB"


def _attachment_unit(a: Args) -> str | None:
    """The unit an attachment belongs to (None for an unknown uid: the office only)."""
    entries: AttachmentEntries = a["self"]
    unit = entries.store.scalar("SELECT unit FROM attachments WHERE uid = ?", (str(a["uid"]),))
    return str(unit) if unit else None


class AttachmentEntries(EntriesBase):
    """Evidence files of a unit's month (a part of ``models.entries.Entries``)."""

    if TYPE_CHECKING:  # provided by models.entries_indicators.IndicatorEntries in Entries
        def period_for(self, part_code: str, month: str) -> str: ...

        def _indicator_value(self, part_code: str, period: str) -> dict[str, Any] | None: ...

    @property
    def blobs(self) -> BlobStore:
        return BlobStore.for_db(self.store.path)

    # -- items ----------------------------------------------------------------------------------
    def _item_label(self, entity: str, key: str) -> str:
        if entity == "task_report":
            task = self.plan.tasks_by_code.get(key)
            return f"任务{key}“{task.title}”" if task else f"任务{key}"
        if entity == "indicator":
            code, _, period = key.partition("@")
            part = self.plan.parts_by_code.get(code)
            return f"指标{code}“{part.name}”（{period}）" if part else f"指标{key}"
        row = self.store.one("SELECT name FROM projects WHERE uid = ?", (key,))
        return f"项目“{row['name']}”" if row else "项目"

    def _check_item(self, unit: str, month: str, entity: str, key: str) -> None:
        """The item exists and belongs to ``unit``'s ``month``."""
        if entity == "task_report":
            task = self.plan.tasks_by_code.get(key)
            if task is None:
                raise NotFound(f"任务编码“{key}”不存在。")
            if self.app.task_role(task, unit) is None:
                raise PermissionDenied(f"任务{key}“{task.title}”没有分配给{unit}。")
        elif entity == "indicator":
            code, _, period = key.partition("@")
            part = self.plan.parts_by_code.get(code)
            if part is None or part.task or code not in self.app.parts_of(unit):
                raise PermissionDenied(f"指标“{code}”不是{unit}负责的指标。")
            if period != self.period_for(code, month):
                raise InvalidInput(f"指标{code}在{month_cn(month)}填报的是{self.period_for(code, month)}的数值，"
                                   f"不能把佐证材料加到{period}。")
        elif entity == "project_month":
            row = self.store.one("SELECT unit, created_month, closed_month FROM projects WHERE uid = ?", (key,))
            if row is None:
                raise NotFound("项目不存在。")
            if row["unit"] != unit:
                raise PermissionDenied(f"该项目属于{row['unit']}，不是{unit}的项目。")
            if row["created_month"] > month or (row["closed_month"] and row["closed_month"] < month):
                raise InvalidInput(f"该项目在{month_cn(month)}不在实施中，不能添加佐证材料。")
        else:
            raise NotFound(f"“{entity}”不是可以添加佐证材料的事项。")

    # -- reading ---------------------------------------------------------------------------------
    @rule(UNIT, unit="unit", read=True, what="查看该单位的佐证材料")
    def attachments(self, actor: Actor, unit: str, month: str, entity: str | None = None,
                    key: str | None = None, removed: bool = False) -> list[dict[str, Any]]:
        """Attachments of a unit's month (one item when ``entity``/``key`` are given), in the
        order they were added; removed ones only when ``removed``."""
        return self._attachments(unit, month, entity, key, removed)

    def _attachments(self, unit: str, month: str, entity: str | None = None, key: str | None = None,
                     removed: bool = False) -> list[dict[str, Any]]:
        sql = "SELECT * FROM attachments WHERE unit = ? AND month = ?"
        params: list[Any] = [unit, month]
        if entity:
            sql += " AND entity = ?"
            params.append(entity)
        if key:
            sql += " AND entity_key = ?"
            params.append(key)
        if not removed:
            sql += " AND removed_at = ''"
        return self.store.query(sql + " ORDER BY id", params)

    @rule(UNIT, unit="unit", read=True, what="查看该单位的佐证材料")
    def earlier_attachments(self, actor: Actor, unit: str, month: str, entity: str, key: str) -> list[dict[str, Any]]:
        """Attachments of the same item from earlier months (an annual indicator's value is
        the same record all year: evidence added in March still stands in April)."""
        return self._earlier_attachments(unit, month, entity, key)

    def _earlier_attachments(self, unit: str, month: str, entity: str, key: str) -> list[dict[str, Any]]:
        return self.store.query(
            "SELECT * FROM attachments WHERE unit = ? AND month < ? AND entity = ? AND entity_key = ? "
            "AND removed_at = '' ORDER BY month, id", (unit, month, entity, key))

    @rule(UNIT, unit=_attachment_unit, read=True, what="查看该单位的佐证材料")
    def attachment(self, actor: Actor, uid: str) -> dict[str, Any]:
        return self._attachment(uid)

    def _attachment(self, uid: str) -> dict[str, Any]:
        row = self.store.one("SELECT * FROM attachments WHERE uid = ?", (uid,))
        if row is None:
            raise NotFound("该佐证材料不存在或已被删除。")
        return row

    @rule(UNIT, unit="unit", read=True, what="查看该单位的佐证材料")
    def attachment_counts(self, actor: Actor, unit: str, month: str) -> dict[tuple[str, str], int]:
        """{(entity, key): number of attachments} of the month."""
        return self._attachment_counts(unit, month)

    def _attachment_counts(self, unit: str, month: str) -> dict[tuple[str, str], int]:
        return {(r["entity"], r["entity_key"]): r["n"] for r in self.store.query(
            "SELECT entity, entity_key, COUNT(*) AS n FROM attachments WHERE unit = ? AND month = ? "
            "AND removed_at = '' GROUP BY entity, entity_key", (unit, month))}

    @rule(UNIT, unit=_attachment_unit, read=True, what="查看该单位的佐证材料")
    def attachment_data(self, actor: Actor, uid: str, original: bool = False) -> bytes:
        """The stored bytes, checked against their hash (the original photo with ``original``)."""
        row = self._attachment(uid)
        sha = row["original_sha256"] if original and row["original_sha256"] else row["sha256"]
        return self.blobs.read(sha, row["name"])

    @rule(UNIT, unit=_attachment_unit, read=True, what="查看该单位的佐证材料")
    def export_attachment(self, actor: Actor, uid: str, folder: str | Path) -> Path:
        """A copy of the attachment in ``folder`` for a viewer, read back and checked against
        the hash before it is handed over."""
        row = self._attachment(uid)
        data = self.blobs.read(row["sha256"], row["name"])
        target = Path(folder) / safe_name(row["name"], row["kind"])
        write_bytes(target, data)
        if sha256_of(target.read_bytes()) != row["sha256"]:
            raise FileRefused(f"复制佐证材料“{row['name']}”时出错（副本与校验值不符），请重试。")
        return target

    # -- changing --------------------------------------------------------------------------------
    @rule(UNIT, unit="unit", what="为该单位添加佐证材料")
    def attach_file(self, actor: Actor, unit: str, month: str, entity: str, key: str, path: str | Path,
                    caption: str = "", origin: str = "form") -> AttachResult:
        """Attach a file from disk (its size is checked before it is read)."""
        p = Path(path)
        self._check_edit(actor, unit, month)
        self._check_item(unit, month, entity, key)
        limit = max_bytes(self.app.settings.get("attachment_max_mb"))
        try:
            size = p.stat().st_size
            if size > limit:
                raise FileRefused(f"文件“{p.name}”有{size_text(size)}，超过每个文件{size_text(limit)}的上限"
                                  "（办公室设置），未添加。照片请用手机或电脑缩小后再添加，PDF 可压缩后再添加。")
            with open(p, "rb") as f:
                data = f.read(limit + 1)
        except OSError as exc:
            raise FileRefused(f"无法读取文件“{p.name}”：{os_reason(exc)}。") from None
        return self._attach(actor, unit, month, entity, key, p.name, data, caption, origin)

    @rule(UNIT, unit="unit", what="为该单位添加佐证材料")
    def attach_bytes(self, actor: Actor, unit: str, month: str, entity: str, key: str, name: str,
                     data: bytes, caption: str = "", origin: str = "form") -> AttachResult:
        """Attach ``data`` (named ``name``) to an item of the month."""
        return self._attach(actor, unit, month, entity, key, name, data, caption, origin)

    def _attach(self, actor: Actor, unit: str, month: str, entity: str, key: str, name: str,
                data: bytes, caption: str, origin: str) -> AttachResult:
        self._check_edit(actor, unit, month)
        self._check_item(unit, month, entity, key)
        limit = max_bytes(self.app.settings.get("attachment_max_mb"))
        name = safe_name(name)
        if len(data) > limit:
            raise FileRefused(f"文件“{name}”有{size_text(len(data))}，超过每个文件{size_text(limit)}的上限"
                              "（办公室设置），未添加。")
        caption = self._caption(caption)
        source = sha256_of(data)
        current = self._attachments(unit, month, entity, key)
        same = next((r for r in current if source in (r["source_sha256"], r["sha256"])), None)
        if same is not None:
            raise InvalidInput(f"{self._item_label(entity, key)}已有相同内容的文件“{same['name']}”，未重复添加。")
        if len(current) >= MAX_PER_ITEM:
            raise InvalidInput(f"每个事项最多{MAX_PER_ITEM}份佐证材料，{self._item_label(entity, key)}已满。")
        known = self._known(source)
        reused = known is not None
        stored = known if known is not None else self._store_new(data, name)
        scaled = stored["sha256"] != source
        now = now_iso()
        row = {"uid": uuid.uuid4().hex, "unit": unit, "month": month, "entity": entity, "entity_key": key,
               "name": safe_name(name, stored["kind"]), "caption": caption, "source_sha256": source,
               "added_at": now, "added_by": actor.username, "updated_at": now,
               **{k: stored[k] for k in ("kind", "sha256", "size", "width", "height", "original_sha256",
                                         "original_size")}}
        with self.store.tx() as c:
            cols = list(row)
            cur = c.execute(f"INSERT INTO attachments({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                            [row[k] for k in cols])
            row["id"] = cur.lastrowid
            self._audit(c, actor, unit, month, entity, key, [("attachment", "", _audit_text(row))], origin)
            if caption:
                self._audit(c, actor, unit, month, entity, key, [("attachment_caption", "", caption)], origin)
            self._touch(c, unit, month)
        note = f"已添加佐证材料“{row['name']}”（{size_text(row['size'])}）"
        if scaled:
            note += f"，照片已缩小为 {row['width']}×{row['height']} 像素"
        return AttachResult(row, scaled, reused, note)

    def _caption(self, caption: str) -> str:
        try:
            return str(attachment_form.CAPTION.validate(caption))
        except ValueProblem as exc:
            raise InvalidInput(str(exc), [(attachment_form.CAPTION.label, str(exc))]) from None

    def _known(self, source: str) -> dict[str, Any] | None:
        """What was stored for a file of this hash before, when its stored file is intact."""
        for r in self.store.query(
                "SELECT kind, sha256, size, width, height, original_sha256, original_size FROM attachments "
                "WHERE source_sha256 = ? ORDER BY id DESC LIMIT 3", (source,)):
            if self.blobs.has(r["sha256"], r["size"]) and self.blobs.verify(r["sha256"]) and (
                    not r["original_sha256"] or self.blobs.has(r["original_sha256"])):
                return r
        return None

    def _store_new(self, data: bytes, name: str) -> dict[str, Any]:
        long_side = int(self.app.settings.get("attachment_photo_px") or 0)
        # A photo to be scaled down is decoded once, by the scaling (which fails on a damaged photo).
        checked: Checked = check_file(data, name, decode=not 0 < long_side)
        out = {"kind": checked.kind, "width": checked.width, "height": checked.height,
               "original_sha256": "", "original_size": 0}
        stored = data
        if KINDS[checked.kind].image:
            try:
                scaled = downscale(data, long_side)
            except Exception:  # noqa: BLE001 - a damaged photo fails in its decoder, however it fails
                raise corrupt_photo(name) from None
            if scaled is None and checked.kind == "jpeg" and 0 < long_side:
                checked = check_file(data, name)  # small enough to keep: decode it to check it
            if scaled is not None:
                stored = scaled.data
                out.update(kind="jpeg", width=scaled.width, height=scaled.height)
                if self.app.settings.get("attachment_keep_originals"):
                    out.update(original_sha256=self.blobs.put(data), original_size=len(data))
        out.update(sha256=self.blobs.put(stored), size=len(stored))
        return out

    @rule(UNIT, unit=_attachment_unit, what="删除该单位的佐证材料")
    def remove_attachment(self, actor: Actor, uid: str) -> None:
        """Take an attachment off its item (the row stays as a record; the file goes when
        nothing else refers to it)."""
        row = self._attachment(uid)
        if row["removed_at"]:
            raise NotFound(f"佐证材料“{row['name']}”已经删除。")
        self._check_edit(actor, row["unit"], row["month"])
        now = now_iso()
        with self.store.tx() as c:
            c.execute("UPDATE attachments SET removed_at = ?, removed_by = ?, updated_at = ? WHERE id = ?",
                      (now, actor.username, now, row["id"]))
            self._audit(c, actor, row["unit"], row["month"], row["entity"], row["entity_key"],
                        [("attachment", _audit_text(row), "")], "form")
            self._touch(c, row["unit"], row["month"])
        for sha in (row["sha256"], row["original_sha256"]):
            if sha and not self.store.scalar(
                    "SELECT 1 FROM attachments WHERE removed_at = '' AND (sha256 = ? OR original_sha256 = ?)",
                    (sha, sha)):
                self.blobs.remove(sha)

    @rule(UNIT, unit=_attachment_unit, what="修改该单位佐证材料的说明")
    def set_attachment_caption(self, actor: Actor, uid: str, caption: str) -> bool:
        """Change an attachment's 说明; False when it did not change."""
        row = self._attachment(uid)
        if row["removed_at"]:
            raise NotFound(f"佐证材料“{row['name']}”已经删除。")
        self._check_edit(actor, row["unit"], row["month"])
        caption = self._caption(caption)
        if caption == row["caption"]:
            return False
        with self.store.tx() as c:
            c.execute("UPDATE attachments SET caption = ?, updated_at = ? WHERE id = ?",
                      (caption, now_iso(), row["id"]))
            self._audit(c, actor, row["unit"], row["month"], row["entity"], row["entity_key"],
                        [("attachment_caption", row["caption"], caption)], "form")
            self._touch(c, row["unit"], row["month"])
        return True


def _audit_text(row: dict[str, Any]) -> str:
    return f"{row['name']}（{size_text(int(row['size']))}，SHA-256 {row['sha256'][:12]}…）"
