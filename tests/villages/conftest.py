import io

import pytest
from openpyxl import Workbook


def xlsx(header, rows, *, name="data.xlsx"):
    """An in-memory workbook, as an upload would arrive."""
    wb = Workbook()
    ws = wb.active
    if header is not None:
        ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = name
    return buffer


@pytest.fixture
def make_xlsx():
    return xlsx
