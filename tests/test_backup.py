"""The backups the README documents restore every row into an empty database: dumpdata and
loaddata (any database), pg_dump and pg_restore (PostgreSQL); and the submitted files with them."""

import datetime
import hashlib
import io
import os
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
import time_machine
from django.apps import apps
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from psycopg import sql

from milestones import services
from milestones.models import (
    Draft,
    Membership,
    Milestone,
    Role,
    Status,
    Submission,
    SubmissionFile,
)
from tests import samples


def to_the_millisecond(value):
    """Django's JSON format keeps times to the millisecond, so a restore is compared at that."""
    if isinstance(value, datetime.datetime | datetime.time):
        return value.replace(microsecond=value.microsecond // 1000 * 1000)
    return value


def snapshot():
    """Every row of the project's own models (and their history), field by field, per model."""
    return {
        model._meta.label: [
            {name: to_the_millisecond(value) for name, value in row["fields"].items()}
            | {"pk": row["pk"]}
            for row in serializers.serialize("python", model.objects.order_by("pk"))
        ]
        for model in apps.get_app_config("milestones").get_models()
    }


def test_dump_restores_every_row_into_an_empty_database(transactional_db, tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    before = snapshot()
    dump = tmp_path / "c4f.json"
    call_command(
        "dumpdata",
        "--natural-foreign",
        "--exclude=contenttypes",
        "--exclude=auth.permission",
        f"--output={dump}",
    )

    call_command("flush", "--noinput")
    emptied = sum(model.objects.count() for model in apps.get_app_config("milestones").get_models())
    call_command("loaddata", str(dump), stdout=io.StringIO())

    assert emptied == 0
    assert sum(len(rows) for rows in before.values()) > 30
    assert snapshot() == before


def test_a_restore_keeps_times_to_the_millisecond(transactional_db, tmp_path):
    """The one loss the JSON format has: microseconds below the millisecond (never a day or a time)."""
    call_command("load_demo", stdout=io.StringIO())
    edited = datetime.datetime(2024, 3, 28, 7, 0, 0, 999, tzinfo=datetime.UTC)
    Milestone.objects.update(updated_at=edited)
    dump = tmp_path / "c4f.json"
    call_command("dumpdata", "milestones.Milestone", f"--output={dump}")
    call_command("loaddata", str(dump), stdout=io.StringIO())

    assert set(Milestone.objects.values_list("updated_at", flat=True)) == {
        edited.replace(microsecond=0)
    }


def test_a_restore_over_changed_rows_brings_back_the_rows_as_dumped(transactional_db, tmp_path):
    """Loading a backup saves each row raw: no sequence or date version rises, and no
    milestone or person is touched, by the milestones, responsibilities and memberships
    loaded."""
    call_command("load_demo", stdout=io.StringIO())
    before = snapshot()
    dump = tmp_path / "c4f.json"
    call_command("dumpdata", "milestones", "--natural-foreign", f"--output={dump}")
    milestone = Milestone.objects.filter(responsibilities__isnull=False).first()
    services.set_status(milestone=milestone, status=Status.DONE, by=None)
    services.change_milestone(
        milestone=milestone, changes={"starts_on": datetime.date(2024, 4, 9)}, by=None
    )
    member = Membership.objects.filter(role=Role.MEMBER).select_related("person").first()
    services.change_membership(membership=member, changes={"role": Role.COORDINATOR})

    with time_machine.travel(datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC), tick=False):
        call_command("loaddata", str(dump), stdout=io.StringIO())

    restored = snapshot()
    # The changes' own historical rows stay: loaddata adds rows, it does not delete any.
    history, members = "milestones.HistoricalMilestone", "milestones.MembershipChange"
    assert (len(restored[history]), len(restored[members])) == (
        len(before[history]) + 2,
        len(before[members]) + 1,
    )
    assert {**restored, history: before[history], members: before[members]} == before


def postgres_tool(name, major):
    """pg_dump or pg_restore of the server's major version (Debian keeps several side by side)."""
    for candidate in (Path(f"/usr/lib/postgresql/{major}/bin/{name}"), shutil.which(name)):
        if candidate and Path(candidate).exists():
            version = subprocess.run(
                [str(candidate), "--version"], capture_output=True, text=True, check=True
            ).stdout
            if version.split()[2].split(".")[0] == str(major):
                return str(candidate)
    pytest.skip(f"no {name} of PostgreSQL {major} installed")


def every_row(database_name):
    """Every row of every table of the database, sorted, by table name."""
    settings = connection.settings_dict
    rows = {}
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=database_name,
    ) as database:
        tables = database.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        ).fetchall()
        for (table,) in tables:
            query = sql.SQL("SELECT * FROM {}").format(sql.Identifier(table))
            rows[table] = sorted(database.execute(query).fetchall(), key=repr)
    return rows


@pytest.fixture
def empty_database():
    name = f"{connection.settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield name
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


@pytest.mark.postgres_only
def test_pg_dump_restores_every_row_into_an_empty_database(
    transactional_db, tmp_path, empty_database
):
    call_command("load_demo", stdout=io.StringIO())
    call_command("send_reminders", "--dry-run", stdout=io.StringIO())
    settings = connection.settings_dict
    major = connection.pg_version // 10000
    environment = {**os.environ, "PGPASSWORD": settings["PASSWORD"] or ""}
    server = ["--host", settings["HOST"], "--port", str(settings["PORT"] or 5432)]
    server += ["--username", settings["USER"]]
    dump = tmp_path / "c4f.dump"

    pg_dump = [postgres_tool("pg_dump", major), "--format=custom", f"--file={dump}", *server]
    pg_restore = [postgres_tool("pg_restore", major), "--no-owner", "--exit-on-error", *server]

    subprocess.run(
        [*pg_dump, settings["NAME"]],
        env=environment,
        check=True,
    )
    subprocess.run(
        [*pg_restore, f"--dbname={empty_database}", str(dump)],
        env=environment,
        check=True,
    )

    original = every_row(settings["NAME"])
    restored = every_row(empty_database)
    assert sum(len(rows) for rows in original.values()) > 100
    assert original["milestones_milestone"] != []
    assert restored == original


def file_rows():
    return {
        (row.name, row.submission_id): (row.size, row.sha256)
        for row in SubmissionFile.objects.all()
    }


def save_file(milestone, name, data, submission=None):
    row = SubmissionFile(
        milestone=milestone,
        submission=submission,
        name=name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content_type="application/pdf",
    )
    row.file.save(name, ContentFile(data))
    return row


def test_a_backup_of_database_and_files_restores_every_file_with_its_checksum(
    transactional_db, tmp_path, settings, make_milestone, coordinator
):
    milestone = make_milestone()
    Draft.objects.create(milestone=milestone, note="Almost there")
    save_file(milestone, "Draft strategy.pdf", samples.PDF + b"draft")
    submission = Submission.objects.create(
        milestone=milestone, number=1, submitted_by=coordinator, submitted_by_name="Cora"
    )
    save_file(milestone, "Strategy.pdf", samples.PDF + b"v1", submission)
    save_file(milestone, "Annex München.pdf", samples.PDF + bytes(300_000), submission)
    before = file_rows()
    folder = Path(settings.STORAGES["submissions"]["OPTIONS"]["location"])

    # As the README says: the database dump first, then the files.
    dump, files = tmp_path / "c4f.json", tmp_path / "c4f-files.tar"
    call_command(
        "dumpdata",
        "--natural-foreign",
        "--exclude=contenttypes",
        "--exclude=auth.permission",
        f"--output={dump}",
    )
    subprocess.run(["tar", "-C", str(folder), "-cf", str(files), "."], check=True)

    call_command("flush", "--noinput")
    empty = tmp_path / "restored"
    empty.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "submissions": {**settings.STORAGES["submissions"], "OPTIONS": {"location": empty}},
    }
    assert not SubmissionFile.objects.exists()
    call_command("loaddata", str(dump), stdout=io.StringIO())
    subprocess.run(["tar", "-C", str(empty), "-xf", str(files)], check=True)

    assert file_rows() == before
    assert Draft.objects.get().note == "Almost there"
    for row in SubmissionFile.objects.all():
        with row.file.open("rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == row.sha256
        assert row.file.storage.location == str(empty)
