"""The app's URLs plus a trivial page behind the same middleware, to compare pages against."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from benchmarks.peers import MilestoneICalFeed
from benchmarks.submissions import upload_view
from c4f_tracker.urls import urlpatterns as app_urlpatterns


@login_required
def trivial(request):
    return HttpResponse("ok\n", content_type="text/plain")


urlpatterns = [
    path("bench/trivial/", trivial, name="bench_trivial"),
    path("bench/django-ical/<str:token>.ics", MilestoneICalFeed(), name="bench_django_ical"),
    # No log-in, no CSRF: the upload's own path (limits, checks, storage) is what is measured.
    path("bench/upload/", csrf_exempt(upload_view), name="bench_upload"),
    *app_urlpatterns,
]
