"""No import cycles between the package's modules: every `import` and `from ... import` (at the top of
a module or inside a function) read from the source with ast, as a graph that must have no cycle.

A submodule needs its package's __init__ first, so `from . import name` where `name` is a function of
the package (not a submodule) is an edge to the package: the edge that made reports/render.py,
reports/pdf.py and reports/__init__.py a cycle.
"""
from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parents[2] / "explorer"


def _modules() -> dict[str, Path]:
    out = {}
    for p in PACKAGE.rglob("*.py"):
        parts = list(p.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


def import_graph() -> nx.DiGraph:
    mods = _modules()
    g = nx.DiGraph()
    g.add_nodes_from(mods)
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                    base = ".".join(parts + ([node.module] if node.module else []))
                for a in node.names:
                    sub = f"{base}.{a.name}"
                    targets.append(sub if sub in mods else base)
            g.add_edges_from((name, t) for t in targets if t in mods and t != name)
    return g


def test_the_graph_sees_the_imports():
    g = import_graph()
    assert g.has_edge("explorer.reports.render", "explorer.reports.templates")
    assert g.has_edge("explorer.reports.pdf", "explorer.reports.templates")
    assert g.has_edge("explorer.commands.fork", "explorer.cli")
    assert g.number_of_edges() > 60


def test_no_import_cycles():
    cycles = list(nx.simple_cycles(import_graph()))
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c + c[:1]) for c in cycles)
