#!/usr/bin/env python3
"""Rust files longer than 800 lines and functions longer than 80 (issue 15's
limits), longest first.

    python3 scripts/sizes.py server/src federation/src [--fn-limit 80] [--file-limit 800]
"""
import os
import re
import sys

FN = re.compile(r"^(\s*)(pub(\([^)]*\))?\s+)?(async\s+)?(const\s+)?(unsafe\s+)?fn\s+(\w+)")


def functions(lines):
    """(name, first line, length) of every function with a body."""
    i = 0
    while i < len(lines):
        m = FN.match(lines[i])
        if not m:
            i += 1
            continue
        indent, name = m.group(1), m.group(7)
        # The signature ends at the first `{` (a body) or `;` (a declaration).
        j = i
        while j < len(lines) and "{" not in lines[j] and not lines[j].rstrip().endswith(";"):
            j += 1
        if j >= len(lines) or "{" not in lines[j]:
            i = j + 1
            continue
        end = j
        while end < len(lines) and lines[end] != indent + "}" and not (
            end == j and lines[j].rstrip().endswith("}")
        ):
            end += 1
        yield name, i + 1, end - i + 1
        i += 1


def main():
    args = sys.argv[1:]
    fn_limit, file_limit = 80, 800
    if "--fn-limit" in args:
        k = args.index("--fn-limit")
        fn_limit = int(args[k + 1])
        del args[k : k + 2]
    if "--file-limit" in args:
        k = args.index("--file-limit")
        file_limit = int(args[k + 1])
        del args[k : k + 2]
    found = []
    for root in args or ["server/src", "federation/src"]:
        for d, _, files in os.walk(root):
            for f in files:
                if not f.endswith(".rs"):
                    continue
                path = os.path.join(d, f)
                lines = open(path, encoding="utf-8").read().split("\n")
                if len(lines) > file_limit:
                    found.append((len(lines), f"file {path}"))
                for name, line, length in functions(lines):
                    if length > fn_limit:
                        found.append((length, f"fn {path}:{line} {name}"))
    for n, what in sorted(found, reverse=True):
        print(n, what)
    print(f"{len(found)} over the limits ({file_limit} lines a file, {fn_limit} a function)")


if __name__ == "__main__":
    main()
