"""Whether the batch's consolidated table may be signed, and what it says it covers (the table itself:
``publish.signed``, written by ``publish.publish_signed``).

A table that does not cover every expected unit (未报送, errors, 未填, a version conflict, a file whose
review did not finish) is not written unless the reviewer asks for a draft (``--allow-incomplete``): then
its title says 草稿 and the line below names what is missing.
"""

from __future__ import annotations


def incomplete(cons) -> list[str]:
    """Why the consolidation does not cover the department's year completely (empty: it does)."""
    why = []
    missing = cons.missing()
    if missing:
        why.append(f"应报单位中 {len(missing)} 个未计入（" + "；".join(
            f"{s.unit}：{s.status}" for s in missing[:8]) + ("等" if len(missing) > 8 else "") + "）")
    if cons.conflicts:
        why.append(f"{len(cons.conflicts)} 个单位有版本冲突（" + "、".join(c.unit for c in cons.conflicts) + "）")
    if cons.interrupted:
        why.append(f"{len(cons.interrupted)} 个文件未能审核完毕")
    return why


def coverage_line(cons, table) -> str:
    """The line under the table: what it sums, and what it does not."""
    units = len(table.filing.units)
    expected = len(cons.submissions)
    head = f"本表汇总{table.department}{table.year}年 {units} 个单位、{len(table.filing.projects)} 个项目的项目支出绩效目标"
    missing = cons.missing()
    if not missing:
        return head + (f"（应报 {expected} 个单位，全部计入）。" if expected else "。")
    names = "、".join(f"{s.unit}（{s.status}）" for s in missing)
    return head + f"；应报 {expected} 个单位，未计入 {len(missing)} 个：{names}。"
