"""Database schema and its forward migrations.

``PRAGMA user_version`` holds the schema version. Each step below upgrades from
version N-1 to N; the store runs each step and its version bump in one
transaction. Steps are never edited once released: add a new one instead.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable

from models.authority import INTERNAL, rule


@rule(INTERNAL, why="runs the schema's migration steps")
def run_script(db: sqlite3.Connection, sql: str) -> None:
    """Execute several statements without ``executescript``'s implicit COMMIT."""
    buf = ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            db.execute(buf)
            buf = ""
    if buf.strip():
        raise ValueError(f"incomplete SQL statement: {buf.strip()[:60]}")


def _v1(db: sqlite3.Connection) -> None:
    """Catalog mirror, units, monthly entries, projects, submissions, settings."""
    run_script(db,
        """
        CREATE TABLE plan_meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE units (
            name TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            sort INTEGER NOT NULL DEFAULT 0,
            active INTEGER NOT NULL DEFAULT 1,
            from_plan INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE catalog_items (
            code TEXT PRIMARY KEY,
            kind TEXT NOT NULL,            -- action | task | policy | indicator | part | milestone
            parent TEXT,
            title TEXT NOT NULL,
            sort INTEGER NOT NULL,
            active INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE assignments (
            item_code TEXT NOT NULL REFERENCES catalog_items(code),
            unit TEXT NOT NULL REFERENCES units(name),
            role TEXT NOT NULL,            -- lead | cooperate | responsible
            pos INTEGER NOT NULL,
            PRIMARY KEY (item_code, unit)
        );
        CREATE TABLE task_reports (
            id INTEGER PRIMARY KEY,
            task_code TEXT NOT NULL REFERENCES catalog_items(code),
            unit TEXT NOT NULL REFERENCES units(name),
            month TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT '',
            progress TEXT NOT NULL DEFAULT '',
            measures TEXT NOT NULL DEFAULT '',
            problems TEXT NOT NULL DEFAULT '',
            next_plan TEXT NOT NULL DEFAULT '',
            person TEXT NOT NULL DEFAULT '',
            deadline TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL DEFAULT '',
            UNIQUE (task_code, unit, month)
        );
        CREATE INDEX task_reports_month ON task_reports(month, unit);
        CREATE TABLE milestone_values (
            id INTEGER PRIMARY KEY,
            milestone_code TEXT NOT NULL REFERENCES catalog_items(code),
            unit TEXT NOT NULL REFERENCES units(name),
            month TEXT NOT NULL,
            value REAL,
            raw TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL DEFAULT '',
            UNIQUE (milestone_code, unit, month)
        );
        CREATE TABLE projects (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            task_code TEXT NOT NULL REFERENCES catalog_items(code),
            unit TEXT NOT NULL REFERENCES units(name),
            name TEXT NOT NULL,
            content TEXT NOT NULL DEFAULT '',
            ptype TEXT NOT NULL DEFAULT '',
            total_invest REAL,
            plan_start TEXT NOT NULL DEFAULT '',
            plan_end TEXT NOT NULL DEFAULT '',
            reduction REAL,
            created_month TEXT NOT NULL,
            closed_month TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX projects_unit ON projects(unit, task_code);
        CREATE TABLE project_months (
            project_id INTEGER NOT NULL REFERENCES projects(id),
            month TEXT NOT NULL,
            ptype TEXT NOT NULL DEFAULT '',
            year_plan_invest REAL,
            cum_invest REAL,
            actual_start TEXT NOT NULL DEFAULT '',
            progress TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (project_id, month)
        );
        CREATE TABLE indicator_values (
            id INTEGER PRIMARY KEY,
            part_code TEXT NOT NULL REFERENCES catalog_items(code),
            period TEXT NOT NULL,          -- 'YYYY' or 'YYYY-MM'
            unit TEXT NOT NULL REFERENCES units(name),
            month TEXT NOT NULL,           -- reporting month of the latest edit
            value REAL,
            raw TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL DEFAULT '',
            UNIQUE (part_code, period)
        );
        CREATE TABLE submissions (
            unit TEXT NOT NULL REFERENCES units(name),
            month TEXT NOT NULL,
            state TEXT NOT NULL,           -- draft | submitted | approved | returned
            submitted_at TEXT NOT NULL DEFAULT '',
            submitted_by TEXT NOT NULL DEFAULT '',
            decided_at TEXT NOT NULL DEFAULT '',
            decided_by TEXT NOT NULL DEFAULT '',
            comment TEXT NOT NULL DEFAULT '',
            returns INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (unit, month)
        );
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL             -- JSON
        );
        CREATE TABLE baselines (
            part_code TEXT PRIMARY KEY REFERENCES catalog_items(code),
            year INTEGER NOT NULL,
            value REAL NOT NULL,
            source TEXT NOT NULL DEFAULT ''
        );
        """
    )


def _v2(db: sqlite3.Connection) -> None:
    """Audit trail, review history, accounts, event log, briefings, exchange."""
    run_script(db,
        """
        CREATE TABLE value_audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            unit TEXT NOT NULL,
            month TEXT NOT NULL,
            entity TEXT NOT NULL,          -- task_report | milestone | project | project_month | indicator
            entity_key TEXT NOT NULL,      -- e.g. '4.3' or 'I01@2026' or project uid
            field TEXT NOT NULL,
            old TEXT,
            new TEXT,
            origin TEXT NOT NULL DEFAULT 'form'   -- form | excel | package | demo
        );
        CREATE INDEX value_audit_key ON value_audit(entity, entity_key, field);
        CREATE INDEX value_audit_month ON value_audit(unit, month);
        CREATE TABLE review_events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            unit TEXT NOT NULL,
            month TEXT NOT NULL,
            action TEXT NOT NULL,          -- submit | approve | return | reopen
            comment TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX review_events_um ON review_events(unit, month);
        CREATE TABLE event_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            kind TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT ''
        );
        CREATE TRIGGER event_log_no_update BEFORE UPDATE ON event_log
            BEGIN SELECT RAISE(ABORT, 'event_log is append-only'); END;
        CREATE TRIGGER event_log_no_delete BEFORE DELETE ON event_log
            BEGIN SELECT RAISE(ABORT, 'event_log is append-only'); END;
        CREATE TRIGGER value_audit_no_update BEFORE UPDATE ON value_audit
            BEGIN SELECT RAISE(ABORT, 'value_audit is append-only'); END;
        CREATE TRIGGER value_audit_no_delete BEFORE DELETE ON value_audit
            BEGIN SELECT RAISE(ABORT, 'value_audit is append-only'); END;
        CREATE TRIGGER review_events_no_update BEFORE UPDATE ON review_events
            BEGIN SELECT RAISE(ABORT, 'review_events is append-only'); END;
        CREATE TRIGGER review_events_no_delete BEFORE DELETE ON review_events
            BEGIN SELECT RAISE(ABORT, 'review_events is append-only'); END;
        CREATE TABLE users (
            username TEXT PRIMARY KEY,
            display_name TEXT NOT NULL DEFAULT '',
            role TEXT NOT NULL,            -- clerk | reviewer | admin
            unit TEXT REFERENCES units(name),
            pw_hash TEXT NOT NULL,
            pw_salt TEXT NOT NULL,
            pw_params TEXT NOT NULL,
            failed INTEGER NOT NULL DEFAULT 0,
            locked_until TEXT NOT NULL DEFAULT '',
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        );
        CREATE TABLE briefing_issues (
            year INTEGER NOT NULL,
            number INTEGER NOT NULL,
            month TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (year, number)
        );
        CREATE TABLE packages (
            digest TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            unit TEXT NOT NULL,
            month TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            imported_at TEXT NOT NULL,
            summary TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE unit_keys (
            unit TEXT PRIMARY KEY REFERENCES units(name),
            secret TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        """
    )


def _v3(db: sqlite3.Connection) -> None:
    """Confirmation of values more than 10 times off the previous period."""
    run_script(db, """
        ALTER TABLE indicator_values ADD COLUMN confirmed_value REAL;
        ALTER TABLE milestone_values ADD COLUMN confirmed_value REAL;
        """)


def _v4(db: sqlite3.Connection) -> None:
    """An index for the latest 完成状态 of each task and unit (the month views)."""
    run_script(db, """
        CREATE INDEX task_reports_status ON task_reports(task_code, unit, month, status);
        """)


def _v5(db: sqlite3.Connection) -> None:
    """佐证材料: evidence files attached to a month's items, and the office's 佐证不足 marks.

    The files themselves live in a folder beside the database, named by their SHA-256
    (``models.attachment_store``). A removed attachment keeps its row (``removed_at``)
    for the record and for packages; its file goes when nothing else refers to it."""
    run_script(db, """
        CREATE TABLE attachments (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,          -- the same in every database the attachment reaches
            unit TEXT NOT NULL REFERENCES units(name),
            month TEXT NOT NULL,               -- the month it belongs to (and locks with)
            entity TEXT NOT NULL,              -- task_report | indicator | project_month
            entity_key TEXT NOT NULL,          -- task code | 'I01@2026' | project uid
            name TEXT NOT NULL,                -- file name as the clerk chose it
            kind TEXT NOT NULL,                -- jpeg | png | pdf | docx | xlsx | pptx | doc | xls | ppt
            sha256 TEXT NOT NULL,              -- the stored file
            size INTEGER NOT NULL,
            width INTEGER NOT NULL DEFAULT 0,
            height INTEGER NOT NULL DEFAULT 0,
            source_sha256 TEXT NOT NULL,       -- the file as chosen (before a photo was scaled down)
            original_sha256 TEXT NOT NULL DEFAULT '',  -- the original photo, when the office keeps originals
            original_size INTEGER NOT NULL DEFAULT 0,
            caption TEXT NOT NULL DEFAULT '',
            added_at TEXT NOT NULL,
            added_by TEXT NOT NULL,
            removed_at TEXT NOT NULL DEFAULT '',
            removed_by TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL
        );
        CREATE INDEX attachments_item ON attachments(unit, month, entity, entity_key);
        CREATE INDEX attachments_sha ON attachments(sha256);
        CREATE INDEX attachments_source ON attachments(source_sha256);
        CREATE TABLE evidence_flags (
            unit TEXT NOT NULL REFERENCES units(name),
            month TEXT NOT NULL,
            entity TEXT NOT NULL,
            entity_key TEXT NOT NULL,
            flagged_at TEXT NOT NULL,
            flagged_by TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            known TEXT NOT NULL DEFAULT '[]',  -- uids of the item's files when it was marked (JSON)
            PRIMARY KEY (unit, month, entity, entity_key)
        );
        """)


def _v6(db: sqlite3.Connection) -> None:
    """A database belongs to its plan: the plan files it has used, the current one marked.

    ``plan_versions`` keeps the text of every plan version the database adopted (so that
    a backup carries its plan and a database opened without ``--plan`` uses its own),
    with the plan's id, version and digest. A unit's PC already kept the text of its
    installed plan in ``plan_meta``; it becomes the current version here."""
    run_script(db, """
        CREATE TABLE plan_versions (
            id INTEGER PRIMARY KEY,
            plan_id TEXT NOT NULL,
            version TEXT NOT NULL,
            digest TEXT NOT NULL,
            name TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL,
            adopted_at TEXT NOT NULL,
            adopted_by TEXT NOT NULL DEFAULT '',
            current INTEGER NOT NULL DEFAULT 0
        );
        CREATE UNIQUE INDEX plan_versions_current ON plan_versions(current) WHERE current = 1;
        """)
    meta = {k: v for k, v in db.execute("SELECT key, value FROM plan_meta")}
    text = meta.get("installed_plan_toml")
    if text and meta.get("plan_id") and meta.get("digest") == hashlib.sha256(text.encode("utf-8")).hexdigest():
        db.execute("INSERT INTO plan_versions(plan_id, version, digest, name, text, adopted_at, adopted_by, current) "
                   "VALUES (?, ?, ?, ?, ?, ?, '安装文件', 1)",
                   (meta["plan_id"], meta.get("version", ""), meta["digest"], meta.get("name", ""), text,
                    meta.get("synced_at", "")))


def _v7(db: sqlite3.Connection) -> None:
    """Issued briefings kept whole, for reprints (append-only)."""
    run_script(db, """
        CREATE TABLE briefing_archive (
            id INTEGER PRIMARY KEY,
            year INTEGER NOT NULL,
            number INTEGER NOT NULL,
            month TEXT NOT NULL,
            issued_at TEXT NOT NULL,
            issued_by TEXT NOT NULL,
            options TEXT NOT NULL,         -- JSON: masthead, date, 编者按, section texts, basis …
            view TEXT NOT NULL,            -- the MonthView the issue was made from (JSON)
            pdf BLOB NOT NULL,
            pdf_sha256 TEXT NOT NULL,
            pages INTEGER NOT NULL
        );
        CREATE INDEX briefing_archive_issue ON briefing_archive(year, number);
        CREATE TRIGGER briefing_archive_no_update BEFORE UPDATE ON briefing_archive
            BEGIN SELECT RAISE(ABORT, 'briefing_archive is append-only'); END;
        CREATE TRIGGER briefing_archive_no_delete BEFORE DELETE ON briefing_archive
            BEGIN SELECT RAISE(ABORT, 'briefing_archive is append-only'); END;
        """)


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1, _v2, _v3, _v4, _v5, _v6, _v7]
SCHEMA_VERSION = len(MIGRATIONS)
