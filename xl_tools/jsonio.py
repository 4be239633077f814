"""The JSON form of the filing (MODEL.md, schema ``xl-tools/filing@1``), read and written losslessly."""

from __future__ import annotations

import json
from pathlib import Path

from .errors import XlToolsError
from .fileio import read_bytes
from .model import MONEY_FIELDS, YEAR_RANGE_ZH, Filing, Indicator, Project, Unit, is_budget_year
from .money import fmt_money, money_from_json
from .valuegrammar import parse_value

SCHEMA = "xl-tools/filing@1"


def _money(d: dict, where: str) -> dict:
    return {f: money_from_json(d.get(f, "0.00"), f"{where}.{f}") for f in MONEY_FIELDS}


def indicator_to_json(ind: Indicator, year: int | None, with_targets: bool = True) -> dict:
    d = {"no": ind.no, "level1_code": ind.level1_code, "level1": ind.level1,
         "level2_code": ind.level2_code, "level2": ind.level2, "name": ind.name,
         "period_value": ind.period_value, "annual_value": ind.annual_value}
    if with_targets:
        d["period_target"] = parse_value(ind.period_value, year).to_json()
        d["annual_target"] = parse_value(ind.annual_value, year).to_json()
    return d


def filing_to_json(filing: Filing, with_targets: bool = True) -> dict:
    units = filing.units or filing.derived_units()
    return {
        "schema": SCHEMA,
        "year": filing.year,
        "department": filing.department,
        "money_unit": filing.money_unit,
        "total": fmt_money(filing.total),
        "units": [{"name": u.name, **{f: fmt_money(getattr(u, f)) for f in MONEY_FIELDS}} for u in units],
        "projects": [
            {"name": p.name, "unit": p.unit, **{f: fmt_money(getattr(p, f)) for f in MONEY_FIELDS},
             "target": p.target,
             "indicators": [indicator_to_json(i, filing.year, with_targets) for i in p.indicators]}
            for p in filing.projects
        ],
    }


def dumps(filing: Filing, with_targets: bool = True) -> str:
    return json.dumps(filing_to_json(filing, with_targets), ensure_ascii=False, indent=2)


def _text(d: dict, key: str, where: str, default: str = "") -> str:
    """An optional text field: absent or null is ``default``; anything but text names the field."""
    val = d.get(key)
    if val is None:
        return default
    if not isinstance(val, str):
        raise XlToolsError(f"字段 {where}.{key} 应为文本，实际为 {val!r}"[:200])
    return val


def _code(d: dict, key: str, where: str) -> str:
    """A category code: text or a whole number."""
    val = d.get(key)
    if isinstance(val, int) and not isinstance(val, bool):
        return str(val)
    return _text(d, key, where)


def _req(d: dict, key: str, where: str, typ=str):
    if key not in d:
        raise XlToolsError(f"缺少字段 {where}.{key}")
    val = d[key]
    if typ is str and not isinstance(val, str):
        raise XlToolsError(f"字段 {where}.{key} 应为文本，实际为 {val!r}")
    return val


def filing_from_json(data: dict, source: str | None = None) -> Filing:
    """Build a Filing from MODEL.md JSON; derived ``*_target`` keys are ignored."""
    if not isinstance(data, dict):
        raise XlToolsError("JSON 顶层应为对象", file=source)
    schema = data.get("schema", SCHEMA)
    if schema != SCHEMA:
        raise XlToolsError(f"不支持的 schema「{schema}」，应为 {SCHEMA}", file=source)
    try:
        year = data.get("year")
        if year is not None and not is_budget_year(year):
            raise XlToolsError(f"year 应为{YEAR_RANGE_ZH}（整数），实际为 {year!r}")
        units = [Unit(_req(u, "name", f"units[{k}]"), **_money(u, f"units[{k}]"))
                 for k, u in enumerate(data.get("units", []))]
        projects = []
        for k, p in enumerate(data.get("projects", [])):
            where = f"projects[{k}]"
            inds = []
            for j, i in enumerate(p.get("indicators", [])):
                w = f"{where}.indicators[{j}]"
                no = i.get("no")
                if no is not None and not isinstance(no, int):
                    raise XlToolsError(f"{w}.no 应为整数，实际为 {no!r}")
                inds.append(Indicator(
                    no=no, level1_code=_code(i, "level1_code", w), level1=_text(i, "level1", w),
                    level2_code=_code(i, "level2_code", w), level2=_text(i, "level2", w),
                    name=_req(i, "name", w), period_value=_text(i, "period_value", w),
                    annual_value=_text(i, "annual_value", w), project=_text(p, "name", where)))
            projects.append(Project(name=_req(p, "name", where), unit=_text(p, "unit", where),
                                    target=_text(p, "target", where), indicators=inds,
                                    **_money(p, where)))
        total = money_from_json(data.get("total", "0.00"), "total")
        return Filing(year=year, department=_text(data, "department", "JSON"),
                      money_unit=_text(data, "money_unit", "JSON", "万元"), total=total, units=units,
                      projects=projects, source=source)
    except XlToolsError as err:
        raise err.located(file=source) from None
    except (AttributeError, TypeError) as exc:
        raise XlToolsError(f"JSON 结构不符合 {SCHEMA}：{exc}", file=source) from None


def load_json(path: str | Path) -> Filing:
    path = Path(path)
    try:
        text = read_bytes(path).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise XlToolsError("不是 UTF-8 编码的 JSON 文件", file=str(path)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise XlToolsError(f"JSON 格式错误（第 {exc.lineno} 行第 {exc.colno} 列）：{exc.msg}",
                           file=str(path)) from None
    except (RecursionError, ValueError):                 # 100,000 nested brackets, 5,000-digit numbers
        raise XlToolsError("JSON 嵌套过深或数字过长，无法读取", file=str(path)) from None
    return filing_from_json(data, source=str(path))
