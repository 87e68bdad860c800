from villages.services import household_import

from ._import import ImportCommand


class Command(ImportCommand):
    help = ("从 Excel 导入贫困户：按身份证号匹配已有户，按 县/乡/村 匹配村；先检查整个文件，"
            "有错误则逐行列出且不写入任何数据。")
    service = staticmethod(household_import)
    unit = "户"
