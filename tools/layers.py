"""docs/ARCHITECTURE.md's picture of the layers, drawn from the code, not by hand.

The import graph of ``xl_tools`` as ``lint-imports`` builds it (grimp: every import statement, those
inside functions too), each top-level module or package of ``xl_tools`` one *room*. A room's *floor*
is one above the highest floor of the rooms it imports (floor 0 imports no other room), so an arrow
always points down and the floors are what the code allows, whatever setup.cfg declares (the layers
contract holds the code to the declared order; this shows where the code actually stands). The
mermaid graph keeps only the arrows that no longer path implies (a transitive reduction), so it
stays readable.

    python tools/layers.py            rewrite the block in docs/ARCHITECTURE.md
    python tools/layers.py --check    exit 1 when the committed block is stale (tests/test_layers_picture.py)
"""

from __future__ import annotations

import argparse
import configparser
import sys
from functools import cache
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "ARCHITECTURE.md"
PACKAGE = "xl_tools"
BEGIN = "<!-- layers: drawn by tools/layers.py from the import graph; do not edit by hand -->"
END = "<!-- /layers -->"
APP = "app"


def _door() -> tuple[list[str], list[str]]:
    """The one-door contract of setup.cfg: the interfaces, and the rooms they may not import."""
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    contract = config["importlinter:contract:one-door"]
    return ([m.split(".")[1] for m in contract["source_modules"].split()],
            [m.split(".")[1] for m in contract["forbidden_modules"].split()])


INTERFACES, BEHIND_THE_DOOR = _door()


def room_graph() -> dict[str, set[str]]:
    """Each room and the other rooms it imports."""
    graph = grimp.build_graph(PACKAGE)
    rooms = {m.split(".")[1] for m in graph.modules if m.count(".") >= 1}
    out: dict[str, set[str]] = {r: set() for r in rooms}
    for module in graph.modules:
        if module == PACKAGE:
            continue
        here = module.split(".")[1]
        for imported in graph.find_modules_directly_imported_by(module):
            if imported.startswith(PACKAGE + ".") and (there := imported.split(".")[1]) != here:
                out[here].add(there)
    return out


def floors(graph: dict[str, set[str]]) -> dict[str, int]:
    """Each room's floor; ValueError naming a cycle of rooms, which has no floors."""
    seen: list[str] = []

    @cache
    def floor(room: str) -> int:
        if room in seen:
            raise ValueError("rooms import each other: " + " → ".join([*seen[seen.index(room):], room]))
        seen.append(room)
        level = 1 + max((floor(r) for r in graph[room]), default=-1)
        seen.pop()
        return level

    return {room: floor(room) for room in sorted(graph)}


def reduced(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The arrows no longer path implies."""
    @cache
    def below(room: str) -> frozenset[str]:
        return frozenset().union(*({r} | below(r) for r in graph[room]))

    return {room: {r for r in deps if not any(r in below(o) for o in deps - {r})} for room, deps in graph.items()}


def _role(room: str) -> str:
    return "interface" if room in INTERFACES else "application" if room == APP else ""


def render(graph: dict[str, set[str]]) -> str:
    """The block between the markers: the floors as text, the figures, the mermaid graph."""
    level = floors(graph)
    top = max(level.values())
    past_door = sorted(f"{i} → {r}" for i in INTERFACES if i in graph for r in graph[i] if r in BEHIND_THE_DOOR)
    lines = [BEGIN, "", "```text"]
    for n in range(top, -1, -1):
        rooms = [r for r in sorted(level) if level[r] == n]
        roles = sorted({_role(r) for r in rooms} - {""})
        lines.append(f"floor {n:>2}  " + "  ".join(rooms) + (f"   ({', '.join(roles)})" if roles else ""))
    lines += ["```", "",
              f"{len(graph)} rooms on {top + 1} floors, every arrow pointing down (no cycle), "
              f"{sum(len(d) for d in reduced(graph).values())} arrows that no path implies (drawn below); "
              f"arrows from an interface ({', '.join(INTERFACES)}) to a room behind `app` "
              f"({', '.join(BEHIND_THE_DOOR)}): {len(past_door)}{' (' + ', '.join(past_door) + ')' if past_door else ''}.", "",
              "```mermaid", "flowchart TD"]
    for n in range(top, -1, -1):
        lines.append(f"  subgraph F{n}[floor {n}]")
        lines += [f"    {r.strip('_') or r}[\"{r}\"]" for r in sorted(level) if level[r] == n]
        lines.append("  end")
    for room, deps in sorted(reduced(graph).items()):
        lines += [f"  {room.strip('_')} --> {d.strip('_')}" for d in sorted(deps)]
    lines += ["```", "", END]
    return "\n".join(lines)


def with_picture(doc: str, block: str) -> str:
    """``doc`` with its block between the markers replaced by ``block``."""
    start, end = doc.index(BEGIN), doc.index(END) + len(END)
    return doc[:start] + block + doc[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when docs/ARCHITECTURE.md is stale")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    doc = DOC.read_text("utf-8")
    new = with_picture(doc, render(room_graph()))
    if args.check:
        if new != doc:
            print("docs/ARCHITECTURE.md: the layers picture is stale; run `python tools/layers.py`", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(new, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
