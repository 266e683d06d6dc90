"""The release zip for clerks: ``ZhushanCarbonPeak-<version>-win64.zip``.

One folder, ``ZhushanCarbonPeak/``, holding the PyInstaller build (the exe and
``_internal``), ``README.txt`` (how to install and where the data lives, in Chinese) and
``portable-mode.cmd`` (double-click to switch portable mode on or off: it creates or removes
``portable.txt`` beside the exe). Names in the zip are ASCII so that every unzip tool keeps
them; the texts are Chinese (README.txt in UTF-8 with a byte-order mark so that Notepad reads
it, the .cmd in GBK, which a Chinese Windows's cmd reads).

The stand-ins for system DLLs that the Wine test set-up adds (``icuuc.dll``,
``bcryptprimitives.dll``, the forwarding ``ucrtbase.dll`` and its ``ucrtwine.dll``, the
ICU 78 libraries) must never reach a clerk's PC: a build that contains one is refused.

    python -m release.windows_zip DIST_FOLDER OUT_FOLDER VERSION [TAG]

prints the zip's path and size. ``make dist-windows`` builds it under Wine.
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

from models.atomic_write import atomic_path

NAME = "ZhushanCarbonPeak"
HERE = Path(__file__).resolve().parent
README, SWITCH = "README.txt", "portable-mode.cmd"
# System DLL stand-ins of the Wine set-up (../shared/tools/win-smoke.sh); none may ship.
STAND_IN_DLLS = re.compile(r"^(icuuc|bcryptprimitives|ucrtbase|ucrtwine)\.dll$"  # made by the set-up
                           r"|^icu[a-z]{2}\d+(-[0-9a-f]+)?\.dll$",  # ICU 78 from the icu4py wheel
                           re.IGNORECASE)
# (The same wheel's msvcp140-<hash>.dll is also numpy's own, in numpy.libs: not a stand-in.)


class ReleaseError(Exception):
    """The build cannot be released; the message says why."""


def zip_name(version: str, tag: str = "win64") -> str:
    return f"{NAME}-{version}-{tag}.zip"


def stand_ins(names: list[str]) -> list[str]:
    """The entries among ``names`` (paths) that are system DLL stand-ins."""
    return [n for n in names if STAND_IN_DLLS.match(n.replace("\\", "/").rsplit("/", 1)[-1])]


def readme_text(version: str) -> bytes:
    text = (HERE / "README-clerks.txt").read_text(encoding="utf-8").replace("{version}", version)
    return b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")


def switch_text() -> bytes:
    text = (HERE / "portable-mode.cmd").read_text(encoding="utf-8")
    return text.replace("\n", "\r\n").encode("gbk")


def build_zip(dist: str | Path, out_dir: str | Path, version: str, tag: str = "win64",
              compresslevel: int = 9) -> Path:
    """Zip the one-folder build ``dist`` (…/ZhushanCarbonPeak) with the clerks' README and
    the portable-mode switch into ``out_dir``; returns the zip. Raises ReleaseError."""
    dist = Path(dist)
    exes = [p for p in (dist / f"{NAME}.exe", dist / NAME) if p.is_file()]
    if not exes or not (dist / "_internal").is_dir():
        raise ReleaseError(f"{dist} 不是打包结果（应有 {NAME}.exe 和 _internal 文件夹）。")
    files = sorted(p for p in dist.rglob("*") if p.is_file())
    rel = [p.relative_to(dist).as_posix() for p in files]
    bad = stand_ins(rel)
    if bad:
        raise ReleaseError("打包结果中有只供 Wine 测试用的系统 DLL 替身，不能发布：" + "、".join(bad))
    if README in rel or SWITCH in rel:
        raise ReleaseError(f"打包结果中已有 {README} 或 {SWITCH}。")
    out = Path(out_dir) / zip_name(version, tag)
    with atomic_path(out) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as z:
            for path, name in zip(files, rel, strict=True):
                z.write(path, f"{NAME}/{name}")
            z.writestr(_entry(f"{NAME}/{README}"), readme_text(version))
            z.writestr(_entry(f"{NAME}/{SWITCH}"), switch_text())
    problems = check_zip(out)
    if problems:
        out.unlink()
        raise ReleaseError("；".join(problems))
    return out


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def check_zip(path: str | Path) -> list[str]:
    """What is wrong with a release zip ([] when nothing): one top folder, the exe, the
    README and the switch present, no stand-in DLL, every entry readable."""
    problems = []
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        tops = {n.split("/", 1)[0] for n in names}
        if tops != {NAME}:
            problems.append(f"压缩包中应只有一个文件夹 {NAME}，实为：{'、'.join(sorted(tops))}")
        for need in (README, SWITCH, "_internal/"):
            if not any(n.startswith(f"{NAME}/{need}") for n in names):
                problems.append(f"压缩包中缺少 {NAME}/{need}")
        if not ({f"{NAME}/{NAME}.exe", f"{NAME}/{NAME}"} & set(names)):
            problems.append(f"压缩包中缺少 {NAME}/{NAME}.exe")
        bad = stand_ins(names)
        if bad:
            problems.append("压缩包中有只供 Wine 测试用的系统 DLL 替身：" + "、".join(bad))
        broken = z.testzip()
        if broken:
            problems.append(f"压缩包中的 {broken} 已损坏")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) not in (3, 4):
        sys.stderr.write("用法：python -m release.windows_zip 打包文件夹 输出文件夹 版本号 [win64]\n")
        return 2
    try:
        out = build_zip(argv[0], argv[1], argv[2], *argv[3:])
    except ReleaseError as exc:
        sys.stderr.write(f"错误：{exc}\n")
        return 1
    size = out.stat().st_size
    print(f"{out}\t{size / 1024 / 1024:.1f} MB（{size} 字节）")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
