"""Reads generated Python with the standard library only: compiles it (a file that does not compile gets an
"error"), and reports its module-level *_SQL
string constants and, for DAG files, every operator call's task_id and the `>>` dependencies."""
import ast
import json
import sys

from pyast import edges


out = []
for path in sys.argv[1:]:
    source = open(path, encoding="utf-8").read()
    try:
        compile(source, path, "exec")
    except (SyntaxError, ValueError) as e:
        out.append({"path": path, "error": f"{type(e).__name__}: {e}", "sql": {}, "tasks": {}, "deps": []})
        continue
    tree = ast.parse(source)
    sql = {}
    tasks = {}
    deps = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name.endswith("_SQL") and isinstance(node.value, ast.Constant):
                sql[name] = node.value.value
            if isinstance(node.value, ast.Call):
                kw = {k.arg: k.value for k in node.value.keywords}
                if "task_id" in kw and isinstance(kw["task_id"], ast.Constant):
                    func = node.value.func
                    tasks[name] = {"task_id": kw["task_id"].value, "operator": func.id if isinstance(func, ast.Name) else ast.dump(func), "kwargs": sorted(k for k in kw if k)}
        if isinstance(node, ast.Expr):
            deps += edges(node.value)
    out.append({"path": path, "sql": sql, "tasks": tasks, "deps": deps})
print(json.dumps(out))
