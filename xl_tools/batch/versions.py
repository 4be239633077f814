"""Which of several files of one unit (and year) the consolidation counts.

Files of one unit are grouped into *versions* by their content (the same money and the same texts,
``Slice.content``); the files of one version are copies of one filing (the workbook and its published
PDF, a copy renamed by mail, a LibreOffice copy, a copy under another spelling of the unit's name).

- The version **in force** is the one the reviewer pinned (``--keep FILE``), else the **latest** by the
  files' own stamps (``stamps``: the tool's refresh time, else the saving application's, else the file
  time): a corrected resubmission replaces the faulty original, a revision with new amounts replaces the
  old amounts — each replaced version is 已替代, with both dates and what changed (the diff task,
  ``app.compare_filings``). A workbook edited after its last refresh and saved without refreshing (its
  rows no longer what that refresh recorded) is later than a copy still as that refresh left it, though
  both carry its 刷新时间: the reasons say so.
- Within a version, the file that represents it names the unit as the consolidation does (the list's
  name), is a filing workbook rather than a published table, has fewer errors, has no mark of a copy in
  its name (「副本」, 「(1)」), then comes first by name; the other files are 重复 of it.
- Two versions with the same latest time cannot be told apart: 版本冲突, none counted, until the
  reviewer keeps one (two copies refreshed in the same minute; two copies both edited after one refresh
  and saved at the same time, or without a 保存时间).
- The version in force is counted unless it has errors (未计入, or counted with ``include_errors``) or
  projects without any amount (未填: never counted, a blank row has no place in a table to sign).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Callable

from .slices import (
    CONFLICT,
    COUNTED,
    DUPLICATE,
    ERRORS,
    EXCLUDED,
    SUPERSEDED,
    UNFILLED,
    Slice,
)

Compare = Callable[[str, str], str]          # (old file, new file) → what changed, in words
# what mail, Windows and download folders add to a copy's name: 「 - 副本」, 「副本」, 「(1)」, 「 - Copy」
COPY_MARK = re.compile(r"副本|[(（]\d{1,3}[)）]\s*$|\bcopy\b|复制", re.IGNORECASE)


@dataclass
class Version:
    """What was decided between the versions of one unit's filing of one year."""

    year: int
    unit: str
    kept: str                                # the file in force
    kept_stamp: str
    replaced: list[tuple[str, str, str]] = field(default_factory=list)   # (file, stamp text, changes)
    pinned: bool = False

    @property
    def text(self) -> str:
        how = "审核人指定（--keep）" if self.pinned else "最新版本"
        old = "；".join(f"「{f}」（{t}）" + (f"，{c}" if c else "") for f, t, c in self.replaced)
        return f"{self.unit}：以「{self.kept}」（{self.kept_stamp}，{how}）为准，替代{old}"


@dataclass
class Conflict:
    """Versions of one unit and year with the same latest time: none is counted until the reviewer
    keeps one (``--keep``)."""

    year: int
    department: str
    unit: str
    files: list[str]
    stamp: str = ""

    @property
    def text(self) -> str:
        names = "、".join(f"「{f}」" for f in self.files)
        when = f"时间相同（{self.stamp}）" if self.stamp else "时间相同"
        return (f"{self.year}年 {self.unit} 有 {len(self.files)} 个金额或内容不同的版本（{names}），{when}，"
                f"无法判断哪一份最新，均未计入：请用 --keep 指定以哪一份为准")


def _by_content(group: list[Slice]) -> list[list[Slice]]:
    versions: dict[tuple[str, str], list[Slice]] = {}
    for s in group:
        versions.setdefault(s.content, []).append(s)
    return list(versions.values())


def _representative(version: list[Slice], pins: set[str]) -> Slice:
    pinned = [s for s in version if s.file in pins]
    if pinned:
        return pinned[0]
    return sorted(version, key=lambda s: (s.unit != s.unit_name, s.kind != "workbook", s.errors,
                                          bool(COPY_MARK.search(PurePosixPath(s.file).stem)), s.file))[0]


def _latest(version: list[Slice]) -> str:
    return max(s.stamp.key for s in version)


def _copies(rep: Slice, version: list[Slice], decision: str, tail: str) -> None:
    """Every other file of ``rep``'s version: a copy of it (``decision``: 重复, or 已替代 when the
    version itself was replaced); ``rep.same_as`` lists them (filing workbooks first)."""
    others = sorted((s for s in version if s is not rep), key=lambda s: (s.kind != "workbook", s.file))
    if others and decision == DUPLICATE:
        rep.same_as = "、".join(s.file for s in others)
    for s in version:
        if s is rep:
            continue
        names = []
        if s.unit and rep.unit and s.unit != rep.unit:
            names.append(f"单位名称写作「{s.unit}」")
        if s.department and rep.department and s.department != rep.department:
            names.append(f"部门名称写作「{s.department}」")
        how = f"（{'，'.join(names)}）" if names else ""
        s.decide(decision, f"与「{rep.file}」是同一份填报{how}，金额和内容相同，{tail}", same_as=rep.file)


def decide_unit(group: list[Slice], pins: set[str], compare: Compare, include_errors: bool,
                unit: str) -> tuple[Version | None, Conflict | None]:
    """Decide every slice of one unit's files of one year (see the module docstring)."""
    versions = _by_content(group)
    reps = [_representative(v, pins) for v in versions]
    pinned = [k for k, v in enumerate(versions) if any(s.file in pins for s in v)]
    order = sorted(range(len(versions)), key=lambda k: reps[k].file)
    order.sort(key=lambda k: _latest(versions[k]), reverse=True)
    order.sort(key=lambda k: k not in pinned)
    top = order[0]
    tied = [k for k in order if k not in pinned and _latest(versions[k]) == _latest(versions[top])]
    if len(pinned) > 1 or (not pinned and len(tied) > 1):
        return None, _conflict(versions, reps, pinned if len(pinned) > 1 else tied, order, unit)
    kept = reps[top]
    _copies(kept, versions[top], DUPLICATE, _counted_tail(kept, include_errors))
    version = None
    if len(versions) > 1:
        version = Version(kept.year, unit, kept.file, kept.stamp.text(), pinned=bool(pinned))
        for k in order[1:]:
            old = reps[k]
            changes = compare(old.file, kept.file)
            how = "审核人指定以该文件为准（--keep）" if pinned else _later(kept, old)
            old.decide(SUPERSEDED, f"已被「{kept.file}」替代（{how}）：本文件 {old.stamp.text()}，"
                                   f"替代文件 {kept.stamp.text()}" + (f"；{changes}" if changes else ""),
                       same_as=kept.file)
            _copies(old, versions[k], SUPERSEDED, f"已被「{kept.file}」替代")
            version.replaced.append((old.file, old.stamp.text(), changes))
    _decide_kept(kept, include_errors, version)
    return version, None


def _later(kept: Slice, old: Slice) -> str:
    """Why ``kept`` is later than ``old`` (said on ``old``'s row), in words when both carry one 刷新时间."""
    new, was = kept.stamp, old.stamp
    if not (new.when and new.when == was.when and new.source == was.source):
        return "该文件较新"
    if new.edited and not was.edited:
        return ("两份的刷新时间相同，但该文件在那次刷新后又改过（内容与刷新时记录的不同），本文件仍是刷新时的内容，"
                "所以该文件较新")
    return "两份都在同一次刷新后改过，该文件保存较晚"


def _counted_tail(kept: Slice, include_errors: bool) -> str:
    if kept.no_money or (kept.errors and not include_errors):
        return "按该文件处理（未计入）"
    return "只计一次"


def _decide_kept(kept: Slice, include_errors: bool, version: Version | None) -> None:
    prefix = ""
    if version is not None:
        how = "审核人指定（--keep）" if version.pinned else "最新版本"
        olds = "、".join(f"「{f}」（{t}）" for f, t, _c in version.replaced)
        prefix = f"{how}（{kept.stamp.text()}），替代{olds}"
    if kept.no_money:
        whole = "全部" if kept.no_money >= kept.projects else ""
        kept.decide(EXCLUDED, _join(prefix, f"{whole}{kept.no_money} 个项目没有填写金额（AMT008），未填，不计入："
                                            "请单位填写金额后重新报送"), UNFILLED)
    elif kept.errors and not include_errors:
        kept.decide(EXCLUDED, _join(prefix, f"有错误 {kept.errors} 条（修正后重新审核，或用 --include-errors 计入）"),
                    ERRORS)
    elif kept.errors:
        kept.decide(COUNTED, _join(prefix, f"有错误 {kept.errors} 条，按 --include-errors 计入"))
    else:
        kept.decide(COUNTED, prefix)


def _join(*parts: str) -> str:
    return "；".join(p for p in parts if p)


def _conflict(versions, reps, tied: list[int], order: list[int], unit: str) -> Conflict:
    files = [reps[k].file for k in tied]
    first = reps[tied[0]]
    conflict = Conflict(first.year, first.department, unit, files, first.stamp.text())
    named = "、".join(f"「{f}」" for f in files)
    edited = all(reps[k].stamp.edited for k in tied)
    for k in tied:
        when = f"时间相同（{reps[k].stamp.text()}）" + \
            ("，都在同一次刷新后改过、保存时间相同或不明" if edited else "")
        reps[k].decide(CONFLICT, f"同一单位有 {len(files)} 个内容不同的版本（{named}），{when}，"
                                 "无法判断哪一份最新，均未计入：请用 --keep 指定以哪一份为准")
        _copies(reps[k], versions[k], DUPLICATE, "该版本与其他版本冲突，未计入")
    for k in order:
        if k in tied:
            continue
        reps[k].decide(SUPERSEDED, f"比「{first.file}」等冲突的版本更早（{reps[k].stamp.text()}），不计入",
                       same_as=first.file)
        _copies(reps[k], versions[k], SUPERSEDED, "已被更新的版本替代")
    return conflict
