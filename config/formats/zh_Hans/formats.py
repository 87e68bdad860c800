"""Number and date formats for zh-hans, on top of Django's own.

Django's zh_Hans locale has no thousands separator and groups by four, so
``intcomma`` printed 59403; offices read 59,403. Grouping applies only where a
template asks for it (``intcomma``): USE_THOUSAND_SEPARATOR stays off, so
years and ids are never split. One date style everywhere: 2018年10月1日.
"""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
MONTH_DAY_FORMAT = "n月j日"
