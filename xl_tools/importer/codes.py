"""The codes of what an import reports (findings with code IMP…), for the documentation, and which of
them the rule engine reports again with a cell link."""

IMPORT_CODES = {
    "IMP001": "无法识别的文本片段（原样保留，报告行号）",
    "IMP002": "无法拆分的绩效指标条目（整条作为指标名称保留）",
    "IMP003": "绩效指标编号不连续",
    "IMP010": "项目名称与绩效目标的配对不确定",
    "IMP011": "项目名称与绩效目标仅按位置配对（文字几乎不相同）",
    "IMP012": "项目没有找到绩效目标或绩效指标",
    "IMP013": "绩效目标没有找到对应的项目名称（其指标单独保留）",
    "IMP020": "项目总计不等于各资金来源之和",
    "IMP021": "单位小计不等于其项目之和",
    "IMP022": "合计不等于各单位之和",
    "IMP023": "表中没有合计行",
    "IMP024": "表中没有单位行",
    "IMP026": "项目所属单位由金额推断",
    "IMP027": "项目所属单位无法确定",
    "IMP030": "预算年度无法从正文推断",
    "IMP031": "表中没有部门名称",
    "IMP032": "表中有多个合计行",
}

# Money that does not add up: the rule engine reports the same mismatch on the workbook's cell
# (AMT001 row total ≠ parts, AMT006 unit ≠ its projects, AMT007 合计 ≠ units). The import's own finding
# names the source line, useful on the console while importing; beside a check it would say it twice.
RECHECKED_BY_RULES = {"IMP020": "AMT001", "IMP021": "AMT006", "IMP022": "AMT007"}


def beside_check(findings: list) -> list:
    """An import's findings to report together with a check of the imported filing: without those the
    rule engine reports again (``RECHECKED_BY_RULES``), so each money mismatch appears once, with its cell."""
    return [f for f in findings if f.code not in RECHECKED_BY_RULES]
