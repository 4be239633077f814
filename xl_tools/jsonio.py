"""The JSON form of the filing (MODEL.md, schema ``xl-tools/filing@2``), read and written losslessly.

``@2`` (issue 23) adds the columns real tables print (指标性质, 度量单位, 权重, 方向, 实施期, 项目类别,
funding by level …), each written only when it holds something; with 指标性质/度量单位 in their own keys
the value keys hold the value cell as written. A ``@1`` file is read as it always was (it has none of
those keys, so its values mean the same)."""

from __future__ import annotations

import json
from pathlib import Path

from .errors import XlToolsError
from .fileio import read_bytes
from .model import (
    FUNDING_LEVELS,
    INDICATOR_FIELDS,
    MONEY_FIELDS,
    PROBLEM_JSON_KEY,
    PROJECT_FIELDS,
    YEAR_RANGE_ZH,
    Filing,
    Indicator,
    Project,
    ReadProblem,
    Unit,
    is_budget_year,
)
from .money import fmt_money, money_from_json
from .schema import DEFAULT_PROFILE
from .textnorm import well_formed
from .valuegrammar import parse_value

SCHEMA = "xl-tools/filing@2"
READABLE = ("xl-tools/filing@1", SCHEMA)       # the schemas ``filing_from_json`` reads


def _money(d: dict, where: str) -> dict:
    return {f: money_from_json(d.get(f, "0.00"), f"{where}.{f}") for f in MONEY_FIELDS}


def indicator_to_json(ind: Indicator, year: int | None, with_targets: bool = True) -> dict:
    d = {"no": ind.no, "level1_code": ind.level1_code, "level1": ind.level1,
         "level2_code": ind.level2_code, "level2": ind.level2, "name": ind.name,
         "period_value": ind.period_value, "annual_value": ind.annual_value}
    d.update({f: getattr(ind, f) for f in INDICATOR_FIELDS if getattr(ind, f)})
    if with_targets:
        d["period_target"] = parse_value(ind.value_text("period_value"), year).to_json()
        d["annual_target"] = parse_value(ind.value_text("annual_value"), year).to_json()
    return d


def project_to_json(p: Project, year: int | None, with_targets: bool = True) -> dict:
    d = {"name": p.name, "unit": p.unit, **{f: fmt_money(getattr(p, f)) for f in MONEY_FIELDS}, "target": p.target}
    d.update({f: getattr(p, f) for f in PROJECT_FIELDS if getattr(p, f)})
    if p.funding:
        d["funding"] = {k: fmt_money(p.funding[k]) for k in FUNDING_LEVELS if k in p.funding}
    d["indicators"] = [indicator_to_json(i, year, with_targets) for i in p.indicators]
    return d


def filing_to_json(filing: Filing, with_targets: bool = True) -> dict:
    units = filing.units or filing.derived_units()
    out = {
        "schema": SCHEMA,
        "year": filing.year,
        "department": filing.department,
        "money_unit": filing.money_unit,
        "total": fmt_money(filing.total),
        "units": [{"name": u.name, **{f: fmt_money(getattr(u, f)) for f in MONEY_FIELDS}} for u in units],
        "projects": [project_to_json(p, filing.year, with_targets) for p in filing.projects],
    }
    if filing.profile and filing.profile != DEFAULT_PROFILE:
        out["profile"] = filing.profile       # the region profile (规则配置), when not the default
    return out


# the keys MODEL.md defines, per level: any other key is reported (RD001), never dropped silently
_KNOWN = {
    "": {"schema", "year", "department", "money_unit", "total", "units", "projects", "profile"},
    "units": {"name", *MONEY_FIELDS},
    "projects": {"name", "unit", *MONEY_FIELDS, "target", "indicators", *PROJECT_FIELDS, "funding"},
    "indicators": {"no", "level1_code", "level1", "level2_code", "level2", "name", "period_value", "annual_value",
                   "period_target", "annual_target", *INDICATOR_FIELDS},
    "funding": set(FUNDING_LEVELS),
}


def _unknown(d: object, level: str, where: str) -> list[str]:
    if not isinstance(d, dict):
        return []
    return [f"{where}.{k}" if where else str(k) for k in d if k not in _KNOWN[level]]


def unknown_keys(data: dict) -> list[str]:
    """The keys of a MODEL.md JSON that the model does not hold (``projects[0].备注``)."""
    out = _unknown(data, "", "")
    for k, u in enumerate(data.get("units", []) or []):
        out += _unknown(u, "units", f"units[{k}]")
    for k, p in enumerate(data.get("projects", []) or []):
        out += _unknown(p, "projects", f"projects[{k}]")
        if isinstance(p, dict):
            out += _unknown(p.get("funding"), "funding", f"projects[{k}].funding")
        for j, i in enumerate((p.get("indicators", []) if isinstance(p, dict) else []) or []):
            out += _unknown(i, "indicators", f"projects[{k}].indicators[{j}]")
    return out


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


def _funding(d: object, where: str) -> dict:
    """Funding by level (``{"central": "20.00"}``): amounts of the levels MODEL.md names."""
    if d is None:
        return {}
    if not isinstance(d, dict):
        raise XlToolsError(f"字段 {where}.funding 应为对象，实际为 {d!r}"[:200])
    return {k: money_from_json(d[k], f"{where}.funding.{k}") for k in FUNDING_LEVELS if k in d}


def filing_from_json(data: dict, source: str | None = None) -> Filing:
    """Build a Filing from MODEL.md JSON; derived ``*_target`` keys are ignored."""
    if not isinstance(data, dict):
        raise XlToolsError("JSON 顶层应为对象", file=source)
    schema = data.get("schema", SCHEMA)
    if schema not in READABLE:
        raise XlToolsError(f"不支持的 schema「{schema}」，应为 {' 或 '.join(READABLE)}", file=source)
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
                    annual_value=_text(i, "annual_value", w), project=_text(p, "name", where),
                    **{f: _text(i, f, w) for f in INDICATOR_FIELDS}))
            projects.append(Project(name=_req(p, "name", where), unit=_text(p, "unit", where),
                                    target=_text(p, "target", where), indicators=inds,
                                    funding=_funding(p.get("funding"), where),
                                    **{f: _text(p, f, where) for f in PROJECT_FIELDS}, **_money(p, where)))
        total = money_from_json(data.get("total", "0.00"), "total")
        filing = Filing(year=year, department=_text(data, "department", "JSON"),
                        money_unit=_text(data, "money_unit", "JSON", "万元"), total=total, units=units,
                        projects=projects, profile=_text(data, "profile", "JSON"), source=source)
        for key in unknown_keys(data):
            filing.problems.append(ReadProblem(PROBLEM_JSON_KEY, f"JSON 中的字段 {key} 不是 docs/MODEL.md 规定的字段，"
                                               "没有读取", None))
        return filing
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
    return filing_from_json(well_formed_tree(data), source=str(path))


def well_formed_tree(data):
    """Every text (key or value) of parsed JSON made storable: ``"\\ud83d"`` (half an emoji) → U+FFFD
    (``textnorm.well_formed``). Nested no deeper than ``json.loads`` allowed."""
    if isinstance(data, str):
        return well_formed(data)
    if isinstance(data, list):
        return [well_formed_tree(v) for v in data]
    if isinstance(data, dict):
        return {well_formed(k): well_formed_tree(v) for k, v in data.items()}
    return data
