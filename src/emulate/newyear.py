"""Starting a new year or a new bloc: `emulate init-year` and `emulate init` (SPEC section 8).

Pure text work. A new year's ruleset is last year's file with its `year`,
`version`, the year in its `title` and `previous` changed in place: the text
is edited, never re-dumped from a parsed tree, so every comment, every
`source`, the key order and the quoting stay as the bloc wrote them. A new
workspace starts from a commented example ruleset that passes `check-rules`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .i18n import _
from .problems import has_errors
from .yamlio import load_text

# a top-level key (no indentation) with a plain or quoted scalar, and any comment after it
_TOP = r"(?m)^({key}:[ \t]*)(\"[^\"\n]*\"|'[^'\n]*'|[^#\r\n]*?)([ \t]*(?:#[^\r\n]*)?)(\r?)$"


class CannotEdit(ValueError):
    """The old ruleset is not laid out so that its year can be changed by editing the text."""


@dataclass(frozen=True)
class NewYear:
    text: str
    added_previous: bool  # the old file had no `previous`: a line was added


def _key(key: str) -> re.Pattern[str]:
    return re.compile(_TOP.format(key=re.escape(key)))


def next_year_text(text: str, old_year: int, new_year: int) -> NewYear:
    """`text` (the ruleset of `old_year`) made into the ruleset of `new_year`."""
    found = {key: _key(key).search(text) for key in ("year", "version", "title", "previous")}
    if found["year"] is None or found["version"] is None or found["title"] is None:
        missing = ", ".join(k for k in ("year", "version", "title") if found[k] is None)
        raise CannotEdit(
            _("the ruleset has no top-level {keys} on a line of its own: copy and edit the file by hand").format(
                keys=missing
            )
        )

    def replace(key: str, value: str) -> None:
        nonlocal text
        text = _key(key).sub(lambda m: m.group(1) + value + m.group(3) + m.group(4), text, count=1)

    replace("year", str(new_year))
    replace("version", f'"{new_year}.1"')
    title = found["title"]
    assert title is not None
    replace("title", title.group(2).replace(str(old_year), str(new_year)))
    added = found["previous"] is None
    if added:  # right after `version:`, where the shipped rulesets keep it
        version = _key("version").search(text)
        assert version is not None
        if version.end() == len(text):  # the file ends on that line
            text += version.group(4) + "\n"
        after = version.end() + 1  # past the line's "\n" (a "\r" before it is in the match)
        text = text[:after] + f"previous: {old_year}" + version.group(4) + "\n" + text[after:]
    else:
        replace("previous", str(old_year))
    _check(text, new_year, old_year)
    return NewYear(text, added)


def _check(text: str, new_year: int, old_year: int) -> None:
    """The edited text reads back with the new values (else the layout fooled the edit: refuse)."""
    loaded = load_text(text, "")
    data = loaded.document.data if loaded.document is not None else None
    if (
        has_errors(loaded.problems)
        or not isinstance(data, dict)
        or (data.get("year"), str(data.get("version")), data.get("previous"))
        != (
            new_year,
            f"{new_year}.1",
            old_year,
        )
    ):
        raise CannotEdit(_("the ruleset's year could not be changed by editing its text: copy and edit it by hand"))


def example_ruleset(year: int) -> str:
    """A small ruleset that passes `check-rules`, every line explained, for a bloc to make its own."""
    return EXAMPLE.replace("{year}", str(year)).replace("{previous}", str(year - 1))


EXAMPLE = """\
# Giao ước thi đua năm {year}: một bộ tiêu chí mẫu, thay bằng quy chế của Khối.
# An example ruleset: replace every criterion with the bloc's own regulation.
# Kiểm tra / check:  emulate check-rules
# Mỗi đơn vị tạo bản tự chấm / each unit writes its submission:  emulate new {year} ID-CUA-DON-VI
ruleset: khoi-thi-dua-mau          # mã của Khối (chữ thường, không dấu, nối bằng '-')
year: {year}                         # năm áp dụng; tệp phải tên là rules/{year}.yaml
version: "{year}.1"                  # tăng khi sửa bộ tiêu chí trong năm
title: Giao ước thi đua Khối thi đua mẫu năm {year}
bloc_name: Khối thi đua mẫu          # tên Khối, in trên biên bản họp bình xét
based_on: "Quyết định số .../QĐ-... ngày .../.../{year}"   # văn bản ban hành quy chế
rounding: {places: 2, mode: half_up}
departments:                          # các đơn vị thành viên; đúng một Khối trưởng (leader)
  - {id: don-vi-a, name: Đơn vị A, role: leader}
  - {id: don-vi-b, name: Đơn vị B, role: member}
contents:                             # các nội dung thi đua, đánh số 1, 2, ...
  - id: "1"
    title: Thực hiện nhiệm vụ chuyên môn
    criteria:                         # tiêu chí 1.1, 1.2, ...; mỗi tiêu chí phải có `source`
      - id: ty-le-hoan-thanh
        no: "1.1"
        title: Tỷ lệ nhiệm vụ hoàn thành đúng hạn
        source: "Quy chế, Điều ..., khoản ..."
        rule: {kind: percent, max: 60}                # 60 điểm x tỷ lệ phần trăm
      - id: cong-tac-cai-cach
        no: "1.2"
        title: Công tác cải cách hành chính
        source: "Quy chế, Điều ..., khoản ..."
        rule:
          kind: rating                                 # xếp loại, tốt nhất trước
          scale: {tot: 20, kha: 15, trung-binh: 10}
  - id: "2"
    title: Công tác xây dựng Đảng, đoàn thể
    criteria:
      - id: phong-trao
        no: "2.1"
        title: Tham gia phong trào thi đua
        source: "Quy chế, Điều ..., khoản ..."
        rule: {kind: assessed, max: 20}               # Khối chấm từ 0 đến 20 điểm
deductions:                           # điểm trừ, mỗi lần vi phạm
  - {id: phe-binh, title: Bị phê bình bằng văn bản, per: 5, cap: 20, source: "Quy chế, Điều ..."}
awards:                               # khen thưởng đề nghị; bỏ phiếu kín quyết định
  - id: co-thi-dua
    title: Cờ thi đua
    quota: 1                          # số đơn vị được đề nghị nhiều nhất
    min_share: 0.90                   # tổng điểm từ 90 % điểm tối đa trở lên
    require_zero: [phe-binh]          # không bị phê bình lần nào
    ballot_share: 0.5                 # bỏ phiếu: đạt khi được trên 50 % số phiếu
tie_breakers: ["content:1", fewer_deductions]
"""
