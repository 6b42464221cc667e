"""The iCalendar export: every date form read back by two parsers, the raw text, the traps."""

import datetime
import zoneinfo

import icalendar
import pytest
import time_machine
import vobject
from django.utils import translation
from hypothesis import assume, given
from hypothesis import strategies as st

from milestones import dates, ical
from milestones.models.milestone import DEADLINE_KINDS, Kind, Milestone, Status
from milestones.models.programmes import Cluster, Programme
from milestones.services import change_milestone, set_status

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
UTC = datetime.UTC
CREATED = datetime.datetime(2024, 1, 10, 9, 30, tzinfo=UTC)


def day(year, month, number):
    return datetime.date(year, month, number)


def load(milestones):
    """Reload from the database as a feed does: cluster, programme and people in few queries."""
    return list(
        Milestone.objects.filter(pk__in=[m.pk for m in milestones])
        .select_related("cluster__programme")
        .prefetch_related("responsibilities__person")
        .order_by("pk")
    )


def feed(milestones, *, language="en", spans_clusters=False):
    return ical.build_calendar(
        milestones=load(milestones), name="Feed", language=language, spans_clusters=spans_clusters
    )


def events_by_icalendar(body):
    calendar = icalendar.Calendar.from_ical(body)
    return {
        str(event["SUMMARY"]): (
            event.decoded("DTSTART"),
            event.decoded("DTEND") if "DTEND" in event else None,
            str(event["STATUS"]),
            str(event["TRANSP"]),
        )
        for event in calendar.walk("VEVENT")
    }


def events_by_vobject(body):
    calendar = vobject.readOne(body.decode(), validate=True)
    return {
        event.summary.value: (
            event.dtstart.value,
            event.dtend.value if hasattr(event, "dtend") else None,
            event.status.value,
            event.transp.value,
        )
        for event in calendar.vevent_list
    }


def unfolded_lines(body):
    return body.decode().replace("\r\n ", "").split("\r\n")


def event_lines(body):
    lines = unfolded_lines(body)
    return lines[lines.index("BEGIN:VEVENT") : lines.index("END:VEVENT") + 1]


@pytest.fixture
def every_form(make_milestone):
    """One milestone of each date form, among them times on both sides of a DST change."""
    with time_machine.travel(CREATED, tick=False):
        return [
            make_milestone(title="Strategy (day)", starts_on=day(2024, 4, 2)),
            # Berlin switches to summer time on 31 March 2024: 12:00 is 11:00 UTC before...
            make_milestone(
                title="Report before DST",
                kind=Kind.PROGRESS_REPORT,
                starts_on=day(2024, 3, 29),
                starts_at=datetime.time(12),
            ),
            # ... and 10:00 UTC after.
            make_milestone(
                title="Strategy after DST", starts_on=day(2024, 4, 2), starts_at=datetime.time(12)
            ),
            make_milestone(
                title="Jury meeting",
                kind=Kind.JURY_MEETING,
                starts_on=day(2024, 7, 2),
                starts_at=datetime.time(10),
            ),
            make_milestone(
                title="Jury rehearsal",
                kind=Kind.OTHER,
                starts_on=day(2024, 7, 1),
                starts_at=datetime.time(14),
                ends_at=datetime.time(16, 30),
            ),
            make_milestone(
                title="Workshop",
                kind=Kind.OTHER,
                starts_on=day(2024, 5, 14),
                ends_on=day(2024, 5, 16),
            ),
            make_milestone(
                title="Retreat",
                kind=Kind.OTHER,
                starts_on=day(2024, 10, 26),
                ends_on=day(2024, 10, 28),
                starts_at=datetime.time(9),
                ends_at=datetime.time(13),
            ),
            make_milestone(
                title="On-site visit",
                kind=Kind.ON_SITE_VISIT,
                starts_on=day(2024, 5, 1),
                ends_on=day(2024, 6, 30),
                is_tentative=True,
            ),
            make_milestone(
                title="Progress report",
                kind=Kind.PROGRESS_REPORT,
                starts_on=day(2023, 9, 1),
                ends_on=day(2023, 9, 30),
                is_tentative=True,
            ),
        ]


# What the database says, in the words of the programme (Berlin time), and as the calendar
# must show it: all-day ends are the day after, timed ones in UTC.
EXPECTED_EVENTS = {
    "Strategy (day)": (day(2024, 4, 2), day(2024, 4, 3), "CONFIRMED", "TRANSPARENT"),
    "Report before DST (due 12:00)": (
        datetime.datetime(2024, 3, 29, 12, tzinfo=BERLIN),
        None,
        "CONFIRMED",
        "TRANSPARENT",
    ),
    "Strategy after DST (due 12:00)": (
        datetime.datetime(2024, 4, 2, 12, tzinfo=BERLIN),
        None,
        "CONFIRMED",
        "TRANSPARENT",
    ),
    "Jury meeting": (
        datetime.datetime(2024, 7, 2, 10, tzinfo=BERLIN),
        None,
        "CONFIRMED",
        "OPAQUE",
    ),
    "Jury rehearsal": (
        datetime.datetime(2024, 7, 1, 14, tzinfo=BERLIN),
        datetime.datetime(2024, 7, 1, 16, 30, tzinfo=BERLIN),
        "CONFIRMED",
        "OPAQUE",
    ),
    "Workshop": (day(2024, 5, 14), day(2024, 5, 17), "CONFIRMED", "OPAQUE"),
    # Summer time ends on 27 October 2024, between the retreat's start and end.
    "Retreat": (
        datetime.datetime(2024, 10, 26, 9, tzinfo=BERLIN),
        datetime.datetime(2024, 10, 28, 13, tzinfo=BERLIN),
        "CONFIRMED",
        "OPAQUE",
    ),
    "On-site visit (day not fixed)": (
        day(2024, 5, 1),
        day(2024, 7, 1),
        "TENTATIVE",
        "TRANSPARENT",
    ),
    "Progress report (day not fixed)": (
        day(2023, 9, 1),
        day(2023, 10, 1),
        "TENTATIVE",
        "TRANSPARENT",
    ),
}


def test_build_calendar_every_form_read_by_icalendar_matches_database(every_form):
    body = feed(every_form)

    assert events_by_icalendar(body) == EXPECTED_EVENTS


def test_build_calendar_every_form_read_by_strict_vobject_matches_database(every_form):
    body = feed(every_form)

    assert events_by_vobject(body) == EXPECTED_EVENTS


def test_build_calendar_timed_events_are_written_in_utc(every_form):
    body = feed(every_form)

    starts = [line for line in unfolded_lines(body) if line.startswith("DTSTART")]
    assert starts == [
        "DTSTART;VALUE=DATE:20240402",
        "DTSTART:20240329T110000Z",
        "DTSTART:20240402T100000Z",
        "DTSTART:20240702T080000Z",
        "DTSTART:20240701T120000Z",
        "DTSTART;VALUE=DATE:20240514",
        "DTSTART:20241026T070000Z",
        "DTSTART;VALUE=DATE:20240501",
        "DTSTART;VALUE=DATE:20230901",
    ]


def test_build_calendar_times_match_database_after_reload(every_form):
    body = feed(every_form)

    parsed = events_by_vobject(body)
    for milestone in load(every_form):
        start, end, *_ = parsed[ical.event_summary(milestone, milestone.when, with_cluster=False)]
        if milestone.starts_at is None:
            assert (start, end) == (
                milestone.starts_on,
                (milestone.ends_on or milestone.starts_on) + datetime.timedelta(days=1),
            )
        else:
            local_start = datetime.datetime.combine(
                milestone.starts_on, milestone.starts_at, tzinfo=BERLIN
            )
            assert start == local_start


def test_build_calendar_header_is_a_subscription_without_method(make_milestone):
    milestone = make_milestone()

    body = ical.build_calendar(
        milestones=load([milestone]),
        name="C4F Tracker: SaxoCell",
        language="en",
        spans_clusters=False,
    )

    lines = unfolded_lines(body)
    assert lines[: lines.index("BEGIN:VEVENT")] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//C4F Tracker//Milestones//EN",
        "CALSCALE:GREGORIAN",
        "NAME:C4F Tracker: SaxoCell",
        "X-WR-CALNAME:C4F Tracker: SaxoCell",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ]
    assert lines[-2:] == ["END:VCALENDAR", ""]


def test_build_calendar_event_has_every_property(make_milestone, member, coordinator):
    with time_machine.travel(CREATED, tick=False):
        milestone = make_milestone(
            starts_on=day(2024, 4, 2),
            starts_at=datetime.time(12),
            location="Leipzig",
            lead=member,
            contributors=[coordinator],
        )

    body = feed([milestone])

    assert event_lines(body) == [
        "BEGIN:VEVENT",
        "SUMMARY:Cluster strategy (due 12:00)",
        "DTSTART:20240402T100000Z",
        "DTSTAMP:20240110T093000Z",
        f"UID:milestone-{milestone.pk}@127.0.0.1",
        "SEQUENCE:0",
        "CATEGORIES:Strategy submission",
        "CREATED:20240110T093000Z",
        "DESCRIPTION:When: 2 April 2024\\, due 12:00\\nStatus: Planned\\nLead: Max Member"
        f"\\nhttp://127.0.0.1:8000/milestones/{milestone.pk}/",
        "LAST-MODIFIED:20240110T093000Z",
        "LOCATION:Leipzig",
        "STATUS:CONFIRMED",
        "TRANSP:TRANSPARENT",
        f"URL:http://127.0.0.1:8000/milestones/{milestone.pk}/",
        "END:VEVENT",
    ]


def test_build_calendar_contains_no_email_address_alarm_or_method(make_milestone, member):
    milestone = make_milestone(lead=member, contributors=[])

    body = feed([milestone]).decode()

    names = {line.split(":")[0].split(";")[0] for line in unfolded_lines(body.encode())}
    assert "@saxocell.test" not in body
    assert {"METHOD", "BEGIN:VALARM", "ORGANIZER", "ATTENDEE"} & names == set()


def test_build_calendar_same_data_gives_same_bytes(make_milestone):
    milestone = make_milestone()

    with time_machine.travel(datetime.datetime(2030, 1, 1, tzinfo=UTC)):
        later = feed([milestone])

    assert feed([milestone]) == later


def test_build_calendar_date_change_raises_sequence_and_keeps_uid(make_milestone):
    with time_machine.travel(CREATED, tick=False):
        milestone = make_milestone()
    before = event_lines(feed([milestone]))

    with time_machine.travel(datetime.datetime(2024, 2, 1, 8, tzinfo=UTC), tick=False):
        change_milestone(milestone=milestone, changes={"starts_on": day(2024, 4, 3)}, by=None)
    after = event_lines(feed([milestone]))

    assert [line for line in before if line[:4] in ("UID:", "SEQU", "DTST", "LAST")] == [
        "DTSTART;VALUE=DATE:20240402",
        "DTSTAMP:20240110T093000Z",
        f"UID:milestone-{milestone.pk}@127.0.0.1",
        "SEQUENCE:0",
        "LAST-MODIFIED:20240110T093000Z",
    ]
    assert [line for line in after if line[:4] in ("UID:", "SEQU", "DTST", "LAST")] == [
        "DTSTART;VALUE=DATE:20240403",
        "DTSTAMP:20240201T080000Z",
        f"UID:milestone-{milestone.pk}@127.0.0.1",
        "SEQUENCE:1",
        "LAST-MODIFIED:20240201T080000Z",
    ]


def test_build_calendar_cancelled_milestone_is_cancelled_with_higher_sequence(make_milestone):
    milestone = make_milestone()
    set_status(milestone=milestone, status=Status.CANCELLED, by=None)

    event = icalendar.Calendar.from_ical(feed([milestone])).walk("VEVENT")[0]

    assert (str(event["SUMMARY"]), str(event["STATUS"]), event["SEQUENCE"]) == (
        "Cluster strategy (cancelled)",
        "CANCELLED",
        1,
    )


def test_build_calendar_done_milestone_says_so_in_title(make_milestone):
    milestone = make_milestone(status=Status.DONE)

    event = icalendar.Calendar.from_ical(feed([milestone])).walk("VEVENT")[0]

    assert (str(event["SUMMARY"]), str(event["STATUS"])) == ("Cluster strategy (done)", "CONFIRMED")


def test_build_calendar_spanning_clusters_starts_summary_with_cluster(
    make_milestone, other_cluster
):
    milestones = [
        make_milestone(title="Strategy"),
        make_milestone(title="Strategy", cluster=other_cluster),
    ]

    body = feed(milestones, spans_clusters=True)

    summaries = [line for line in unfolded_lines(body) if line.startswith("SUMMARY")]
    assert summaries == ["SUMMARY:SaxoCell: Strategy", "SUMMARY:Other Cluster: Strategy"]


def test_build_calendar_raw_text_ends_every_line_in_crlf(every_form):
    body = feed(every_form)

    assert body.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert b"\r" not in body.replace(b"\r\n", b"")


def test_build_calendar_folds_at_75_octets_without_splitting_utf8(make_milestone):
    title = "Übergabe der Strategie – Größenänderung " * 6
    milestone = make_milestone(title=title.strip())

    body = feed([milestone])

    physical = body.split(b"\r\n")
    assert max(len(line) for line in physical) == 75
    assert [line.decode("utf-8") for line in physical] == body.decode("utf-8").split("\r\n")
    assert f"SUMMARY:{title.strip()}" in unfolded_lines(body)
    assert events_by_vobject(body).keys() == {title.strip()}


def in_memory_milestone(
    *,
    title,
    starts_on=datetime.date(2024, 4, 2),
    ends_on=None,
    starts_at=None,
    ends_at=None,
    is_tentative=False,
    kind=Kind.STRATEGY_SUBMISSION,
    status=Status.PLANNED,
    location="",
    cluster_name="SaxoCell",
    time_zone="Europe/Berlin",
    sequence=0,
    pk=7,
):
    programme = Programme(name="Clusters4Future", time_zone=time_zone)
    stamp = datetime.datetime(2024, 3, 1, 5, 0, 7, 123456, tzinfo=datetime.UTC)
    return Milestone(
        pk=pk,
        cluster=Cluster(programme=programme, name=cluster_name),
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        starts_at=starts_at,
        ends_at=ends_at,
        is_tentative=is_tentative,
        kind=kind,
        status=status,
        location=location,
        sequence=sequence,
        created_at=stamp,
        updated_at=stamp + datetime.timedelta(days=3, seconds=59),
    )


moments = st.times().map(lambda moment: moment.replace(microsecond=0))


@st.composite
def milestones(draw):
    starts_on = draw(st.dates(datetime.date(1990, 1, 1), datetime.date(2090, 12, 31)))
    ends_on = draw(
        st.none() | st.integers(1, 400).map(lambda days: starts_on + datetime.timedelta(days))
    )
    starts_at = draw(st.none() | moments)
    ends_at = draw(st.none() | moments) if starts_at else None
    is_tentative = draw(st.booleans()) if ends_on and not starts_at else False
    kind = draw(st.sampled_from(Kind.values))
    assume(
        not dates.validate(
            starts_on=starts_on,
            ends_on=ends_on,
            starts_at=starts_at,
            ends_at=ends_at,
            is_tentative=is_tentative,
            is_deadline=kind in DEADLINE_KINDS,
        )
    )
    return in_memory_milestone(
        title=draw(st.text(max_size=200)),
        starts_on=starts_on,
        ends_on=ends_on,
        starts_at=starts_at,
        ends_at=ends_at,
        is_tentative=is_tentative,
        kind=kind,
        status=draw(st.sampled_from(Status.values)),
        location=draw(st.text(max_size=120)),
        cluster_name=draw(st.text(min_size=1, max_size=60)),
        time_zone=draw(
            st.sampled_from(["Europe/Berlin", "UTC", "Pacific/Auckland", "America/St_Johns"])
        ),
        sequence=draw(st.integers(0, 10**6)),
        pk=draw(st.integers(1, 10**9)),
    )


def parsed_both_ways(body):
    """SUMMARY, UID, SEQUENCE, DTSTART and DTEND of the file's one event, as icalendar and as
    a strict vobject read them."""
    by_icalendar = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]
    by_vobject = vobject.readOne(body.decode(), validate=True).vevent
    return (
        (
            str(by_icalendar["SUMMARY"]),
            str(by_icalendar["UID"]),
            int(by_icalendar["SEQUENCE"]),
            by_icalendar.decoded("DTSTART"),
            by_icalendar.decoded("DTEND") if "DTEND" in by_icalendar else None,
        ),
        (
            by_vobject.summary.value,
            by_vobject.uid.value,
            int(by_vobject.sequence.value),
            by_vobject.dtstart.value,
            by_vobject.dtend.value if hasattr(by_vobject, "dtend") else None,
        ),
    )


@given(
    milestones(),
    st.none() | st.text(max_size=80),
    st.sampled_from(["en", "de"]),
)
def test_build_event_file_of_any_milestone_reads_the_same_in_strict_parsers(
    milestone, lead_name, language
):
    body = ical.build_event_file(
        milestone=milestone, language=language, lead_name=lead_name, extensions=()
    )

    by_icalendar, by_vobject = parsed_both_ways(body)
    starts, ends = ical._dates(milestone, milestone.when)
    with translation.override(language):
        summary = ical.event_summary(milestone, milestone.when, with_cluster=True)
    expected = (summary, f"milestone-{milestone.pk}@127.0.0.1", milestone.sequence, starts, ends)
    assert by_icalendar == by_vobject == expected
    assert max(len(line) for line in body.split(b"\r\n")) <= 75


def test_build_calendar_escapes_backslash_semicolon_comma_and_newline(make_milestone):
    milestone = make_milestone(title="Strategy; part 1, \\final", location="Room 1\nLeipzig")

    body = feed([milestone])

    lines = unfolded_lines(body)
    event = vobject.readOne(body.decode(), validate=True).vevent
    assert [line for line in lines if line.startswith(("SUMMARY", "LOCATION"))] == [
        "SUMMARY:Strategy\\; part 1\\, \\\\final",
        "LOCATION:Room 1\\nLeipzig",
    ]
    assert (event.summary.value, event.location.value) == (
        "Strategy; part 1, \\final",
        "Room 1\nLeipzig",
    )


def test_build_calendar_title_with_crlf_cannot_inject_property_or_event(make_milestone):
    title = "Evil\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:x@evil\r\nSUMMARY:injected\x07"
    milestone = make_milestone()
    Milestone.objects.filter(pk=milestone.pk).update(title=title)

    body = feed([milestone])

    lines = unfolded_lines(body)
    parsed_icalendar = [
        str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")
    ]
    parsed_vobject = [e.summary.value for e in vobject.readOne(body.decode()).vevent_list]
    expected = ["Evil\nEND:VEVENT\nBEGIN:VEVENT\nUID:x@evil\nSUMMARY:injected"]
    assert (parsed_icalendar, parsed_vobject) == (expected, expected)
    assert (lines.count("BEGIN:VEVENT"), lines.count("END:VEVENT")) == (1, 1)
    assert [line for line in lines if line.startswith("UID")] == [
        f"UID:milestone-{milestone.pk}@127.0.0.1"
    ]


def test_build_calendar_in_german_uses_german_dates(make_milestone):
    milestone = make_milestone(
        kind=Kind.ON_SITE_VISIT,
        title="Vor-Ort-Begehung",
        starts_on=day(2024, 5, 1),
        ends_on=day(2024, 6, 30),
        is_tentative=True,
    )

    body = feed([milestone], language="de")

    lines = [
        line
        for line in unfolded_lines(body)
        if line.startswith(("SUMMARY", "CATEGORIES", "DESCRIPTION", "NAME"))
    ]
    assert lines == [
        "NAME:Feed",
        "SUMMARY:Vor-Ort-Begehung (Tag noch offen)",
        "CATEGORIES:Vor-Ort-Begehung",
        "DESCRIPTION:Wann: Mai–Juni 2024 (Tag noch offen)\\nStatus: Geplant\\nFederführung: "
        f"noch niemand\\nhttp://127.0.0.1:8000/milestones/{milestone.pk}/",
    ]


def test_build_event_file_is_one_event_named_with_its_cluster(make_milestone, member):
    milestone = make_milestone(lead=member)

    body = ical.build_event_file(milestone=load([milestone])[0], language="en")

    lines = unfolded_lines(body)
    parsed = vobject.readOne(body.decode(), validate=True)
    assert lines[:4] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//C4F Tracker//Milestones//EN",
        "CALSCALE:GREGORIAN",
    ]
    assert [event.summary.value for event in parsed.vevent_list] == ["SaxoCell: Cluster strategy"]
    assert [event.uid.value for event in parsed.vevent_list] == [
        f"milestone-{milestone.pk}@127.0.0.1"
    ]


def test_build_event_file_uid_and_dtstamp_are_the_milestones_whenever_written(make_milestone):
    # icalendar's Event.new() would make a random UID and a DTSTAMP of now (ical.md rule 12).
    with time_machine.travel(CREATED, tick=False):
        milestone = load([make_milestone()])[0]

    with time_machine.travel(datetime.datetime(2030, 1, 1, tzinfo=UTC)):
        later = ical.build_event_file(milestone=milestone, language="en")
    body = ical.build_event_file(milestone=milestone, language="en")

    assert body == later
    assert [line for line in unfolded_lines(body) if line.startswith(("UID", "DTSTAMP"))] == [
        "DTSTAMP:20240110T093000Z",
        f"UID:milestone-{milestone.pk}@127.0.0.1",
    ]
