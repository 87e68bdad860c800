from django.core.management.base import BaseCommand

from rosters.permissions import MATRIX


def matrix_table() -> str:
    """The permission matrix as a Markdown table (the README's 权限矩阵 section is this output)."""
    lines = ["| 操作 | 对象 | 谁可以 | 权限名 |", "|---|---|---|---|"]
    lines += [f"| {p.action} | {p.obj} | {p.rule} | `{p.name}` |" for p in MATRIX]
    return "\n".join(lines)


class Command(BaseCommand):
    help = "打印权限矩阵（角色 × 操作 × 对象），即 README 中“权限矩阵”一节的表格。"

    def handle(self, *args, **options):
        self.stdout.write(matrix_table())
