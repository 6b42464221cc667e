"""Reminder emails: what is due when, and sending each at most once, whatever fails.

Two steps, both safe to run on any number of machines at once on PostgreSQL (on SQLite, one
round at a time):

1. ``planning.plan_due_reminders`` works out from the milestones what ``now`` calls for and
   writes it to the ledger (``Reminder``): one row per milestone, person, kind, lead time and
   version of the date. The unique constraint makes a second row impossible.
2. ``sending.send_due_reminders`` then claims pending rows one transaction at a time with
   ``SELECT ... FOR UPDATE SKIP LOCKED``, sends, and records the outcome in the same
   transaction. A crash between sending and committing leaves that one row pending, so that
   one email may go out twice; no other.

Reminders go out at 08:00 in the programme's time zone; one that would fall on a weekend or a
public holiday goes out on the working day before. After downtime only the reminder that is
relevant now is sent; the stale ones are recorded as missed.

One module per part: ``days`` (when emails go out), ``planning`` (what is due), ``messages``
(the emails), ``sending`` (claiming and sending).
"""
