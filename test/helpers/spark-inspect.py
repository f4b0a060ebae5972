"""Reads generated PySpark jobs with the standard library only, for the Spark SQL type checker
(test/helpers/spark-job-check.ts). For each file: whether CPython compiles it, and, as generic JSON, every
module-level assignment and the statements of every module-level function (assignments, expression statements,
returns), with line numbers, and every name each function reads; list comprehensions with one generator and subscripts as nodes of their own. Nothing is
evaluated."""
import ast
import json
import sys

COMPARE = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}


def node(n):
    line = getattr(n, "lineno", 0)
    if isinstance(n, ast.Constant) and (n.value is None or isinstance(n.value, (str, int, float, bool))):
        return {"const": n.value, "line": line}
    if isinstance(n, ast.Name):
        return {"name": n.id, "line": line}
    if isinstance(n, ast.Attribute):
        return {"attr": n.attr, "of": node(n.value), "line": line}
    if isinstance(n, ast.Call):
        return {"call": node(n.func), "args": [node(a) for a in n.args], "kwargs": {k.arg or "**": node(k.value) for k in n.keywords}, "line": line}
    if isinstance(n, (ast.List, ast.Tuple)):
        return {"list": [node(e) for e in n.elts], "line": line}
    if isinstance(n, ast.Dict):
        return {"dict": [[node(k), node(v)] for k, v in zip(n.keys, n.values)], "line": line}
    if isinstance(n, ast.Starred):
        return {"starred": node(n.value), "line": line}
    if isinstance(n, ast.ListComp) and len(n.generators) == 1 and not n.generators[0].ifs:
        g = n.generators[0]
        names = [t.id for t in ast.walk(g.target) if isinstance(t, ast.Name)]
        return {"listcomp": node(n.elt), "targets": names, "iter": node(g.iter), "line": line}
    if isinstance(n, ast.Subscript):
        return {"subscript": node(n.value), "index": node(n.slice), "line": line}
    if isinstance(n, ast.Compare) and len(n.ops) == 1 and type(n.ops[0]) in COMPARE:
        return {"compare": COMPARE[type(n.ops[0])], "left": node(n.left), "right": node(n.comparators[0]), "line": line}
    return {"other": type(n).__name__, "line": line}


def statement(s):
    if isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name):
        return {"assign": s.targets[0].id, "value": node(s.value), "line": s.lineno}
    if isinstance(s, ast.Expr):
        if isinstance(s.value, ast.Constant) and isinstance(s.value.value, str):
            return None  # a docstring
        return {"expr": node(s.value), "line": s.lineno}
    if isinstance(s, ast.Return):
        return {"return": node(s.value) if s.value is not None else None, "line": s.lineno}
    return {"other": type(s).__name__, "line": s.lineno}


out = []
for path in sys.argv[1:]:
    source = open(path, encoding="utf-8").read()
    try:
        compile(source, path, "exec")
    except (SyntaxError, ValueError) as e:
        out.append({"path": path, "error": f"{type(e).__name__}: {e}"})
        continue
    tree = ast.parse(source)
    assigns = {}
    functions = {}
    for s in tree.body:
        if isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name):
            assigns[s.targets[0].id] = node(s.value)
        elif isinstance(s, ast.FunctionDef):
            names = sorted({x.id for x in ast.walk(s) if isinstance(x, ast.Name)})
            functions[s.name] = {"params": [a.arg for a in s.args.args], "body": [x for x in map(statement, s.body) if x is not None], "names": names, "line": s.lineno}
    out.append({"path": path, "assigns": assigns, "functions": functions})
print(json.dumps(out))
