"""The API: a page of 100 milestones against the trivial page, and its queries at each size."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

import django

django.setup()

from django.test import Client  # noqa: E402

from milestones.api.tokens import issue_api_token  # noqa: E402
from milestones.models import ApiTokenScope  # noqa: E402

PAGE = "/api/v1/milestones/?page_size=100"


def api_figures(world, *, side_by_side, check, queries_of):
    """Median ms of the first page, a later page (by its cursor) and the trivial page, their
    runs interleaved, and the queries of each API page."""
    _token, raw_token = issue_api_token(
        person=world["officer"],
        name="bench",
        scope=ApiTokenScope.PROGRAMME,
        programme=world["programme"],
    )
    api = Client(headers={"authorization": f"Bearer {raw_token}"})
    browser = Client()
    browser.force_login(world["officer"])
    first = check(api.get(PAGE)).json()
    later = first["next"]
    assert len(first["results"]) == 100
    pages = {
        "trivial page": (browser, "/bench/trivial/"),
        "API, first page of 100 milestones": (api, PAGE),
        "API, a later page (cursor)": (api, later),
    }
    for _ in range(10):
        for client, path in pages.values():
            check(client.get(path))
    times = side_by_side(
        {
            name: (None, lambda client=client, path=path: check(client.get(path)))
            for name, (client, path) in pages.items()
        }
    )
    return {
        "ms": times,
        "queries": {
            name: queries_of(lambda client=client, path=path: check(client.get(path)))
            for name, (client, path) in pages.items()
        },
        "ratio to trivial": {
            name: round(ms / times["trivial page"], 2) for name, ms in times.items()
        },
    }


def api_lines(size, figures):
    """The table's line for ``figures`` of ``size``."""
    cells = "; ".join(
        f"{name} {figures['ms'][name]} ms ({figures['ratio to trivial'][name]}x, "
        f"{figures['queries'][name]} queries)"
        for name in figures["ms"]
    )
    return f"7. API, {size}: {cells}"


def main():
    """The API's figures alone: ``python -m benchmarks.api`` (BENCH_SIZES as make bench)."""
    from benchmarks import data, run

    run.call_command("migrate", verbosity=0)
    for size in run.SIZES:
        world = data.build(size)
        run.connection.close()
        figures = api_figures(
            world, side_by_side=run.side_by_side, check=run.check, queries_of=run.queries_of
        )
        print(api_lines(f"{size} ({world['milestones']} milestones)", figures), flush=True)


if __name__ == "__main__":
    main()
