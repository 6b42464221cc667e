"""The app's URLs plus a trivial page behind the same middleware, to compare pages against."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from benchmarks.peers import MilestoneICalFeed
from c4f_tracker.urls import urlpatterns as app_urlpatterns


@login_required
def trivial(request):
    return HttpResponse("ok\n", content_type="text/plain")


urlpatterns = [
    path("bench/trivial/", trivial, name="bench_trivial"),
    path("bench/django-ical/<str:token>.ics", MilestoneICalFeed(), name="bench_django_ical"),
    *app_urlpatterns,
]
