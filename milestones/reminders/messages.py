"""The reminder emails: one per reminder or a digest, in the recipient's language, with
the parts a round's emails share rendered once."""

import secrets
from email.utils import formataddr, make_msgid

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import punycode
from django.utils.translation import ngettext

from milestones import ical
from milestones.models import Milestone, Person
from milestones.reminders.facts import item_facts

UNSUBSCRIBE_SALT = "milestones.reminders.unsubscribe"


EXTENSIONS = ("txt", "html")

# Where the items go in a rendered frame: random, so that no name or title can contain it.
ITEMS_MARKER = f"items-{secrets.token_hex(16)}"


def unsubscribe_token(person):
    """A signed token for the person's address; it stops working when the address changes."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object(
        {"person": person.pk, "email": person.email}
    )


def person_from_unsubscribe_token(token):
    """The person a token was made for, or None when it is forged or the address changed."""
    try:
        data = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    return Person.objects.filter(pk=data.get("person"), email=data.get("email")).first()


def header_text(text):
    """Text for an email header: without control characters (as feeds strip them), on one
    line. Email headers carry no line breaks, and a BEL or ESC has no business there."""
    return " ".join(ical.CONTROL_CHARACTERS.sub("", str(text or "")).split())


def _address(name, email):
    # formataddr quotes commas and quotes; line breaks it leaves alone, so they go first. It
    # takes ASCII addresses only: a domain such as bücher.example goes as its punycode (an
    # address of another kind raises UnicodeError, and that one email fails).
    local, at, domain = email.rpartition("@")
    if at and not domain.isascii():
        email = f"{local}@{punycode(domain)}"
    return formataddr((header_text(name), email))


class MessageParts:
    """The parts of reminder emails that many emails of a round share, each rendered once.

    Every part is kept under a key made of everything it is made from, so a part is reused
    only where rendering again would give the same text: an item (a milestone's lines in
    one language, with its countdown), the frame around the items (greeting, footer and
    unsubscribe link: one person's), a milestone's .ics file, and the links of the footer
    (a person's unsubscribe link is signed for their address). One instance serves one
    round; it forgets everything when it has grown to ``limit`` entries.
    """

    def __init__(self, *, limit=5000):
        self.limit = limit
        self.parts = {}

    def get(self, key, render):
        part = self.parts.get(key)
        if part is None:
            if len(self.parts) >= self.limit:
                self.parts.clear()
            part = self.parts[key] = render()
        return part

    def item(self, template, **values):
        """One item's lines, in the active language."""
        key = ("item", template, translation.get_language(), tuple(sorted(values.items())))
        return self.get(key, lambda: render_to_string(template, values))

    def frame(self, template, **values):
        """The email around its items, split where the items go."""
        key = ("frame", template, translation.get_language(), tuple(sorted(values.items())))

        def render():
            rendered = render_to_string(template, {**values, "items": ITEMS_MARKER})
            head, _marker, tail = rendered.partition(ITEMS_MARKER)
            return head, tail

        return self.get(key, render)

    def event_file(self, milestone, *, language):
        """The milestone's .ics file; the key holds every field, the cluster and the lead."""
        lead = milestone.lead
        lead_name = lead.name if lead else None
        key = (
            "event",
            language,
            lead_name,
            milestone.cluster.name,
            milestone.cluster.programme.time_zone,
            tuple(getattr(milestone, field.attname) for field in Milestone._meta.concrete_fields),
        )
        return self.get(
            key,
            lambda: ical.build_event_file(
                milestone=milestone, language=language, lead_name=lead_name
            ),
        )


def language_of(person):
    """The language of the person's emails: theirs, or the site's when they chose none."""
    return person.message_language


def _items(reminders, *, now):
    return [item_facts(reminder, now=now) for reminder in reminders]


def _subject(items):
    if len(items) == 1:
        item = items[0]
        return f"[{item['cluster_name']}] {item['title']}: {item['countdown']}"
    count = len({item["url"] for item in items})
    return ngettext(
        "Your reminders: %(count)d milestone", "Your reminders: %(count)d milestones", count
    ) % {"count": count}


def _frame(person, *, parts, is_digest, milestone_count):
    """What the email around the items shows: greeting, footer links."""
    return {
        "greeting_name": person.name or person.email,
        "is_digest": is_digest,
        "is_one_milestone": milestone_count == 1,
        "preferences_url": parts.get(
            ("preferences",),
            lambda: settings.SITE_URL + reverse("milestones:reminder_preferences"),
        ),
        "unsubscribe_url": parts.get(
            ("unsubscribe", person.pk, person.email),
            lambda: (
                settings.SITE_URL
                + reverse("milestones:unsubscribe", args=[unsubscribe_token(person)])
            ),
        ),
    }


def _body(extension, items, *, frame, parts):
    head, tail = parts.frame(f"milestones/email/reminder.{extension}", **frame)
    shown = [parts.item(f"milestones/email/reminder_item.{extension}", **item) for item in items]
    return "".join([head, *shown, tail])


def build_message(*, person, reminders, now, parts=None):
    """One email to one person: a single reminder, or their digest of several.

    ``parts``: a round's MessageParts, so that what emails share is rendered once.
    """
    parts = parts or MessageParts()
    language = language_of(person)
    with translation.override(language):
        items = _items(reminders, now=now)
        milestones = {reminder.milestone.pk: reminder.milestone for reminder in reminders}
        frame = _frame(
            person, parts=parts, is_digest=len(items) > 1, milestone_count=len(milestones)
        )
        text, html = (_body(extension, items, frame=frame, parts=parts) for extension in EXTENSIONS)
        subject = _subject(items)
    message = EmailMultiAlternatives(
        subject=header_text(subject),
        body=text,
        from_email=header_text(settings.DEFAULT_FROM_EMAIL),
        to=[_address(person.name, person.email)],
        headers={
            "List-Unsubscribe": f"<{frame['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
            # Our own domain, not whichever host name the worker's container has.
            "Message-ID": make_msgid(domain=ical.site_host()),
        },
    )
    message.attach_alternative(html, "text/html")
    for milestone in milestones.values():
        message.attach(
            f"milestone-{milestone.pk}.ics",
            parts.event_file(milestone, language=language),
            "text/calendar",
        )
    return message
