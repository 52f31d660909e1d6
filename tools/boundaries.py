#!/usr/bin/env python3
"""Domain boundaries of app/: who reaches into another domain, and which modules import each
other in a loop. Run from the project root: `python3 tools/boundaries.py [--strict]`.

Rules it reads (from the design): a domain is a folder app/<domain>/. Its behaviour modules
(everything but api.py, types.py and loaders.py) may use another domain only through that
domain's `service` module (or the package itself). Its GraphQL modules (api, types, loaders)
may also use another domain's `types` and `loaders`. Shared infrastructure (app/*.py at the
top, app/graphql/) is open to all. Every import counts, including those inside functions;
imports under `if TYPE_CHECKING:` count for the loops only as a note.

Prints each reach-in (file:line -> module) and each loop, then a tally line. Exit 0, or 1 with
--strict when anything is found.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

GRAPHQL_FILES = {"api", "types", "loaders"}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(tree: ast.AST, mod: str, is_pkg: bool):
    """(line, target module, under TYPE_CHECKING) for every app.* import in the file."""
    type_checking: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for sub in node.body:
                for inner in ast.walk(sub):
                    type_checking.add(id(inner))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("app"):
                    yield node.lineno, alias.name, id(node) in type_checking
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = mod.split(".") if is_pkg else mod.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("app"):
                continue
            for alias in node.names:
                # `from app.x import service` names a module; `from app.x.service import f` does not.
                yield node.lineno, f"{target}.{alias.name}", id(node) in type_checking


def main() -> int:
    root = Path.cwd()
    app = root / "app"
    if not app.is_dir():
        print("run from the project root (no app/ here)")
        return 2
    files = {module_name(p, root): p for p in app.rglob("*.py")}
    known = set(files)
    graph: dict[str, set[str]] = defaultdict(set)
    reach_ins: list[str] = []
    for mod, path in sorted(files.items()):
        tree = ast.parse(path.read_text(), str(path))
        parts = mod.split(".")
        domain = parts[1] if len(parts) > 2 else None  # app.<domain>.<file>
        if domain == "graphql":
            domain = None
        layer = "graphql" if parts[-1] in GRAPHQL_FILES else "core"
        for line, target, tc in imports_of(tree, mod, path.name == "__init__.py"):
            while target not in known and "." in target:
                target = target.rsplit(".", 1)[0]
            if target not in known or target == mod:
                continue
            if not tc:
                graph[mod].add(target)
            tparts = target.split(".")
            tdomain = tparts[1] if len(tparts) > 1 and (app / tparts[1]).is_dir() else None
            if domain is None or tdomain in (None, domain, "graphql"):
                continue
            leaf = tparts[2] if len(tparts) > 2 else ""
            allowed = {"", "service"} | ({"types", "loaders"} if layer == "graphql" else set())
            if leaf not in allowed:
                reach_ins.append(f"{path.relative_to(root)}:{line} -> {target}")
    # Loops: strongly connected components of the import graph (Tarjan).
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    loops: list[list[str]] = []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                loops.append(sorted(comp))

    for v in sorted(files):
        if v not in index:
            visit(v)
    reach_ins = sorted(set(reach_ins))
    for r in reach_ins:
        print("reach-in:", r)
    for comp in loops:
        print(f"loop of {len(comp)}:", ", ".join(comp))
    print(f"boundaries: {len(reach_ins)} reach-ins into other domains, {len(loops)} import loops")
    return 1 if "--strict" in sys.argv and (reach_ins or loops) else 0


if __name__ == "__main__":
    sys.exit(main())
