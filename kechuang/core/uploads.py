"""One check for uploaded documents: the extension names the type, the first bytes must agree, the size is capped.

Contracts (合同文本) and challenges (里程碑材料) accept different types under different names; both call
``check_upload`` with their own table so that a renamed executable never passes as a PDF anywhere.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

MAX_FILE_BYTES = 20 * 1024 * 1024

# The first bytes of each type: the extension is what the uploader says, the content is what the file is
# (Word and Excel files are ZIP containers).
MAGIC: dict[str, tuple[bytes, ...]] = {
    "PDF": (b"%PDF-",), "JPEG 图片": (b"\xff\xd8\xff",), "PNG 图片": (b"\x89PNG\r\n\x1a\n",),
    "Word 文档": (b"PK\x03\x04",), "Excel 表格": (b"PK\x03\x04",),
}


def check_upload(value: Any, *, types: dict[str, str], what: str, allowed: str, content_hint: str,
                 max_bytes: int = MAX_FILE_BYTES) -> None:
    """Raise a Chinese ``ValidationError`` naming ``what`` when the file's type, size or content is wrong.

    ``types`` maps a lower-case extension to the label of its type (a key of ``MAGIC``); ``allowed`` lists them
    in words for the message; ``content_hint`` ends the message when the content does not match the extension.
    """
    name = (getattr(value, "name", "") or "").lower()
    kind = next((label for ext, label in types.items() if name.endswith(ext)), None)
    if kind is None:
        raise ValidationError(f"{what}只接受 {allowed} 文件")
    if getattr(value, "size", 0) > max_bytes:
        limit = f"{max_bytes / (1024 * 1024):g} MB" if max_bytes >= 1024 * 1024 else f"{max_bytes} 字节"
        raise ValidationError(f"{what}单个文件不能超过 {limit}")
    if getattr(value, "_committed", False):
        return  # already stored: checked when it was uploaded
    try:
        value.seek(0)
        head = value.read(16)
        value.seek(0)
    except (AttributeError, OSError, ValueError):
        return
    if not any(head.startswith(m) for m in MAGIC[kind]):
        raise ValidationError(f"文件“{getattr(value, 'name', '')}”的内容不是{kind}，{content_hint}")
