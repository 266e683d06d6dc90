"""The exchange file format: a zip holding a signed manifest, the content file and a signature.

Layout of every exchange file (installation ``.zsi``, submission and decisions ``.zsp``)::

    manifest.json    format name and version, kind, unit, month, plan id/version/digest,
                     office id, created_at/by, counts, and ``members``: the name, size and
                     SHA-256 of every other file in the package (content.json, and whatever a
                     later version adds, e.g. attachments)
    content.json     the data (UTF-8 JSON)
    files/<sha256>   evidence files (佐证材料) of a month's package, stored as they are, each
                     listed in the manifest and in content.json's ``attachments``
    signature.json   {"alg": "HMAC-SHA256", "mac": hex} over the exact bytes of manifest.json
                     (packages only; an installation file carries the key and is not signed)

Reading never trusts the file, and never spends much on one before it is known to come from
the right unit: the file size, the zip's directory (member names, count, declared sizes)
and the small manifest and signature are checked first; the signature is
checked with the unit's key (``key_of``) before any content is decompressed; content is then
decompressed in chunks, never beyond its declared size or the cap (a zip bomb stops at the
cap, whatever its directory claims), hashed against the manifest and parsed with a limit on
the number of JSON objects. Every failure becomes ``PackageRejected`` with a Chinese message;
nothing here touches a database.

Size: a little over 400 lines: the writer and the bounded reader of one format, with the
re-reading of listed evidence files (``read_listed``), stay together.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import math
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from models.atomic_write import write_bytes
from models.authority import PUBLIC, rule
from models.errors import DomainError
from models.os_reasons import os_reason

FORMAT_NAME = "zhushan-exchange"
FORMAT_VERSION = 1
KINDS = ("install", "submission", "decisions")
KIND_NAMES = {"install": "安装文件", "submission": "报送包", "decisions": "回执包"}
MANIFEST = "manifest.json"
CONTENT = "content.json"
SIGNATURE = "signature.json"

# Bounds (bytes unless said otherwise). A month's package of one unit is a few hundred KB at
# most, a decisions package or an installation file (with the plan file) well under 1 MB.
MAX_FILE = 16 * 1024 * 1024  # the file on disk
MAX_MANIFEST = 64 * 1024
MAX_SIGNATURE = 4 * 1024
MAX_CONTENT = 4 * 1024 * 1024  # content.json unpacked
MAX_MEMBERS = 16
# Evidence files travel as members ``files/<sha256>`` (stored, not compressed): at most
# MAX_FILES of them, each within the cap the reader is given (the office's per-file limit);
# the package file itself within the limit the reader is given (the office's package limit).
FILES_PREFIX = "files/"
MAX_FILES = 500
MAX_OBJECTS = 200_000  # JSON objects in one content file
MAX_TEXT = 200_000  # characters of one text field (the plan file travels separately)
_CHUNK = 64 * 1024

KeyOf = Callable[[dict[str, Any]], str | None]


@rule(PUBLIC)
class PackageRejected(DomainError):
    """An exchange file that is refused; the message says why, in Chinese."""


@rule(PUBLIC)
@dataclass
class RawPackage:
    """A package read from disk: its manifest checked, its signature verified (packages) and
    its content decompressed within bounds and hash-checked."""

    path: Path
    manifest: dict[str, Any]
    manifest_bytes: bytes
    content: dict[str, Any]
    mac: str
    members: dict[str, dict[str, Any]] = field(default_factory=dict)

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
                  key_hex: str | None, extra: Mapping[str, bytes] | None = None) -> Path:
    """Write an exchange file (see ``package_bytes``)."""
    return write_bytes(Path(path), package_bytes(manifest, content, key_hex, extra))


@rule(PUBLIC)
def package_bytes(manifest: dict[str, Any], content: dict[str, Any], key_hex: str | None,
                  extra: Mapping[str, bytes] | None = None) -> bytes:
    """An exchange file's bytes; ``manifest`` is completed with the format, and the size and
    SHA-256 of every member (content.json and the ``extra`` files) in ``members``."""
    body = dumps(content)
    files = {CONTENT: body, **dict(extra or {})}
    man = dict(manifest)
    man.update(format=FORMAT_NAME, format_version=FORMAT_VERSION, content_file=CONTENT,
               content_sha256=sha256(body), content_size=len(body),
               members=[{"name": n, "size": len(b), "sha256": sha256(b)} for n, b in files.items()])
    man_bytes = dumps(man)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr(MANIFEST, man_bytes)
        for n, b in files.items():  # photos and documents are compressed already: stored as they are
            z.writestr(n, b, compress_type=zipfile.ZIP_STORED if n.startswith(FILES_PREFIX) else None)
        if key_hex is not None:
            z.writestr(SIGNATURE, dumps({"alg": "HMAC-SHA256", "mac": mac_of(key_hex, man_bytes)}))
    return buf.getvalue()


def _damaged(name: str, why: str) -> PackageRejected:
    return PackageRejected(f"文件 {name} 不是有效的数据交换文件或已损坏（{why}），已拒绝，数据库未作任何修改。")


def _read_member(z: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, name: str) -> bytes:
    """Decompress one member in chunks, never more than ``cap`` bytes."""
    if info.file_size > cap:
        raise _damaged(name, f"{info.filename} 过大")
    out = bytearray()
    try:
        with z.open(info) as f:
            while True:
                chunk = f.read(_CHUNK)
                if not chunk:
                    break
                out += chunk
                if len(out) > cap or len(out) > info.file_size:
                    raise _damaged(name, f"{info.filename} 的实际大小与目录不符")
    except PackageRejected:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, RuntimeError,
            NotImplementedError):
        raise _damaged(name, f"{info.filename} 无法解压") from None
    except Exception:  # noqa: BLE001 - zlib and zipfile raise several kinds on damaged data
        raise _damaged(name, f"{info.filename} 无法解压") from None
    return bytes(out)


def _directory(z: zipfile.ZipFile, name: str, file_cap: int = MAX_CONTENT) -> dict[str, zipfile.ZipInfo]:
    infos = z.infolist()
    files = sum(1 for i in infos if i.filename.startswith(FILES_PREFIX))
    if len(infos) - files > MAX_MEMBERS or files > MAX_FILES:
        raise _damaged(name, "包含的文件过多")
    out: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        if info.filename in out:
            raise _damaged(name, f"重复的文件 {info.filename[:40]}")
        if info.flag_bits & 0x1:
            raise _damaged(name, "加密的文件")
        if info.filename.startswith(FILES_PREFIX):
            if info.file_size > file_cap:
                raise _damaged(name, f"{info.filename[:40]} 过大（解压后 {info.file_size // (1024 * 1024)} MB）")
            out[info.filename] = info
            continue
        if info.file_size > MAX_CONTENT and info.filename != MANIFEST:
            raise _damaged(name, f"{info.filename[:40]} 过大（解压后 {info.file_size // (1024 * 1024)} MB）")
        out[info.filename] = info
    return out


def _json(data: bytes, name: str, what: str, max_objects: int = MAX_OBJECTS) -> Any:
    count = [0]

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        count[0] += 1
        if count[0] > max_objects:
            raise ValueError("too many objects")
        return dict(items)

    try:
        return json.loads(data.decode("utf-8"), object_pairs_hook=pairs, parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _damaged(name, f"{what} 无法解析") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"constant {name} not allowed")


@rule(PUBLIC)
def read_package(path: str | Path, key_of: KeyOf | None = None, max_file: int = MAX_FILE,
                 file_cap: int = MAX_CONTENT, too_large: str = "") -> RawPackage:
    """Read an exchange file within the bounds above. Packages (not installation files) are
    verified with the key ``key_of(manifest)`` returns before their content is decompressed;
    ``key_of`` may itself refuse (an unknown unit, another office) with PackageRejected.
    ``max_file`` bounds the file (a package with evidence files: the office's package limit,
    refused with ``too_large`` when given), ``file_cap`` each evidence file in it (read
    later with ``read_listed``). Raises PackageRejected for everything wrong with the file."""
    p = Path(path)
    name = p.name
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise PackageRejected(f"无法读取文件 {name}：{os_reason(exc)}。") from None
    if size > max(max_file, MAX_FILE) or (too_large and size > max_file):
        if too_large:
            raise PackageRejected(too_large.format(name=name, size=f"{size / 1024 / 1024:.1f} MB"))
        raise _damaged(name, f"文件过大（{size // (1024 * 1024)} MB）")
    try:
        f: IO[bytes] = p.open("rb")
    except OSError as exc:
        raise PackageRejected(f"无法读取文件 {name}：{os_reason(exc)}。") from None
    with f:
        try:
            z = zipfile.ZipFile(f)
        except Exception:  # noqa: BLE001 - any failure to read the directory is a rejection
            raise _damaged(name, "不是 zip 文件") from None
        with z:
            return _read(z, p, name, key_of, file_cap)


def _read(z: zipfile.ZipFile, p: Path, name: str, key_of: KeyOf | None, file_cap: int = MAX_CONTENT) -> RawPackage:
    infos = _directory(z, name, file_cap)
    if MANIFEST not in infos:
        raise _damaged(name, "缺少 manifest.json")
    man_bytes = _read_member(z, infos[MANIFEST], MAX_MANIFEST, name)
    manifest = _json(man_bytes, name, "manifest.json", 1000)
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
        v = manifest.get(key)
        if not isinstance(v, str) or len(v) > 200:
            raise _damaged(name, f"manifest.json 缺少 {key}")
    members = _members(manifest, name)
    for n in infos:
        if n not in (MANIFEST, SIGNATURE) and n not in members:
            raise _damaged(name, f"{n[:40]} 不在清单中")
    mac = ""
    if key_of is not None and kind == "install":
        key_of(manifest)  # may refuse an installation file where a package is expected
    if kind != "install":
        sig: Any = None
        if SIGNATURE in infos:
            sig = _json(_read_member(z, infos[SIGNATURE], MAX_SIGNATURE, name), name, "signature.json", 10)
        if not (isinstance(sig, dict) and sig.get("alg") == "HMAC-SHA256" and isinstance(sig.get("mac"), str)):
            raise PackageRejected(f"{KIND_NAMES[kind]} {name} 没有有效的签名，已拒绝，数据库未作任何修改。")
        mac = sig["mac"]
        key_hex = key_of(manifest) if key_of is not None else None
        if key_hex is None or not _mac_ok(key_hex, man_bytes, mac):
            raise PackageRejected(f"{KIND_NAMES[kind]} {name} 的签名校验失败：可能被修改过或不是用本单位密钥签名的，"
                                  "已拒绝，数据库未作任何修改。")
    if CONTENT not in infos or CONTENT not in members:
        raise _damaged(name, "缺少 content.json")
    body = _member_checked(z, infos, members, CONTENT, name, kind)
    content = _json(body, name, "content.json")
    if not isinstance(content, dict):
        raise _damaged(name, "content.json 结构不对")
    return RawPackage(p, manifest, man_bytes, content, mac, members)


def _members(manifest: dict[str, Any], name: str) -> dict[str, dict[str, Any]]:
    """The files the manifest lists: ``members`` [{name, size, sha256}], or for a file
    written before that list existed, content.json from ``content_sha256``/``content_size``."""
    raw = manifest.get("members")
    if raw is None:
        size = manifest.get("content_size")
        return {CONTENT: {"name": CONTENT, "size": size if isinstance(size, int) else None,
                          "sha256": manifest["content_sha256"]}}
    if not isinstance(raw, list) or len(raw) > MAX_MEMBERS + MAX_FILES:
        raise _damaged(name, "清单中的文件列表结构不对")
    out: dict[str, dict[str, Any]] = {}
    for m in raw:
        ok = (isinstance(m, dict) and isinstance(m.get("name"), str) and 0 < len(m["name"]) <= 200
              and isinstance(m.get("size"), int) and not isinstance(m.get("size"), bool) and m["size"] >= 0
              and isinstance(m.get("sha256"), str) and len(m["sha256"]) == 64)
        if not ok or m["name"] in out or m["name"] in (MANIFEST, SIGNATURE):
            raise _damaged(name, "清单中的文件列表结构不对")
        out[m["name"]] = dict(m)
    if CONTENT in out and out[CONTENT]["sha256"] != manifest["content_sha256"]:
        raise _damaged(name, "清单中的校验值不一致")
    return out


def _member_checked(z: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo], members: dict[str, dict[str, Any]],
                    member: str, name: str, kind: str) -> bytes:
    """One listed member, decompressed within its declared size and checked against its hash."""
    want = members[member]
    cap = MAX_CONTENT if want.get("size") is None else min(MAX_CONTENT, int(want["size"]))
    info = infos[member]
    if want.get("size") is not None and info.file_size != want["size"]:
        raise _content_mismatch(kind, name)
    data = _read_member(z, info, cap, name)
    if not hmac.compare_digest(sha256(data), str(want["sha256"])):
        raise _content_mismatch(kind, name)
    return data


@rule(PUBLIC)
def read_listed(raw: RawPackage, member: str, cap: int) -> bytes:
    """One member the signed manifest lists (an evidence file), read again from the package
    file within ``cap`` and its listed size, and checked against the listed SHA-256: the file
    may have been replaced since it was first read, its content cannot."""
    want = raw.members.get(member)
    if want is None:
        raise _damaged(raw.name, f"{member[:40]} 不在清单中")
    try:
        f: IO[bytes] = raw.path.open("rb")
    except OSError as exc:
        raise PackageRejected(f"无法读取文件 {raw.name}：{os_reason(exc)}。") from None
    with f:
        try:
            z = zipfile.ZipFile(f)
        except Exception:  # noqa: BLE001 - the file changed since it was read: a rejection
            raise _damaged(raw.name, "不是 zip 文件") from None
        with z:
            try:
                info = z.getinfo(member)
            except KeyError:
                raise _damaged(raw.name, f"缺少 {member[:40]}") from None
            if info.file_size != want["size"]:
                raise _content_mismatch(raw.kind, raw.name)
            data = _read_member(z, info, min(cap, int(want["size"])), raw.name)
    if not hmac.compare_digest(sha256(data), str(want["sha256"])):
        raise _content_mismatch(raw.kind, raw.name)
    return data


def _content_mismatch(kind: str, name: str) -> PackageRejected:
    return PackageRejected(f"{KIND_NAMES.get(kind, '文件')} {name} 的内容校验失败：内容与清单中的校验值不符，"
                           "文件在生成后被修改过或已损坏，已拒绝，数据库未作任何修改。")


def _mac_ok(key_hex: str, data: bytes, mac: str) -> bool:
    try:
        expected = mac_of(key_hex, data)
    except ValueError:
        return False
    return hmac.compare_digest(expected, mac)


@rule(PUBLIC)
def verify_mac(raw: RawPackage, key_hex: str) -> bool:
    return _mac_ok(key_hex, raw.manifest_bytes, raw.mac)


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
    problem = shape_problem(row, spec)
    if problem:
        raise _damaged(name, f"{what}{problem}")


@rule(PUBLIC)
def shape_problem(row: dict[str, Any], spec: Mapping[str, tuple[type, ...]]) -> str:
    """What is wrong with the shape of ``row`` ("" when every field of ``spec`` has a right type)."""
    for key, types in spec.items():
        if key not in row:
            return f"缺少字段 {key}"
        v = row[key]
        if v is None and type(None) in types:
            continue
        if isinstance(v, bool) or not isinstance(v, types):
            return f"的字段 {key} 类型不对"
        if isinstance(v, float) and not math.isfinite(v):
            return f"的字段 {key} 不是有限数值"
        if isinstance(v, str) and len(v) > MAX_TEXT:
            return f"的字段 {key} 过长"
    return ""
