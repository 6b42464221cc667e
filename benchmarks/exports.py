"""The matrix's exports: the XLSX (openpyxl, write-only) beside the CSV of the same rows."""

from django.test import Client
from django.urls import reverse


def export_figures(world, *, side_by_side, check, queries_of):
    """Median ms of each export of the whole programme, their runs interleaved; the ratio."""
    client = Client()
    client.force_login(world["officer"])
    slug = world["programme"].slug
    paths = {
        "CSV": reverse("milestones:programme_csv", args=[slug]),
        "XLSX": reverse("milestones:programme_xlsx", args=[slug]),
    }
    sizes = {name: len(check(client.get(path)).content) for name, path in paths.items()}
    times = side_by_side(
        {name: (None, lambda path=path: check(client.get(path))) for name, path in paths.items()}
    )
    return {
        "ms": times,
        "bytes": sizes,
        "queries": {
            name: queries_of(lambda path=path: check(client.get(path)))
            for name, path in paths.items()
        },
        "XLSX / CSV": round(times["XLSX"] / times["CSV"], 2),
    }


def export_lines(size, figures):
    """The table's line for ``figures`` of ``size``."""
    return (
        f"6. matrix exports, {size}: CSV {figures['ms']['CSV']} ms "
        f"({figures['bytes']['CSV']} bytes, {figures['queries']['CSV']} queries), "
        f"XLSX {figures['ms']['XLSX']} ms ({figures['bytes']['XLSX']} bytes, "
        f"{figures['queries']['XLSX']} queries): XLSX / CSV {figures['XLSX / CSV']} "
        "(target <= 3)"
    )
