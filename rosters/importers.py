"""Read a roster workbook (SPEC §5) into normalised rows, whatever its cosmetics.

Three shapes, one per kind of team:

- 指导小组 (ZZ 附件1):   小组 · 县（市、区） · 组长 · 成员
- 督查小组 (HY 二):      组 · 负责县区 · 组长 · 成员 · 联络员
- 挂牌督战 (HN 附件1):   姓名 · 职务 · 县（市、区）

Headers may come in any order, with spaces and full- or half-width brackets;
multi-valued cells are split on 、 ， , ; ； and line breaks; merged cells and
blank cells of a continuation row inherit the value above.
"""

import re
from dataclasses import dataclass, field

from openpyxl import load_workbook

from villages.excel import check_upload

from .choices import TeamKind

SPLIT_RE = re.compile(r"[、，,;；\n\r]+")
LIAISON_RE = re.compile(r"^(?P<name>[^（(]+?)\s*[（(](?P<county>[^）)]+)[）)]$")
UNIT_SUFFIX = "工作人员"

# Normalised header → field. A header is normalised by dropping whitespace and
# turning full-width brackets into half-width ones.
HEADER_ALIASES = {
    "team": ["小组", "组", "组别", "小组名称", "督查小组"],
    "counties": ["县(市、区)", "县(市,区)", "县(区)", "县", "负责县区", "分包县(市、区)", "分包县(市)区", "负责县(区)"],
    "leader": ["组长"],
    "members": ["成员", "组员"],
    "liaisons": ["联络员"],
    "name": ["姓名"],
    "position": ["职务"],
}
HEADER_LABELS = {
    "team": "小组/组", "counties": "县（市、区）", "leader": "组长", "members": "成员", "liaisons": "联络员",
    "name": "姓名", "position": "职务",
}
REQUIRED = {
    TeamKind.GUIDANCE: ["team", "counties", "leader"],
    TeamKind.INSPECTION: ["team", "counties", "leader"],
    TeamKind.LISTED: ["name", "counties"],
}


def normalise_header(value) -> str:
    text = re.sub(r"\s+", "", str(value or ""))
    return text.replace("（", "(").replace("）", ")").replace("，", ",")


def normalise_place(value: str) -> str:
    """嵩 县 → 嵩县: place names never contain spaces."""
    return re.sub(r"\s+", "", value or "")


def split_values(value) -> list[str]:
    return [v.strip() for v in SPLIT_RE.split(str(value or "")) if v.strip()]


def split_members(value) -> list[tuple[str, bool]]:
    """成员 → [(name, is_unit)]. "秘书科、对口科工作人员" means the staff of both sections."""
    parts = split_values(value)
    out = []
    for i, part in enumerate(parts):
        is_unit = part.endswith(UNIT_SUFFIX) or (
            part.endswith(("科", "组", "中心", "办")) and any(p.endswith(UNIT_SUFFIX) for p in parts[i + 1:])
        )
        if is_unit and not part.endswith(UNIT_SUFFIX):
            part += UNIT_SUFFIX
        out.append((re.sub(r"\s+", "", part) if not is_unit else part, is_unit))
    return out


@dataclass
class RosterRow:
    row: int  # the row number in the sheet, as the user sees it
    team: str
    counties: list[str]
    leader: str = ""
    position: str = ""
    members: list[tuple[str, bool]] = field(default_factory=list)
    liaisons: list[tuple[str, str | None]] = field(default_factory=list)  # (name, county or None)


@dataclass
class ReadResult:
    kind: str | None
    rows: list[RosterRow]
    errors: list[str]


def detect_kind(columns: dict) -> str | None:
    if "name" in columns and "position" in columns:
        return TeamKind.LISTED
    if "liaisons" in columns:
        return TeamKind.INSPECTION
    if "team" in columns:
        return TeamKind.GUIDANCE
    return None


def _find_header(ws):
    """The first row (of the first 10) that names at least two known columns."""
    lookup = {alias: key for key, aliases in HEADER_ALIASES.items() for alias in aliases}
    for r, values in enumerate(ws.iter_rows(min_row=1, max_row=10, values_only=True), start=1):
        columns = {}
        for c, value in enumerate(values):
            key = lookup.get(normalise_header(value))
            if key and key not in columns:
                columns[key] = c
        if len(columns) >= 2:
            return r, columns
    return None, {}


def read_roster(file, *, kind=None) -> ReadResult:
    """Read and normalise; errors are Chinese sentences naming the row."""
    check_upload(file)
    try:
        wb = load_workbook(file, data_only=True)
    except Exception:  # noqa: BLE001 — openpyxl raises many kinds on a broken file
        return ReadResult(kind, [], ["无法读取该 Excel 文件，请确认文件未损坏且为 .xlsx 格式。"])
    ws = wb.worksheets[0]
    # Merged cells: every cell of a merged range takes the top-left value.
    for merged in list(ws.merged_cells.ranges):
        value = ws.cell(merged.min_row, merged.min_col).value
        ws.unmerge_cells(str(merged))
        for row in ws.iter_rows(min_row=merged.min_row, max_row=merged.max_row, min_col=merged.min_col, max_col=merged.max_col):
            for cell in row:
                cell.value = value

    header_row, columns = _find_header(ws)
    if header_row is None:
        return ReadResult(kind, [], ["找不到表头：第一张工作表的前10行中没有“小组/组、县（市、区）、组长”或“姓名、职务、县（市、区）”等列名。"])
    detected = detect_kind(columns)
    kind = kind or detected
    if kind is None:
        return ReadResult(None, [], ["无法判断名单类型，请用 --kind 指定（指导小组 guidance / 督查小组 inspection / 挂牌督战 listed）。"])
    missing = [HEADER_LABELS[k] for k in REQUIRED[kind] if k not in columns]
    if missing:
        return ReadResult(kind, [], [f"缺少必需的列：{'、'.join(missing)}（表头在第{header_row}行）。"])

    team_key = "name" if kind == TeamKind.LISTED else "team"
    rows, errors, previous = [], [], {}
    for r, values in enumerate(ws.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1):
        cells = {key: (str(values[c]).strip() if c < len(values) and values[c] is not None else "") for key, c in columns.items()}
        if not any(cells.values()):
            continue  # blank rows between teams are harmless
        if not cells[team_key] and previous:
            # A continuation row: blank cells inherit the row above (merged cells too).
            cells = {k: v or previous.get(k, "") for k, v in cells.items()}
        previous = cells
        if not cells[team_key]:
            errors.append(f"第{r}行：{HEADER_LABELS[team_key]}为空。")
            continue
        counties = [normalise_place(c) for c in split_values(cells.get("counties"))]
        if not counties:
            errors.append(f"第{r}行：{HEADER_LABELS['counties']}为空。")
            continue
        row = RosterRow(row=r, team=re.sub(r"\s+", "", cells[team_key]), counties=counties)
        if kind == TeamKind.LISTED:
            row.leader = row.team
            row.position = cells.get("position", "")
        else:
            leaders = split_values(cells.get("leader"))
            if not leaders:
                errors.append(f"第{r}行（{row.team}）：组长为空。")
                continue
            if len(leaders) > 1:
                errors.append(f"第{r}行（{row.team}）：组长只能填写一人，现为“{cells['leader']}”。")
                continue
            row.leader = re.sub(r"\s+", "", leaders[0])
            row.members = split_members(cells.get("members"))
            for item in split_values(cells.get("liaisons")):
                match = LIAISON_RE.match(item)
                if match:
                    row.liaisons.append((re.sub(r"\s+", "", match["name"]), normalise_place(match["county"])))
                else:
                    row.liaisons.append((re.sub(r"\s+", "", item), None))
        rows.append(row)
    if not rows and not errors:
        errors.append("表格中没有名单数据。")
    return ReadResult(kind, rows, errors)


# The downloadable template of each roster shape: the headers the reader expects
# (the first alias of each field), and what each column takes on a second sheet.
TEMPLATE_COLUMNS = {
    TeamKind.GUIDANCE: [
        ("小组", "组名，如 第一小组", True), ("县（市、区）", "分包的县（市、区），多个用、分隔", True),
        ("组长", "姓名，可在括号中写职务", True), ("成员", "姓名，多个用、分隔；如“秘书科、对口科工作人员”", False),
    ],
    TeamKind.INSPECTION: [
        ("组", "组名，如 第一组", True), ("负责县区", "负责的县（区），多个用、分隔", True), ("组长", "姓名", True),
        ("成员", "姓名，多个用、分隔", False), ("联络员", "每县一名，写作 姓名（县名），多个用、分隔", False),
    ],
    TeamKind.LISTED: [
        ("姓名", "挂牌督战的负责同志", True), ("职务", "如 副省长", False), ("县（市、区）", "督战的县（市、区）", True),
    ],
}


def template_workbook(kind) -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    columns = TEMPLATE_COLUMNS[TeamKind(kind)]
    wb = Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append([header for header, _, _ in columns])
    for cell, (header, _, required) in zip(ws[1], columns, strict=True):
        cell.font = Font(bold=True)
        if required:
            cell.fill = PatternFill("solid", fgColor="FFF2CC")
        ws.column_dimensions[cell.column_letter].width = 24 if header in {"成员", "联络员", "县（市、区）"} else 14
    ws.freeze_panes = "A2"
    notes = wb.create_sheet("填写说明")
    notes.append(["列", "是否必填", "说明"])
    for header, help_text, required in columns:
        notes.append([header, "必填" if required else "", help_text])
    notes.append([])
    for line in ("表头可以任意顺序；一个单元格中的多个姓名或县名用、，；或换行分隔。",
                 "合并单元格或空白单元格沿用上一行（同一小组占多行时只需在第一行写组名）。",
                 "先上传预览，确认无误后再写入；有任何错误时不会写入任何数据。"):
        notes.append([line])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    notes.column_dimensions["A"].width, notes.column_dimensions["C"].width = 16, 60
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
