#!/usr/bin/env python3
"""bench/advisor_queries.py: the advisor benchmarks' generated workload.

N distinct query shapes (values aside) over tables t1..t20 with columns
id, a, b, c, d, e, g, h, parent_id: equalities, IN lists, ranges, LIKE
prefixes, ORDER BY ... LIMIT, GROUP BY and joins, one statement a line,
without a trailing semicolon.  The same seed gives the same statements in
both dialects; "mariadb" writes identifiers as Frappe does, in backticks.

    advisor_queries.py postgres|mariadb [N]
"""
import random
import sys


def main():
    dialect = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    if dialect not in ("postgres", "mariadb"):
        sys.exit("usage: advisor_queries.py postgres|mariadb [N]")

    def ident(name):
        return f"`{name}`" if dialect == "mariadb" else name

    random.seed(7)
    cols = ["a", "b", "c", "g", "parent_id"]
    out, seen = [], set()
    while len(out) < n:
        t = random.randint(1, 20)
        preds = []
        for col in random.sample(cols, random.randint(1, 3)):
            kind = random.choice(["eq", "eq", "in", "range"])
            if kind == "eq":
                preds.append(f"{ident(col)} = {random.randint(1, 300)}")
            elif kind == "in":
                values = ", ".join(str(random.randint(1, 300))
                                   for _ in range(random.randint(2, 5)))
                preds.append(f"{ident(col)} IN ({values})")
            else:
                preds.append(f"{ident(col)} > {random.randint(1, 300)}")
        r = random.random()
        if r < 0.2:
            preds.append(f"{ident('e')} >= '2024-0{random.randint(1, 9)}-01'")
        elif r < 0.3:
            preds.append(f"{ident('d')} LIKE 'k{random.randint(1, 999)}%'")
        tail, sel = "", f"{ident('id')}, {ident('h')}"
        r = random.random()
        if r < 0.25:
            tail = f" ORDER BY {ident('e')} DESC LIMIT {random.choice([20, 50, 80])}"
        elif r < 0.4:
            tail, sel = f" GROUP BY {ident('c')}", f"{ident('c')}, count(*)"
        if random.random() < 0.15:
            u = random.randint(1, 20)
            x, y = ident("x"), ident("y")
            q = (f"SELECT {x}.{ident('id')} FROM {ident(f't{t}')} {x} "
                 f"JOIN {ident(f't{u}')} {y} ON {y}.{ident('id')} = {x}.{ident('parent_id')} WHERE "
                 + " AND ".join(f"{x}." + p for p in preds)
                 + f" AND {y}.{ident('g')} = {random.randint(1, 40)}")
        else:
            q = f"SELECT {sel} FROM {ident(f't{t}')} WHERE " + " AND ".join(preds) + tail
        # distinct shapes: the workload sources key statements by shape
        shape = "".join("9" if ch.isdigit() else ch for ch in q)
        if shape not in seen:
            seen.add(shape)
            out.append(q)
    for q in out:
        print(q)


if __name__ == "__main__":
    main()
