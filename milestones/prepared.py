"""Queries whose SQL never changes for a key, compiled by the ORM once per process.

Building and compiling a query with the ORM costs a millisecond or two, more than the
database takes to answer the dashboard's; a page that asks the same question for the same
person at every request has it compiled once. The SQL decides everything at run time (a
person's clusters are a subquery in it), so reusing it is as current as compiling it again.
The rows come back as the ORM gives them, through the ORM's own converters.
"""

from django.core.exceptions import EmptyResultSet
from django.db import connections

_compiled = {}
# Entries kept per process before starting afresh: one or two per person who logs in.
KEPT = 10_000


def values_rows(key, build):
    """The rows of ``build()``, a ``values_list`` queryset that names its annotations last.

    The rows are read in the order of the SQL's columns, which puts annotations after the
    fields: named in that order, the ORM would not have reordered them either.

    ``key`` must name everything the query's SQL depends on (say, the person's id); ``build``
    is called only when the key is new.
    """
    queryset = None
    alias = None
    entry = _compiled.get(key)
    if entry is None:
        queryset = build()
        alias = queryset.db
        compiler = queryset.query.get_compiler(using=alias)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return []
        converters = compiler.get_converters([column for column, _, _ in compiler.select])
        entry = (alias, sql, tuple(params), compiler, converters)
        if len(_compiled) >= KEPT:
            _compiled.clear()
        _compiled[key] = entry
    alias, sql, params, compiler, converters = entry
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if converters:
        return [tuple(row) for row in compiler.apply_converters(rows, converters)]
    return [tuple(row) for row in rows]
