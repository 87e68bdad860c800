from django.db import migrations

# HN 三(七): 贫困村交通、电力、水利、教育、文化、卫生医疗等基础设施和基本公共服务落实情况，村级集体经济发展情况.
# HN 四(一)3 counts 11 exit indicators without naming them; the admin completes and edits the list.
INDICATORS = [
    ("交通", "通硬化路、通客车等村内交通条件。"),
    ("电力", "通动力电，生产生活用电有保障。"),
    ("水利（饮水）", "安全饮水、农田水利条件。"),
    ("教育", "义务教育有保障，无因贫失学辍学。"),
    ("文化", "有综合性文化服务中心等公共文化设施。"),
    ("卫生医疗", "有标准化卫生室和合格村医。"),
    ("村级集体经济", "村级集体经济有稳定收入。"),
]


def seed(apps, schema_editor):
    ExitIndicator = apps.get_model("supervision", "ExitIndicator")
    for order, (name, description) in enumerate(INDICATORS, start=1):
        ExitIndicator.objects.get_or_create(name=name, defaults={"description": description, "order": order})


def unseed(apps, schema_editor):
    apps.get_model("supervision", "ExitIndicator").objects.filter(
        name__in=[n for n, _ in INDICATORS], statuses__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
