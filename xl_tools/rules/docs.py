"""What is generated from the rule classes (``make docs``: ``python -m xl_tools.rules.docs``):
``docs/rules.md``, the rule part of ``data/catalogue.toml`` and the README's count of review rules.
A test fails when any of them is stale."""

from __future__ import annotations

import inspect
import re
import sys
from pathlib import Path

from .. import catalogue
from ..findings import SEVERITY_ZH
from .base import Rule
from .guidance import guidance
from .registry import RULES

SECTIONS = ("为什么", "错误示例", "正确示例")      # required; 依据 is an optional note beside the basis
ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "docs" / "rules.md"
CATALOGUE = ROOT / "xl_tools" / "data" / "catalogue.toml"
README = ROOT / "README.md"
BLOCK_START = "# ---- rules: generated from the rule classes by `make docs`, do not edit ----\n"
BLOCK_END = "# ---- end of rules ----\n"
_COUNT = re.compile(r"(\d+)(\s+)review rules")
_HEAD = re.compile(r"^(为什么|依据|错误示例|正确示例)[:：]\s*(.*)$")

INTRO = """# 审核规则

本文件由 `python -m xl_tools.rules.docs` 根据规则代码生成，请勿手工修改。

每条规则有固定编号（AMT 金额、STR 结构、VAL 指标值、TXT 绩效目标文字、RD 读表问题、YR 年份、FLG 填报信息）、默认级别
（错误 / 警告 / 提示）和可配置的参数。默认配置为「广东」（`xl_tools/data/profiles/广东.toml`）。
配置方法：

- 规则配置文件（TOML，与 `广东.toml` 同样的格式）：`[VAL006]` 表下写 `floor = "85"`、
  `severity = "info"`（或 错误/警告/提示）、`enabled = false`；顶层 `disabled = ["VAL015"]` 停用规则，
  `profile = "广东"` 选择基础配置。
- 工作簿「基本信息」中的覆盖项：`VAL006.floor = 85`、`VAL006.severity = 提示`、`VAL006.enabled = 否`、
  `disabled = VAL015, VAL007`。
- 优先级：地区配置 < 工作簿「基本信息」 < 审核人指定的配置文件。未知的配置项会报错并给出配置项名称。
"""


def sections(rule: type[Rule]) -> dict[str, str]:
    """The docstring's summary line and its 为什么 / 错误示例 / 正确示例 sections."""
    doc = inspect.cleandoc(rule.__doc__ or "")
    lines = doc.splitlines()
    out: dict[str, list[str]] = {"summary": lines[:1]}
    current = None
    for line in lines[1:]:
        m = _HEAD.match(line.strip()) if not line.startswith(" ") else None
        if m:
            current = m.group(1)
            out[current] = [m.group(2)] if m.group(2) else []
        elif current:
            out[current].append(line)
    return {k: inspect.cleandoc("\n".join(v)) for k, v in out.items()}


def missing_sections(rule: type[Rule]) -> list[str]:
    found = sections(rule)
    return [s for s in SECTIONS if not found.get(s)]


def _value(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value) or "（空）"
    return str(value)


def basis_text(rule: type[Rule]) -> str:
    """The 依据 line: each requirement of the rule's basis with what it asks, then the docstring's note."""
    g = guidance()
    known = {r.id: r for r in g.requirements}
    said = "；".join(f"{i}（{known[i].text}）" if i in known else i for i in rule.basis)
    note = sections(rule).get("依据", "")
    return f"{said}，见“官方要求与规则对照”。" + (f"{note}" if note else "")


def render_rule(rule: type[Rule]) -> str:
    s = sections(rule)
    parts = [f"## {rule.code} {rule.title}", "",
             f"- 名称：`{rule.name}`",
             f"- 默认级别：{SEVERITY_ZH[rule.default_severity]}（{rule.default_severity}）"]
    if rule.config_keys:
        keys = "；".join(f"`{k}` = {_value(v)}" for k, v in rule.config_keys.items())
        parts.append(f"- 配置项：{keys}")
    else:
        parts.append("- 配置项：无（可设 `severity`、`enabled`）")
    parts += ["", s.get("为什么", ""), "", f"依据：{basis_text(rule)}", "", "**错误示例**", "", "```text", s.get("错误示例", ""), "```",
              "", "**正确示例**", "", "```text", s.get("正确示例", ""), "```", ""]
    return "\n".join(parts)


OTHER_FAMILIES = {
    "FIL": "刷新时自动填写的内容（见「校验结果」）：",
    "IMP": "导入已公开的表格时的提示（`xl-tools import`、`xl-tools batch`，见标准错误输出和「校验结果」）：",
    "FILE": "文件层面的问题（`xl-tools batch` 的「问题明细」）：",
}


def _rechecked(c) -> str:
    """The note on an import code whose mismatch the rules report again, with the cell."""
    if not c.rechecked_by:
        return ""
    return f"（与审核一起报告时由 {c.rechecked_by} 在对应单元格报告，不重复列出）"


def render_other_codes() -> str:
    """The catalogued codes that are not rules: refresh fills (FIL), imports (IMP), files (FILE)."""
    lines = ["## 其他编号（不是审核规则）"]
    for family, intro in OTHER_FAMILIES.items():
        lines += ["", intro, "", "| 编号 | 含义 | 级别 |", "| --- | --- | --- |"]
        lines += [f"| {c.code} | {c.title}{_rechecked(c)} | {SEVERITY_ZH[c.severity]} |"
                  for c in catalogue.codes().values() if c.family == family]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_coverage() -> str:
    """The coverage table: each requirement, its source and quoted phrase, the rules or why none."""
    g = guidance()
    titles = {r.code: r.title for r in RULES}
    lines = ["## 官方要求与规则对照", "",
             "每条要求的出处（文件、条款、原文摘句）和执行它的规则；不能从绩效目标表核对的写明原因。"
             "标“二手”的，原文只在转载或转述中读到；标“约定”的是本工具的填报约定，不是官方要求，默认为提示。"
             "数据在 `xl_tools/data/guidance.toml`。", "",
             "| 编号 | 要求 | 出处 | 原文摘句 | 规则 |", "| --- | --- | --- | --- | --- |"]
    for r in g.requirements:
        marks = "（二手）" if r.secondary else ""
        marks += "（约定）" if r.house else ""
        rules = "、".join(f"{c} {titles[c]}" for c in r.rules) if r.rules else f"不核对：{r.unchecked}"
        lines.append(f"| {r.id} | {_cell(r.text)}{marks} | {_cell(r.source)}，{_cell(r.where)} | "
                     f"“{_cell(r.quote)}” | {_cell(rules)} |")
    lines += ["", "出处：", ""]
    lines += [f"- {s.id}：{s.title}。读到原文的地方：{s.read}" for s in g.sources]
    return "\n".join(lines) + "\n"


def render() -> str:
    table = ["| 编号 | 规则 | 默认级别 |", "| --- | --- | --- |"]
    table += [f"| {r.code} | {r.title} | {SEVERITY_ZH[r.default_severity]} |" for r in RULES]
    body = [render_rule(r) for r in RULES]
    return "\n".join([INTRO, *table, "", render_coverage(), *body, render_other_codes()]).rstrip("\n") + "\n"


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_catalogue(current: str) -> str:
    """``data/catalogue.toml`` with its rule block rewritten from ``RULES`` (the rest as it is)."""
    start, end = current.index(BLOCK_START), current.index(BLOCK_END)
    entries = "".join(f"[codes.{r.code}]\ntitle = {_toml_string(r.title)}\nseverity = \"{r.default_severity}\"\n\n"
                      for r in RULES)
    return current[:start] + BLOCK_START + entries + current[end:]


def render_readme(current: str) -> str:
    """The README with its “N review rules” set to the number of rules."""
    return _COUNT.sub(lambda m: f"{len(RULES)}{m.group(2)}review rules", current, count=1)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else DEFAULT_OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(), "utf-8")
    if not args:
        for path, render_file in ((CATALOGUE, render_catalogue), (README, render_readme)):
            text = path.read_text("utf-8")
            if render_file(text) != text:
                path.write_text(render_file(text), "utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
