"""The exchange file format: a zip holding a manifest, one JSON content file and a signature.

Layout of every exchange file (installation ``.zsi``, submission and decisions ``.zsp``)::

    manifest.json    format name and version, kind, unit, month, plan id/version/digest,
                     office id, created_at/by, counts, sha256 and size of content.json
    content.json     the data (UTF-8 JSON)
    signature.json   {"alg": "HMAC-SHA256", "mac": hex} over the exact bytes of manifest.json
                     (packages only; an installation file carries the key and is not signed)

Reading never trusts the file: sizes are bounded, every failure to unzip or parse
becomes ``PackageRejected`` with a Chinese message, and nothing here touches a database.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import math
import zipfile
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Mapping
from typing import Any

from models.authority import PUBLIC, rule
from models.atomic_write import write_bytes
from models.errors import DomainError

FORMAT_NAME = "zhushan-exchange"
FORMAT_VERSION = 1
KINDS = ("install", "submission", "decisions")
KIND_NAMES = {"install": "安装文件", "submission": "报送包", "decisions": "回执包"}
MANIFEST = "manifest.json"
CONTENT = "content.json"
SIGNATURE = "signature.json"
MAX_MEMBER = 64 * 1024 * 1024  # bytes of one unpacked member
MAX_FILE = 128 * 1024 * 1024
MAX_TEXT = 200_000  # characters of one text field (the plan file travels separately)


@rule(PUBLIC)
class PackageRejected(DomainError):
    """An exchange file that is refused; the message says why, in Chinese."""


@rule(PUBLIC)
@dataclass
class RawPackage:
    """A package read from disk and checked for integrity (not yet for its signature)."""

    path: Path
    manifest: dict[str, Any]
    manifest_bytes: bytes
    content: dict[str, Any]
    mac: str

    @property
    def kind(self) -> str:
        return str(self.manifest.get("kind", ""))

    @property
    def digest(self) -> str:
        """Identity of the package: sha256 of its manifest (which holds the content hash)."""
        return hashlib.sha256(self.manifest_bytes).hexdigest()

    @property
    def name(self) -> str:
        return self.path.name


@rule(PUBLIC)
def dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")


@rule(PUBLIC)
def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@rule(PUBLIC)
def mac_of(key_hex: str, data: bytes) -> str:
    return hmac.new(bytes.fromhex(key_hex), data, hashlib.sha256).hexdigest()


@rule(PUBLIC)
def write_package(path: str | Path, manifest: dict[str, Any], content: dict[str, Any],
                  key_hex: str | None) -> Path:
    """Write an exchange file; ``manifest`` is completed with format, hash and size."""
    body = dumps(content)
    man = dict(manifest)
    man.update(format=FORMAT_NAME, format_version=FORMAT_VERSION, content_file=CONTENT,
               content_sha256=sha256(body), content_size=len(body))
    man_bytes = dumps(man)
    out = Path(path)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr(MANIFEST, man_bytes)
        z.writestr(CONTENT, body)
        if key_hex is not None:
            z.writestr(SIGNATURE, dumps({"alg": "HMAC-SHA256", "mac": mac_of(key_hex, man_bytes)}))
    return write_bytes(out, buf.getvalue())


def _damaged(name: str, why: str) -> PackageRejected:
    return PackageRejected(f"文件 {name} 不是有效的数据交换文件或已损坏（{why}），已拒绝，数据库未作任何修改。")


@rule(PUBLIC)
def read_package(path: str | Path) -> RawPackage:
    """Unzip and parse; check format version and the content hash. Raises PackageRejected."""
    p = Path(path)
    name = p.name
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise PackageRejected(f"无法读取文件 {name}：{exc.strerror or exc}。") from None
    if size > MAX_FILE:
        raise _damaged(name, "文件过大")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise PackageRejected(f"无法读取文件 {name}：{exc.strerror or exc}。") from None
    try:
        man_bytes, body, sig_bytes = _unzip(data)
    except PackageRejected:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure of a damaged zip is a rejection
        raise _damaged(name, type(exc).__name__) from None
    if man_bytes is None:
        raise _damaged(name, "缺少 manifest.json")
    try:
        manifest = json.loads(man_bytes.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _damaged(name, "manifest.json 无法解析") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise _damaged(name, "不是本系统的数据交换文件")
    ver = manifest.get("format_version")
    if not isinstance(ver, int) or isinstance(ver, bool):
        raise _damaged(name, "缺少格式版本")
    if ver > FORMAT_VERSION:
        raise PackageRejected(f"文件 {name} 的格式版本为 {ver}，由较新版本的程序生成；本程序只支持到版本 "
                              f"{FORMAT_VERSION}，请升级程序后再导入。数据库未作任何修改。")
    if ver != FORMAT_VERSION:
        raise PackageRejected(f"文件 {name} 的格式版本 {ver} 不受支持，已拒绝，数据库未作任何修改。")
    kind = manifest.get("kind")
    if kind not in KINDS:
        raise _damaged(name, "文件类型未知")
    for key in ("unit", "month", "plan_id", "plan_version", "plan_digest", "office_id",
                "created_at", "content_sha256"):
        if not isinstance(manifest.get(key), str):
            raise _damaged(name, f"manifest.json 缺少 {key}")
    if body is None:
        raise _damaged(name, "缺少 content.json")
    mac = ""
    if kind != "install":
        try:
            sig = json.loads(sig_bytes.decode("utf-8")) if sig_bytes is not None else None
        except (UnicodeDecodeError, ValueError, RecursionError):
            sig = None
        if not (isinstance(sig, dict) and sig.get("alg") == "HMAC-SHA256"
                and isinstance(sig.get("mac"), str)):
            raise PackageRejected(f"{KIND_NAMES[kind]} {name} 没有有效的签名，已拒绝，数据库未作任何修改。")
        mac = sig["mac"]
    if not hmac.compare_digest(sha256(body), manifest["content_sha256"]):
        raise PackageRejected(f"{KIND_NAMES[kind]} {name} 的内容校验失败：内容与清单中的校验值不符，"
                              "文件在生成后被修改过或已损坏，已拒绝，数据库未作任何修改。")
    try:
        content = json.loads(body.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _damaged(name, "content.json 无法解析") from None
    if not isinstance(content, dict):
        raise _damaged(name, "content.json 结构不对")
    return RawPackage(p, manifest, man_bytes, content, mac)


def _no_constant(name: str) -> Any:
    raise ValueError(f"constant {name} not allowed")


def _unzip(data: bytes) -> tuple[bytes | None, bytes | None, bytes | None]:
    out: dict[str, bytes] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        infos = z.infolist()
        if len(infos) > 10:
            raise ValueError("too many members")
        for info in infos:
            if info.filename not in (MANIFEST, CONTENT, SIGNATURE):
                continue
            if info.filename in out:
                raise ValueError("duplicate member")
            if info.file_size > MAX_MEMBER:
                raise ValueError("member too large")
            with z.open(info) as f:
                blob = f.read(MAX_MEMBER + 1)
            if len(blob) > MAX_MEMBER:
                raise ValueError("member too large")
            out[info.filename] = blob
    return out.get(MANIFEST), out.get(CONTENT), out.get(SIGNATURE)


@rule(PUBLIC)
def verify_mac(raw: RawPackage, key_hex: str) -> bool:
    try:
        expected = mac_of(key_hex, raw.manifest_bytes)
    except ValueError:
        return False
    return hmac.compare_digest(expected, raw.mac)


# -- shape checks of content --------------------------------------------------------------

@rule(PUBLIC)
def need_list(obj: dict[str, Any], key: str, name: str) -> list[dict[str, Any]]:
    v = obj.get(key, [])
    if not isinstance(v, list) or not all(isinstance(r, dict) for r in v):
        raise _damaged(name, f"{key} 结构不对")
    return v


@rule(PUBLIC)
def need_fields(row: dict[str, Any], spec: Mapping[str, tuple[type, ...]], name: str, what: str) -> None:
    """Each key of ``spec`` must be present with one of the given types (None allowed if listed)."""
    for key, types in spec.items():
        if key not in row:
            raise _damaged(name, f"{what}缺少字段 {key}")
        v = row[key]
        if v is None and type(None) in types:
            continue
        if isinstance(v, bool) or not isinstance(v, types):
            raise _damaged(name, f"{what}的字段 {key} 类型不对")
        if isinstance(v, float) and not math.isfinite(v):
            raise _damaged(name, f"{what}的字段 {key} 不是有限数值")
        if isinstance(v, str) and len(v) > MAX_TEXT:
            raise _damaged(name, f"{what}的字段 {key} 过长")
