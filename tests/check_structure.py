#!/usr/bin/env python3
"""tests/check_structure.py: the shape of the source tree, checked.

What docs/ARCHITECTURE.md and STYLE promise, made a test (run by `make
test`, after the build, as the suite "source structure"):

  1. No C source file of libcommon, pg_ext, mariadb_plugin or cli is
     longer than MAX_LINES lines (one concern per file).
  2. The source files of libcommon, the MariaDB plugin and the
     PostgreSQL extension call each other in one direction only: in the
     graph "file A uses a function or variable that file B defines"
     (read from the built objects with nm), no cycle.  Neither do the
     project's own headers include each other in a circle.
  3. docs/ARCHITECTURE.md names every C source file, and names no C
     source file that does not exist.

Prints what is wrong and exits 1; prints a summary and exits 0 otherwise.
"""

import glob
import os
import re
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAX_LINES = 800
SOURCE_DIRS = ["libcommon/src", "pg_ext", "mariadb_plugin", "cli"]
# (directory of sources, directory of their objects)
OBJECT_DIRS = [
    ("libcommon/src", "libcommon/build/obj"),
    ("mariadb_plugin", "mariadb_plugin"),
    ("pg_ext", "pg_ext"),
]
HEADER_DIRS = ["libcommon/include", "libcommon/src", "pg_ext",
               "mariadb_plugin", "cli"]

problems = []


def sources():
    out = []
    for d in SOURCE_DIRS:
        out += sorted(glob.glob(os.path.join(TOP, d, "*.c")))
    return out


def check_lengths():
    longest = (0, "")
    for path in sources():
        with open(path, encoding="utf-8", errors="replace") as f:
            n = sum(1 for _ in f)
        rel = os.path.relpath(path, TOP)
        if n > MAX_LINES:
            problems.append("%s has %d lines (at most %d)" %
                            (rel, n, MAX_LINES))
        longest = max(longest, (n, rel))
    return longest


def strongly_connected(graph):
    """Tarjan's algorithm, iterative; the components of more than one."""
    index, low, on_stack, stack, result = {}, {}, set(), [], []
    counter = [0]
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    result.append(sorted(component))
    return result


def report_cycles(what, graph, label):
    for component in strongly_connected(graph):
        lines = ["%s: these files use each other in a circle:" % what]
        for a in component:
            uses = sorted(b for b in graph[a] if b in component)
            lines.append("    %s -> %s" % (label(a), ", ".join(
                label(b) for b in uses)))
        problems.append("\n".join(lines))


def check_calls():
    checked = 0
    for src_dir, obj_dir in OBJECT_DIRS:
        names = [os.path.basename(p)[:-2]
                 for p in glob.glob(os.path.join(TOP, src_dir, "*.c"))]
        defined, used = {}, {}
        for name in names:
            obj = os.path.join(TOP, obj_dir, name + ".o")
            if not os.path.exists(obj):
                problems.append("%s is not built (run make first)" %
                                os.path.relpath(obj, TOP))
                continue
            out = subprocess.run(["nm", obj], capture_output=True,
                                 text=True, check=True).stdout
            used[name] = set()
            for line in out.splitlines():
                parts = line.split()
                if len(parts) == 2 and parts[0] == "U":
                    used[name].add(parts[1])
                elif len(parts) == 3 and parts[1] in "TDBRCGSV":
                    defined.setdefault(parts[2], name)
        graph = {a: {defined[s] for s in syms
                     if s in defined and defined[s] != a}
                 for a, syms in used.items()}
        report_cycles("calls in " + src_dir, graph,
                      lambda n: n + ".c")
        checked += len(graph)
    return checked


INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def check_includes():
    headers = {}
    for d in HEADER_DIRS:
        for path in glob.glob(os.path.join(TOP, d, "*.h")):
            headers.setdefault(os.path.basename(path), []).append(path)
    graph = {}
    for name, paths in headers.items():
        graph.setdefault(name, set())
        for path in paths:
            with open(path, encoding="utf-8", errors="replace") as f:
                for inc in INCLUDE.findall(f.read()):
                    inc = os.path.basename(inc)
                    if inc in headers and inc != name:
                        graph[name].add(inc)
    report_cycles("includes", graph, lambda n: n)
    return len(graph)


def check_architecture():
    path = os.path.join(TOP, "docs", "ARCHITECTURE.md")
    if not os.path.exists(path):
        problems.append("docs/ARCHITECTURE.md is missing")
        return
    with open(path, encoding="utf-8") as f:
        text = f.read()
    named = set(re.findall(r"\b([a-z][a-z0-9_]*\.c)\b", text))
    existing = {os.path.basename(p) for p in sources()}
    for name in sorted(existing - named):
        problems.append("docs/ARCHITECTURE.md does not name %s" % name)
    # every .c it names must exist somewhere in the tree (tests and
    # benchmarks included)
    everywhere = {os.path.basename(p) for p in
                  glob.glob(os.path.join(TOP, "**", "*.c"), recursive=True)}
    for name in sorted(named - everywhere):
        problems.append("docs/ARCHITECTURE.md names %s, which does not "
                        "exist" % name)


def main():
    longest = check_lengths()
    calls = check_calls()
    includes = check_includes()
    check_architecture()
    if problems:
        for p in problems:
            print("FAIL: " + p)
        return 1
    print("ok: %d C sources, the longest %s (%d lines, at most %d)" %
          (len(sources()), longest[1], longest[0], MAX_LINES))
    print("ok: no call cycle among %d object files, no include cycle "
          "among %d headers" % (calls, includes))
    print("ok: docs/ARCHITECTURE.md names every C source file")
    return 0


if __name__ == "__main__":
    sys.exit(main())
