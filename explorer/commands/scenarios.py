"""`what-if scenarios`: the scenarios that ship with the package, with their paths, to copy one and start."""
from __future__ import annotations

import json
from pathlib import Path

from ..cli import add_format, register


@register("scenarios", "the bundled scenarios and their paths, to copy one and start")
def configure(p) -> None:
    p.description = ("List the scenarios that ship with What-If Explorer: name, title, size and the "
                     "file's path. Copy one to start your own: cp PATH my.yaml && what-if my.yaml. "
                     "`what-if` with no argument opens trotsky_mexico.")
    add_format(p)
    p.set_defaults(func=run)


def _path_text(item) -> str:
    return str(item.resolve()) if isinstance(item, Path) else str(item)  # inside a zip: zip/member


def run(args) -> int:
    from .. import bundled
    from ..core import load_scenario_text
    rows = []
    for name in bundled.scenario_names():
        item = bundled.scenarios_folder() / f"{name}.yaml"
        sc = load_scenario_text(item.read_text(encoding="utf-8"), _path_text(item))
        rows.append({"name": name, "title": sc.title, "path": _path_text(item),
                     "variables": len(sc.variables), "events": len(sc.events), "branches": len(sc.branches),
                     "default": name == bundled.DEFAULT_SCENARIO})
    if args.format == "json":
        print(json.dumps({"scenarios": rows}, indent=2, ensure_ascii=False))
        return 0
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        default = "  (what-if opens it with no argument)" if r["default"] else ""
        print(f"{r['name']:<{width}}  {r['title']} — {r['variables']} variables, {r['events']} events, "
              f"{r['branches']} branches{default}")
        print(f"{'':<{width}}  {r['path']}")
    return 0
