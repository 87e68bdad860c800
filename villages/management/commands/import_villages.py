from villages.services import village_import

from ._import import ImportCommand


class Command(ImportCommand):
    help = ("从 Excel 导入村及其基本情况：按 市/县/乡/村 匹配（市可不填），乡（镇）中没有的村会新建，"
            "县、乡镇不会新建；先检查整个文件，有错误则逐行列出且不写入任何数据。")
    service = staticmethod(village_import)
    unit = "个村"
