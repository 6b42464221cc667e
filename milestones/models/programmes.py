"""Programmes, their clusters, and the people in them with their roles."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from milestones import dates


class Language(models.TextChoices):
    GERMAN = "de", _("German")
    ENGLISH = "en", _("English")


class ReminderMode(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual emails")
    DIGEST = "digest", _("One daily digest")
    OFF = "off", _("Off")


class Programme(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    funder = models.CharField(_("funder"), max_length=200, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Berlin")

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self):
        return self.name

    def clean(self):
        try:
            dates.zone(self.time_zone)
        except dates.UnknownTimeZone:
            raise ValidationError({"time_zone": _("Unknown time zone.")}) from None


class Phase(models.TextChoices):
    CONCEPT = "concept", _("Concept phase")
    IMPLEMENTATION_1 = "implementation-1", _("1st implementation phase")
    IMPLEMENTATION_2 = "implementation-2", _("2nd implementation phase")
    IMPLEMENTATION_3 = "implementation-3", _("3rd implementation phase")


class GermanState(models.TextChoices):
    """The federal states, by the codes the ``holidays`` package knows their public holidays by."""

    BADEN_WUERTTEMBERG = "BW", "Baden-Württemberg"
    BAVARIA = "BY", _("Bavaria")
    BERLIN = "BE", "Berlin"
    BRANDENBURG = "BB", "Brandenburg"
    BREMEN = "HB", "Bremen"
    HAMBURG = "HH", "Hamburg"
    HESSE = "HE", _("Hesse")
    LOWER_SAXONY = "NI", _("Lower Saxony")
    MECKLENBURG_VORPOMMERN = "MV", _("Mecklenburg-Western Pomerania")
    NORTH_RHINE_WESTPHALIA = "NW", _("North Rhine-Westphalia")
    RHINELAND_PALATINATE = "RP", _("Rhineland-Palatinate")
    SAARLAND = "SL", "Saarland"
    SAXONY = "SN", _("Saxony")
    SAXONY_ANHALT = "ST", _("Saxony-Anhalt")
    SCHLESWIG_HOLSTEIN = "SH", "Schleswig-Holstein"
    THURINGIA = "TH", _("Thuringia")


class ClusterQuerySet(models.QuerySet):
    def visible_to(self, person):
        """The clusters a person may see: those they belong to and those of their programmes."""
        if not person.is_authenticated or not person.is_active:
            return self.none()
        return self.filter(seen_by(person))

    def joined_by(self, person):
        """The clusters a person is a member of, not those they see as a programme officer."""
        if not person.is_authenticated or not person.is_active:
            return self.none()
        return self.filter(seen_by(person, oversees=False))


def seen_by(person, *, via="", oversees=True):
    """The condition on a cluster that the person may see it: the one rule, for any query.

    ``via`` is the path from the model queried to its cluster ("cluster__" for milestones).
    Two subqueries rather than joins with DISTINCT: each is answered by an index. A caller
    that knows the person oversees no programme may leave that part out (``oversees=False``):
    a database then plans the query by the memberships alone.
    """
    condition = Q(**{f"{via}pk__in": Membership.objects.filter(person=person).values("cluster")})
    if oversees:
        overseen = ProgrammeOfficer.objects.filter(person=person).values("programme")
        condition |= Q(**{f"{via}programme__in": overseen})
    return condition


class Cluster(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="clusters", verbose_name=_("programme")
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    phase = models.CharField(
        _("current phase"), max_length=32, choices=Phase.choices, default=Phase.IMPLEMENTATION_1
    )
    website = models.URLField(_("website"), blank=True)
    # Whose public holidays are no working days for the cluster: reminders move before them
    # and day-finding does not ask it to host on them. Empty: REMINDER_HOLIDAY_STATE.
    state = models.CharField(
        _("federal state"),
        max_length=2,
        choices=GermanState.choices,
        blank=True,
        help_text=_("Its public holidays are no working days for the cluster."),
    )
    # Moves on every save: a feed's cheap "has anything changed" check sees a renamed cluster.
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClusterQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        indexes = [
            # The programme page: a page of its clusters in the order of their names.
            models.Index(fields=["programme", "name", "id"], name="cluster_programme_name"),
        ]

    def __str__(self):
        return self.name

    @property
    def holiday_state(self):
        """The state whose public holidays the cluster keeps."""
        return self.state or settings.REMINDER_HOLIDAY_STATE


class PersonManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        # Addresses are compared without case: people type them as they like.
        return self.get(email__iexact=username)

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("A person needs an email address.")
        person = self.model(email=self.normalize_email(email).lower(), **fields)
        # Without a password the person cannot log in until invited.
        person.set_password(password) if password else person.set_unusable_password()
        person.save(using=self._db)
        return person

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class Person(AbstractBaseUser, PermissionsMixin):
    """Anyone the tracker knows: officers, coordinators, and people responsible for milestones.

    A person responsible who has never logged in has no usable password until invited.
    """

    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    # Empty until the person chooses one on their account page: the pages then follow the
    # browser (Accept-Language), and emails and feeds the site's language.
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, blank=True, default=""
    )
    reminder_mode = models.CharField(
        _("reminders"), max_length=16, choices=ReminderMode.choices, default=ReminderMode.INDIVIDUAL
    )
    # Empty: the digest goes out with the individual emails (REMINDER_SEND_TIME).
    digest_hour = models.PositiveSmallIntegerField(
        _("digest hour"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(23)],
        help_text=_("The hour of the day, in the programme's time zone, the digest goes out."),
    )
    # What the person does not want, so that a kind or lead time added later reaches them.
    muted_reminder_kinds = models.CharField(
        _("reminder kinds not wanted"), max_length=64, blank=True
    )
    muted_lead_days = models.CharField(_("lead times not wanted"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("May log into the admin site.")
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Moves on every save: a feed's cheap "has anything changed" check sees a renamed lead.
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["name", "email"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("email"), name="person_email_unique_ignoring_case"
            )
        ]

    def __str__(self):
        return self.name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.name

    @property
    def message_language(self):
        """The language of what is sent to the person (emails, feeds): the one they chose, or
        the site's while they chose none."""
        return self.language or settings.LANGUAGE_CODE

    @property
    def muted_kinds(self):
        return frozenset(kind for kind in self.muted_reminder_kinds.split(",") if kind)

    @property
    def muted_days(self):
        return frozenset(int(day) for day in self.muted_lead_days.split(",") if day.isdigit())

    def get_short_name(self):
        return self.name.split(" ")[0] if self.name else self.email


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    MEMBER = "member", _("Member")


class Membership(models.Model):
    """A person's place in a cluster: coordinators edit, members read and report their status."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person")
    )
    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("cluster")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    # When the last invitation with a link to set a password went out; pending while the
    # person has no password (``people.invitation_pending``).
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)

    class Meta:
        ordering = ["cluster", "role", "person"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["person", "cluster"], name="membership_unique")
        ]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()}, {self.cluster})"


class ProgrammeOfficer(models.Model):
    """A programme officer sees every cluster of the programme and keeps its milestone plan."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="programme_roles", verbose_name=_("person")
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="officers", verbose_name=_("programme")
    )

    class Meta:
        verbose_name = _("programme officer")
        verbose_name_plural = _("programme officers")
        constraints = [
            models.UniqueConstraint(fields=["person", "programme"], name="programme_officer_unique")
        ]

    def __str__(self):
        return f"{self.person} ({self.programme})"
