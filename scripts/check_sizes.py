"""Lists ganzoo's long functions and long files (issue 11's size targets).

A function's size is its lines of code: the lines of its body that hold code, without
its docstring, blank lines and comment-only lines (a nested function counts towards the
function that holds it, and on its own). Network builders (`build_*`) are exempt from
the function limit, as the targets say. File sizes are `wc -l` counts, docstrings
included.

Usage:
    python scripts/check_sizes.py                 # offenders over 60 lines, the files
    python scripts/check_sizes.py --max-lines 40  # another limit
    python scripts/check_sizes.py --strict        # exit 1 when anything is over

Prints `LOC  path:line  qualified.name` for each function over the limit, then the
variant files (`FILE_LIMITS`), the core modules (`ganzoo/*.py`, `ganzoo/core/*.py`)
and any other file over `CORE_LIMIT`, with their line counts and limits.
"""

from __future__ import annotations

import argparse
import ast
import io
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Issue 11's per-file targets, in lines (`wc -l`).
FILE_LIMITS = {
    "ganzoo/models/vanilla.py": 150,
    "ganzoo/models/dcgan.py": 150,
    "ganzoo/models/cgan.py": 150,
    "ganzoo/models/wgan_gp.py": 150,
    "ganzoo/models/infogan.py": 250,
    "ganzoo/models/cyclegan.py": 300,
}
CORE_LIMIT = 400  # each core module (`ganzoo/*.py`, `ganzoo/core/*.py`)


def code_lines(source: str) -> set[int]:
    """Line numbers that hold a token other than a comment, a newline or indentation."""
    skip = {
        tokenize.COMMENT,
        tokenize.NL,
        tokenize.NEWLINE,
        tokenize.INDENT,
        tokenize.DEDENT,
        tokenize.ENDMARKER,
    }
    lines: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in skip:
            lines.update(range(token.start[0], token.end[0] + 1))
    return lines


def _docstring_lines(node: ast.AST) -> set[int]:
    body = getattr(node, "body", [])
    first = body[0] if body else None
    if isinstance(first, ast.Expr) and isinstance(getattr(first.value, "value", None), str):
        return set(range(first.lineno, first.end_lineno + 1))
    return set()


def function_sizes(path: Path) -> list[tuple[int, int, str]]:
    """`(lines of code, first line, qualified name)` of every function in `path`."""
    source = path.read_text()
    tree = ast.parse(source)
    lines = code_lines(source)
    docstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            docstrings |= _docstring_lines(node)
    sizes = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = f"{prefix}{child.name}"
                first = child.decorator_list[0].lineno if child.decorator_list else child.lineno
                span = set(range(first, child.end_lineno + 1))
                sizes.append((len((span & lines) - docstrings), child.lineno, name))
                visit(child, f"{name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            else:
                visit(child, prefix)

    visit(tree, "")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-lines", type=int, default=60)
    parser.add_argument("--strict", action="store_true", help="exit 1 on an offender")
    args = parser.parse_args(argv)
    offenders = []
    for path in sorted((ROOT / "ganzoo").rglob("*.py")):
        for size, line, name in function_sizes(path):
            if size > args.max_lines and not name.rsplit(".", 1)[-1].startswith("build_"):
                offenders.append((size, f"{path.relative_to(ROOT)}:{line}", name))
    print(f"Functions over {args.max_lines} lines of code (network builders exempt):")
    for size, where, name in sorted(offenders, reverse=True):
        print(f"  {size:4d}  {where}  {name}")
    if not offenders:
        print("  none")
    print("File sizes (lines, limit): variant files, core modules, and any other over 400:")
    over = False
    for path in sorted((ROOT / "ganzoo").rglob("*.py")):
        name = str(path.relative_to(ROOT))
        core = path.parent in (ROOT / "ganzoo", ROOT / "ganzoo" / "core")
        limit = FILE_LIMITS.get(name, CORE_LIMIT)
        count = len(path.read_text().splitlines())
        if name in FILE_LIMITS or core or count > limit:
            over = over or count > limit
            print(f"  {count:4d}  {limit:4d}  {name}{'  OVER' if count > limit else ''}")
    return 1 if args.strict and (offenders or over) else 0


if __name__ == "__main__":
    sys.exit(main())
