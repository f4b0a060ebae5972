"""What the test helpers that read generated DAGs with the standard library's ast share: the `>>` dependencies."""
import ast


def flatten(node):
    """Task variable names in a `>>` operand: a name or a list of names."""
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, (ast.List, ast.Tuple)):
        return [n for e in node.elts for n in flatten(e)]
    return []


def edges(node):
    """(upstream, downstream) pairs of a chain a >> b >> [c, d]."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.RShift):
        left = node.left
        pairs = edges(left)
        ups = flatten(left.right) if isinstance(left, ast.BinOp) else flatten(left)
        for u in ups:
            for d in flatten(node.right):
                pairs.append([u, d])
        return pairs
    return []
