"""Reads generated Airflow DAG files with the standard library's ast, for the Airflow facts test: the imports
(and which try/except ImportError branch holds each), the DAG(...) keyword arguments and default_args keys, each
operator call's keyword arguments, the `>>` dependencies, which tasks declare outlets, and any DeadlineAlert."""
import ast
import json
import sys

from pyast import edges


def imports_of(body, guard=None):
    out = []
    for i, node in enumerate(body):
        if isinstance(node, ast.ImportFrom):
            for a in node.names:
                out.append({"module": node.module, "name": a.name, "guard": guard})
        elif isinstance(node, ast.Try):
            group = f"try{node.lineno}"
            out += imports_of(node.body, {"group": group, "branch": "try"})
            for h in node.handlers:
                out += imports_of(h.body, {"group": group, "branch": "except", "catches": ast.unparse(h.type) if h.type else None})
    return out


def call_name(func):
    return func.id if isinstance(func, ast.Name) else ast.unparse(func)


out = []
for path in sys.argv[1:]:
    tree = ast.parse(open(path, encoding="utf-8").read())
    dag = {"kwargs": [], "default_args": [], "deadline": None}
    tasks = {}
    deps = []
    for node in ast.walk(tree):
        if isinstance(node, ast.With):
            for item in node.items:
                call = item.context_expr
                if isinstance(call, ast.Call) and call_name(call.func) == "DAG":
                    dag["kwargs"] = [k.arg for k in call.keywords]
                    for k in call.keywords:
                        if k.arg == "default_args" and isinstance(k.value, ast.Dict):
                            dag["default_args"] = [x.value for x in k.value.keys]
                        if k.arg == "deadline" and isinstance(k.value, ast.Call):
                            kw = {x.arg: x.value for x in k.value.keywords}
                            dag["deadline"] = {
                                "class": call_name(k.value.func),
                                "kwargs": sorted(kw),
                                "reference": ast.unparse(kw["reference"]) if "reference" in kw else None,
                                "callback": call_name(kw["callback"].func) if "callback" in kw and isinstance(kw["callback"], ast.Call) else None,
                            }
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Call):
            kw = {k.arg: k.value for k in node.value.keywords}
            if "task_id" in kw:
                tasks[node.targets[0].id] = {"operator": call_name(node.value.func), "kwargs": sorted(k for k in kw if k), "outlets": "outlets" in kw}
        if isinstance(node, ast.Expr):
            deps += edges(node.value)
    out.append({"path": path, "imports": imports_of(tree.body), "dag": dag, "tasks": tasks, "deps": deps})
print(json.dumps(out))
