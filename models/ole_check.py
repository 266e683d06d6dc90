"""OLE compound files (Word 97–2003 .doc, Excel .xls, PowerPoint .ppt and WPS Office's
.wps/.et/.dps): which document a file holds, read from its directory, never trusted.

The container (Microsoft's Compound File Binary format) is a small file system: a
header, a sector allocation table (FAT) and a directory of named streams. Only the
directory and the first bytes of the main stream are read; every sector number is
checked against the file's size and every chain against loops, so a damaged or
crafted file is refused with a reason and never read beyond its end.
"""

from __future__ import annotations

import struct

from models.authority import PUBLIC, module_rule

__authority__ = module_rule(PUBLIC, why="reads the bytes it is given; no unit's data")

SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END = 0xFFFFFFFE
_FREE = 0xFFFFFFFF
_MAX_DIR_ENTRIES = 10_000
_MAX_DIFAT = 10_000

# Main stream → (kind, accepted first two bytes of the stream)
_MAIN = {
    "WordDocument": ("doc", (0xA5EC, 0xA5DC)),  # Word 97+ / Word 6 file information block
    "Workbook": ("xls", (0x0809, 0x0409, 0x0209)),  # BIFF beginning-of-file record
    "Book": ("xls", (0x0809, 0x0409, 0x0209)),
    "PowerPoint Document": ("ppt", ()),
}
_MACROS = ("Macros", "_VBA_PROJECT_CUR", "VBA", "_VBA_PROJECT")


class OleProblem(ValueError):
    """Why the compound file is refused (a Chinese phrase)."""


class _Cfb:
    def __init__(self, data: bytes):
        if len(data) < 512 or data[:8] != SIGNATURE:
            raise OleProblem("文件头不完整")
        self.data = data
        major, order, shift = struct.unpack_from("<HHH", data, 0x1A)
        if order != 0xFFFE or (major, shift) not in ((3, 9), (4, 12)):
            raise OleProblem("文件头无效")
        self.size = 1 << shift
        self.sectors = (len(data) - self.size) // self.size if len(data) > self.size else 0
        n_fat, self.dir_start = struct.unpack_from("<II", data, 0x2C)
        self.cutoff = struct.unpack_from("<I", data, 0x38)[0]
        difat_start, n_difat = struct.unpack_from("<II", data, 0x44)
        if n_fat > self.sectors or n_difat > _MAX_DIFAT:
            raise OleProblem("分配表大小无效")
        fat_sectors = [s for s in struct.unpack_from("<109I", data, 0x4C) if s not in (_FREE, _END)]
        seen: set[int] = set()
        sec = difat_start
        per = self.size // 4 - 1
        while sec not in (_FREE, _END) and len(fat_sectors) < n_fat:
            if sec in seen:
                raise OleProblem("分配表链循环")
            seen.add(sec)
            entries = struct.unpack_from(f"<{per + 1}I", self._sector(sec))
            fat_sectors.extend(s for s in entries[:per] if s not in (_FREE, _END))
            sec = entries[per]
        fat_sectors = fat_sectors[:n_fat]
        fat: list[int] = []
        for s in fat_sectors:
            fat.extend(struct.unpack_from(f"<{self.size // 4}I", self._sector(s)))
        self.fat = fat

    def _sector(self, n: int) -> bytes:
        if n >= self.sectors:
            raise OleProblem("扇区编号超出文件范围（文件不完整）")
        off = (n + 1) * self.size
        return self.data[off:off + self.size]

    def chain(self, start: int, limit: int) -> list[int]:
        """Sector numbers of a chain (at most ``limit`` sectors)."""
        out: list[int] = []
        seen: set[int] = set()
        sec = start
        while sec != _END:
            if sec in seen or sec >= len(self.fat) or sec >= self.sectors:
                raise OleProblem("扇区链损坏")
            seen.add(sec)
            out.append(sec)
            if len(out) >= limit:
                break
            sec = self.fat[sec]
        return out

    def directory(self) -> list[tuple[str, int, int, int]]:
        """(name, type, start sector, size) of every used directory entry."""
        out = []
        per = self.size // 128
        for sec in self.chain(self.dir_start, _MAX_DIR_ENTRIES // per + 1):
            block = self._sector(sec)
            for i in range(per):
                e = block[i * 128:(i + 1) * 128]
                name_len, etype = struct.unpack_from("<HB", e, 0x40)
                if etype == 0:
                    continue
                if name_len > 64 or name_len % 2:
                    raise OleProblem("目录项无效")
                name = e[:max(0, name_len - 2)].decode("utf-16-le", errors="replace")
                start, size = struct.unpack_from("<IQ", e, 0x74)
                if self.size == 512:
                    size &= 0xFFFFFFFF
                out.append((name, etype, start, size))
        if not out or out[0][1] != 5:
            raise OleProblem("缺少根目录")
        return out

    def head(self, start: int, size: int) -> bytes | None:
        """The first bytes of a stream kept in regular sectors (None for small streams)."""
        if size < self.cutoff or size < 2:
            return None
        first = self.chain(start, 1)
        return self._sector(first[0])[:8]


def ole_kind(data: bytes) -> str:
    """"doc", "xls" or "ppt" for a compound file holding such a document; OleProblem otherwise."""
    try:
        cfb = _Cfb(data)
        entries = cfb.directory()
    except struct.error:
        raise OleProblem("文件结构损坏") from None
    names = {name for name, _, _, _ in entries}
    for _name, etype, start, size in entries:
        if etype == 2 and size >= cfb.cutoff:  # a stream in regular sectors: all of it in the file
            need = -(-size // cfb.size)
            if len(cfb.chain(start, need + 1)) < need:
                raise OleProblem("文件不完整（数据流比声明的短）")
    if "EncryptedPackage" in names or "EncryptionInfo" in names:
        raise OleProblem("文件已加密（设置了打开密码），无法检查其内容；请去掉密码后再添加")
    if any(m in names for m in _MACROS):
        raise OleProblem("文件含有宏（VBA 程序），可能不安全；请另存为不含宏的文档后再添加")
    for name, etype, start, size in entries:
        if etype != 2 or name not in _MAIN:
            continue
        kind, magics = _MAIN[name]
        if magics:
            try:
                head = cfb.head(start, size)
            except struct.error:
                raise OleProblem("文件结构损坏") from None
            if head is not None and struct.unpack_from("<H", head)[0] not in magics:
                raise OleProblem(f"“{name}”内容无效，文件已损坏")
        return kind
    raise OleProblem("不是 Word、Excel、PowerPoint 或 WPS 文档")
