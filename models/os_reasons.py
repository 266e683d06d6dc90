"""Why the operating system would not let a file be read, in Chinese.

Messages name the file and this reason, never the English ``strerror`` of the OSError.
"""

from __future__ import annotations

from models.authority import PUBLIC, module_rule

__authority__ = module_rule(PUBLIC, why="words for an operating-system error; no unit's data")


def os_reason(exc: OSError) -> str:
    """Why a file could not be read, in Chinese."""
    if isinstance(exc, FileNotFoundError):
        return "文件不存在"
    if isinstance(exc, PermissionError):
        return "没有读取权限（文件可能正被其他程序打开）"
    if isinstance(exc, IsADirectoryError):
        return "这是一个文件夹"
    return "读取时出错（文件可能在移动存储设备上且已断开）"
