"""The programme matrix for spreadsheets: one row per cluster and plan item, as CSV and XLSX.

Both files have the same columns. Days are ISO dates in the CSV and real dates in the XLSX, so
that a spreadsheet sorts them; the form of the date says how to read them (a window's two days
bound a day not fixed yet).
"""

import csv
import io

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from milestones.dates import Form
from milestones.matrix import CellState, cells_of

# Excel reads a CSV as UTF-8 only when it starts with the byte order mark.
BOM = "\ufeff"


def header():
    return [
        _("Cluster"),
        _("Plan item"),
        _("Form of the date"),
        _("Start"),
        _("End"),
        _("Time / cut-off"),
        _("Status"),
        _("State"),
        _("Overdue"),
        _("Outside the plan's window"),
    ]


def form_of(milestone):
    """day, span, window or deadline: how the start and end columns are meant."""
    when = milestone.when
    if when.form == Form.WINDOW:
        return pgettext("form of a date", "window")
    if when.form == Form.SPAN:
        return pgettext("form of a date", "span")
    if milestone.is_deadline:
        return pgettext("form of a date", "deadline")
    return pgettext("form of a date", "day")


def rows(*, plan_items, clusters, moment):
    """Each cluster (in ``clusters``' order) with each plan item: a list of values, dates as
    ``datetime.date``, times as ``datetime.time``, yes/no as booleans."""
    cells = cells_of(clusters=clusters, plan_items=plan_items, moment=moment)
    for cluster in clusters:
        for item in plan_items:
            milestone = cells.get((cluster.pk, item.pk))
            if milestone is None:
                state = _("not in scope")
                yield [cluster.name, item.title, "", None, None, None, "", state, None, None]
                continue
            yield [
                cluster.name,
                item.title,
                form_of(milestone),
                milestone.starts_on,
                milestone.ends_on,
                milestone.starts_at if not milestone.is_tentative else None,
                milestone.get_status_display(),
                str(CellState(milestone.state).label),
                milestone.state == CellState.OVERDUE,
                milestone.is_outside_plan_window,
            ]


def csv_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if hasattr(value, "isoformat"):
        # 12:00, not 12:00:00: cut-offs are whole minutes.
        return value.isoformat(timespec="minutes") if hasattr(value, "hour") else value.isoformat()
    return str(value)


def write_csv(out, values):
    """The CSV into the text stream ``out``: the byte order mark, a header row, the rows."""
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow(header())
    for row in values:
        writer.writerow([csv_value(value) for value in row])


def xlsx_bytes(values):
    """The XLSX file: one sheet, a bold frozen header row, dates and times as such."""
    # write_only: rows go to the file as they come, not into a tree of cells in memory.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Matrix"))
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHIJ", (28, 36, 12, 12, 12, 10, 14, 16, 10, 12), strict=True):
        sheet.column_dimensions[column].width = width
    bold = Font(bold=True)
    sheet.append([_header_cell(sheet, text, bold) for text in header()])
    for row in values:
        sheet.append([_cell(sheet, value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _header_cell(sheet, text, font):
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = font
    return cell


def _cell(sheet, value):
    if value is None or isinstance(value, str | bool):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = "hh:mm" if hasattr(value, "hour") else "yyyy-mm-dd"
    return cell
