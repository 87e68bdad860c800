"""Which xlsx writer to use for the big exports: each one writes the household export's rows.

Not a test: run on demand against the database of DATABASE_URL (the province demo on PostgreSQL for
the 2,016,228-household figure):

    DATABASE_URL=postgres://…/fupin_mine python tests/perf/bench_excel_writers.py [--rows N] [--writers a,b]

XlsxWriter is not a dependency of the product: install it beside to include it (pip install xlsxwriter).
Each writer runs in a process of its own (so its peak memory is its own) on the same rows: the
household export's query, masked ID and phone numbers, 是/否 cells, and, on every 1,000th row, a
head of household's name that looks like a formula ("=1+1", "@SUM(A1)", "-2"), which must stay
text. Prints the time, the peak RSS, the file's size, and whether the sheet holds a formula (it
must not: no <f> in the sheet XML). "query only" reads the rows and writes nothing: the rest of
each time is the writer's.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WRITERS = ["query only", "openpyxl write-only", "xlsxwriter constant_memory", "rustpy-xlsxwriter", "villages.excel"]
FORMULA_LIKE = ["=1+1", "@SUM(A1)", "-2", "+86"]


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def export_rows(limit):
    """The household export's rows, as its view builds them (values_list, masked numbers, labels)."""
    from villages.choices import GUARANTEES, HouseholdStatus
    from villages.models import Household
    from villages.validators import mask_id_number, mask_phone

    flags = ["is_dibao", "is_wubao", "is_serious_illness", "is_disabled", "is_elderly", "is_low_income"]
    guarantees = [name for name, _ in GUARANTEES]
    labels = dict(HouseholdStatus.choices)
    qs = Household.objects.order_by().values_list(
        "village__county__name", "village__township__name", "village__name", "head_name", "head_id_number",
        "head_phone", "member_count", "status", "identified_year", "exit_year", *flags, *guarantees,
        "helper_name", "measures", "income_measure_count", "village__code",
    )
    if limit:
        qs = qs[:limit]
    for i, (county, township, village, name, idn, phone, members, status, identified, exit_year, *marks, helper,
            measures, income, code) in enumerate(qs.iterator(chunk_size=5000)):
        if i % 1000 == 0:
            name = FORMULA_LIKE[(i // 1000) % len(FORMULA_LIKE)]
        yield [county, township, village, name, mask_id_number(idn), mask_phone(phone), members, labels[status],
               identified, exit_year, *(None if v is None else ("是" if v else "否") for v in marks), helper, measures,
               income, code]


HEADERS = ["县（市、区）", "乡（镇）", "村", "户主姓名", "户主身份证号", "联系电话", "家庭人口", "状态", "识别年份", "脱贫年份",
           "低保户", "五保户/特困供养", "重病户", "残疾人户", "老人户", "低收入户", "不愁吃", "不愁穿", "义务教育", "基本医疗",
           "住房安全", "饮水安全", "帮扶责任人", "帮扶措施", "增收措施数", "村代码"]


def write(writer, rows, path):
    if writer == "query only":
        n = 0
        for _ in rows:
            n += 1
        return
    if writer == "openpyxl write-only":
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("贫困户")
        ws.append(HEADERS)
        for row in rows:
            cells = []
            for v in row:
                cell = WriteOnlyCell(ws, value=v)
                if isinstance(v, str) and v.startswith(("=", "+", "-", "@")):
                    cell.data_type = "s"
                cells.append(cell)
            ws.append(cells)
        wb.save(path)
    elif writer == "xlsxwriter constant_memory":
        import xlsxwriter

        wb = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                        "strings_to_numbers": False, "strings_to_urls": False})
        ws = wb.add_worksheet("贫困户")
        ws.write_row(0, 0, HEADERS)
        for r, row in enumerate(rows, start=1):
            ws.write_row(r, 0, row)
        wb.close()
    elif writer == "rustpy-xlsxwriter":
        from rustpy_xlsxwriter import FastExcel

        FastExcel(path).sheet("贫困户", (dict(zip(HEADERS, row, strict=True)) for row in rows)).save()
    elif writer == "villages.excel":
        from villages.excel import write_xlsx

        with open(path, "wb") as fh:
            write_xlsx(fh, sheet_title="贫困户", headers=HEADERS, rows=rows)


def phase(writer, limit, path):
    setup_django()
    started, cpu = time.monotonic(), _cpu()
    try:
        write(writer, export_rows(limit), path)
    except ImportError as e:
        print(f"| {writer} | not installed ({e.name}) | | | | |", flush=True)
        return
    elapsed, cpu = time.monotonic() - started, _cpu() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = formula = text_kept = "—"
    if os.path.exists(path):
        size = f"{os.path.getsize(path) / 1024 / 1024:.1f} MB"
        with zipfile.ZipFile(path) as zf:
            sheet = next(n for n in zf.namelist() if n.startswith("xl/worksheets/sheet"))
            formula = "yes" if _contains(zf, sheet, b"<f>") or _contains(zf, sheet, b"<f ") else "no"
            text_kept = "yes" if _formula_text_kept(path) else "NO"
    print(f"| {writer} | {elapsed:.1f} s | {cpu:.1f} s | {peak:.0f} MB | {size} | {formula} | {text_kept} |", flush=True)


def _cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _contains(zf, name, needle):
    tail = b""
    with zf.open(name) as fh:
        while chunk := fh.read(1 << 20):
            if needle in tail + chunk:
                return True
            tail = chunk[-len(needle):]
    return False


def _formula_text_kept(path):
    """The first formula-looking name (row 2, column D) reads back as the text it was."""
    from python_calamine import CalamineWorkbook

    with open(path, "rb") as fh:
        sheet = CalamineWorkbook.from_filelike(fh).get_sheet_by_index(0)
        for i, row in enumerate(sheet.iter_rows()):
            if i == 1:
                return row[3] == FORMULA_LIKE[0]
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=0, help="at most this many households (default: all)")
    parser.add_argument("--writers", default=",".join(WRITERS))
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        phase(args.phase, args.rows, args.file)
        return
    print(f"household export rows: {args.rows or 'all'}")
    print("| writer | time | CPU time (this process) | peak RSS | file | formula in the sheet | "
          "formula-looking text kept as text |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for writer in args.writers.split(","):
            path = os.path.join(tmp, "out.xlsx")
            subprocess.run([sys.executable, __file__, "--phase", writer, "--rows", str(args.rows), "--file", path],
                           check=False)
            if os.path.exists(path):
                os.unlink(path)


if __name__ == "__main__":
    main()
