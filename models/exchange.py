"""Importing exchange packages: previews, and applying a package in one transaction.

- The office previews and imports a unit's submission packages (``models.exchange_merge``);
  a unit imports the office's decisions packages (``models.exchange_decisions``).
- A package is read within bounds and its signature checked with the unit's key before its
  content is even decompressed (``models.package_format``); who may import it is checked as
  soon as its manifest says what it is.
- A rejected package changes nothing; an accepted one is applied in one transaction
  (never deleting, never overwriting an approved month or a newer value); rows that fail the
  forms' checks are refused and reported, the rest lands; the database is backed up first.

Installation files are in ``models.exchange_install``, writing packages in
``models.exchange_export``; the file format is in ``models.package_format`` and README (数据交换).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from models.app import Actor, App
from models.atomic_write import write_text
from models.authority import OFFICE, SIGNED_IN, UNIT, demand, rule
from models.backup import automatic_backup
from models.errors import DomainError
from models.exchange_common import installation, plan_file_for, set_setting, to_json
from models.exchange_decisions import decisions_key, prepare_decisions
from models.exchange_files import package_limits, receive_files
from models.exchange_merge import prepare_submission, submission_key
from models.exchange_preview import PackagePreview, Work
from models.package_format import KIND_NAMES, PackageRejected, read_package
from models.plan_binding import adopt
from models.plan_changes import changes_between
from models.store import StoreError, now_iso


def _load_package(app: App, actor: Actor, path: str | Path) -> Work:
    """Read and check a package: a submission (at the office) or decisions (at a unit).
    ``actor`` must be allowed to import it (checked as soon as the manifest gives the kind,
    before the signature and long before the content)."""
    name = Path(path).name

    def key_of(manifest: dict[str, Any]) -> str:
        kind = manifest["kind"]
        if kind == "install":
            raise PackageRejected(f"文件 {name} 是安装文件，请使用“导入安装文件”功能。数据库未作任何修改。")
        if kind == "submission":
            key = submission_key(app, manifest, name)  # refuses a unit's PC with its own message
            demand(OFFICE, app, actor, what="导入报送包")
            return key
        inst = installation(app)
        demand(UNIT, app, actor, inst["unit"] if inst else None, read=True, what="导入本单位的回执包")
        return decisions_key(app, manifest, name)

    raw = read_package(path, key_of, *package_limits(app))
    if raw.kind == "submission":
        return prepare_submission(app, raw)
    return prepare_decisions(app, raw)


@rule(SIGNED_IN, what="预览数据交换包")
def preview_package(app: App, actor: Actor, path: str | Path) -> PackagePreview:
    """Check a package and report what importing it would do. Changes nothing. The office
    previews submissions, a unit's PC the office's decisions (same rule as importing)."""
    return _load_package(app, actor, path).preview


# -- importing -------------------------------------------------------------------------------------

def _backup(app: App, reason: str) -> None:
    """Back the database up before an import (raises StoreError when that fails)."""
    automatic_backup(app.store, reason)


@rule(SIGNED_IN, what="导入数据交换包")
def import_package(app: App, actor: Actor, path: str | Path, dry_run: bool = False,
                   backup: bool = True) -> PackagePreview:
    """Check and (unless ``dry_run``) apply one package in one transaction. A rejected
    package raises PackageRejected and changes nothing."""
    work = _load_package(app, actor, path)
    if dry_run:
        return work.preview
    if not work.preview.already_imported and (work.ops or work.new_plan) and backup:
        _backup(app, f"导入{KIND_NAMES[work.raw.kind]}前自动备份")
    # evidence files first: the transaction below only adds rows whose files are there
    receive_files(app, work)
    try:
        with app.store.tx() as c:
            work = _load_package(app, actor, path)  # again inside the transaction: nothing can change in between
            pv = work.preview
            pv.dry_run = False
            if pv.already_imported or pv.conflict_reason:
                return pv
            for sql, params in work.ops:
                c.execute(sql, params)
            if work.new_plan is not None:
                # The office's new version of the plan: adopted as the unit's plan (by code).
                adopt(app.store, work.new_plan, actor.username, changes_between(app.plan, work.new_plan, app.store))
                c.execute("INSERT INTO plan_meta(key, value) VALUES ('installed_plan_toml', ?) "
                          "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (work.plan_text,))
                inst = installation(app) or {}
                inst.update(plan_version=work.new_plan.version, plan_digest=work.new_plan.digest)
                set_setting(c, "installation", inst)
            c.execute("INSERT INTO packages(digest, kind, unit, month, created_at, imported_at, summary) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?)",
                      (pv.digest, pv.kind, pv.unit, pv.month, pv.created_at, now_iso(),
                       to_json({"new": pv.new, "updated": pv.updated, "unchanged": pv.unchanged,
                              "history_new": pv.history_new, "file": pv.name})))
            pv.applied = True
            app.log(actor, "exchange", "导入" + pv.summary())
    except (sqlite3.Error, StoreError) as exc:
        raise PackageRejected(f"{KIND_NAMES[work.raw.kind]} {work.raw.name} 写入时出错（{exc}），"
                              "该包的全部改动已撤销。") from None
    finally:
        app.invalidate()
    if work.new_plan is not None and pv.applied:
        write_text(plan_file_for(app.store.path), work.plan_text)
        app.plan = work.new_plan
        app.invalidate()
    return pv


@rule(SIGNED_IN, what="导入数据交换包")
def import_packages(app: App, actor: Actor, paths: Iterable[str | Path], dry_run: bool = False
                    ) -> list[tuple[Path, PackagePreview | PackageRejected]]:
    """Import several packages (one transaction each); one backup first. Rejections are
    returned in place of previews and do not stop the others."""
    files = [Path(p) for p in paths]
    out: list[tuple[Path, PackagePreview | PackageRejected]] = []
    if not dry_run:
        need = False
        for p in files:
            try:
                w = _load_package(app, actor, p)
            except DomainError:
                continue
            need = need or bool(w.ops or w.new_plan) and not w.preview.already_imported
        if need:
            _backup(app, "导入数据交换包前自动备份")
    for p in files:
        try:
            out.append((p, import_package(app, actor, p, dry_run=dry_run, backup=False)))
        except PackageRejected as exc:
            out.append((p, exc))
        except DomainError as exc:
            out.append((p, PackageRejected(f"{p.name}：{exc}")))
    return out
