"""The dashboard's other sections: the programmes an officer oversees (on top, with their
matrix) and the clusters a person belongs to."""

from django.urls import reverse

from milestones.models import Cluster, Language, Membership, Person, Programme
from tests.conftest import PASSWORD
from tests.helpers import add_clusters, links, texts


def test_dashboard_of_an_officer_lists_programmes_with_cluster_counts_not_their_clusters(
    client, officer, programme, cluster, other_cluster
):
    add_clusters(programme, 3)
    alpha = Programme.objects.create(name="Alpha", slug="alpha")
    alpha.officers.create(person=officer)
    Cluster.objects.create(programme=alpha, name="Alpha One", slug="alpha-one")
    # A programme whose clusters are not chosen yet.
    Programme.objects.create(name="Zeta", slug="zeta").officers.create(person=officer)
    client.force_login(officer)

    response = client.get("/")

    assert (
        texts(response, "section:not(.due-group) h2"),
        texts(response, "#programmes-heading ~ *"),
        links(response, "section:not(.due-group)"),
    ) == (
        ["Programmes you oversee"],
        [
            "Alpha: who has submitted what (1 cluster) "
            "Clusters4Future: who has submitted what (5 clusters) "
            "Zeta: who has submitted what (0 clusters)",
        ],
        ["/programmes/alpha/", "/programmes/c4f/", "/programmes/zeta/"],
    )


def test_dashboard_of_an_officer_in_a_cluster_lists_that_cluster_and_the_programme(
    client, officer, programme, cluster, other_cluster
):
    Membership.objects.create(person=officer, cluster=cluster)
    client.force_login(officer)

    response = client.get("/")

    assert (
        texts(response, "section:not(.due-group) h2"),
        texts(response, "#clusters-heading + ul li"),
        texts(response, "#programmes-heading ~ ul li"),
        links(response, "section:not(.due-group)"),
    ) == (
        ["Programmes you oversee", "Your clusters"],
        ["SaxoCell (Clusters4Future)"],
        ["Clusters4Future: who has submitted what (2 clusters)"],
        ["/programmes/c4f/", "/clusters/saxocell/"],
    )


def test_dashboard_of_a_member_lists_their_clusters_and_no_programme(client, member, other_cluster):
    other = Cluster.objects.create(
        programme=Programme.objects.create(name="Elsewhere", slug="elsewhere"),
        name="Elsewhere Cluster",
        slug="elsewhere-cluster",
    )
    Membership.objects.create(person=member, cluster=other)
    client.force_login(member)

    response = client.get("/")

    assert (
        texts(response, "section:not(.due-group) h2"),
        texts(response, "#clusters-heading + ul li"),
        links(response, "section:not(.due-group)"),
    ) == (
        ["Your clusters"],
        ["Elsewhere Cluster (Elsewhere)", "SaxoCell (Clusters4Future)"],
        ["/clusters/elsewhere-cluster/", "/clusters/saxocell/"],
    )


def test_dashboard_of_someone_in_no_cluster_and_no_programme_says_so(client, cluster):
    person = Person.objects.create_user("new@c4f.test", PASSWORD, name="New Person")
    client.force_login(person)

    response = client.get("/")

    assert (
        texts(response, "section:not(.due-group) h2"),
        texts(response, "#clusters-heading + ul li"),
    ) == (
        ["Your clusters"],
        ["You are not in any cluster yet."],
    )


def test_dashboard_clusters_and_programmes_in_german(client, officer, cluster, other_cluster):
    Membership.objects.create(person=officer, cluster=cluster)
    officer.language = Language.GERMAN
    officer.save()
    client.force_login(officer)

    response = client.get("/")

    assert (
        texts(response, "section:not(.due-group) h2"),
        texts(response, "#clusters-heading + ul li"),
        texts(response, "#programmes-heading ~ *"),
    ) == (
        ["Programme, die Sie betreuen", "Ihre Cluster"],
        ["SaxoCell (Clusters4Future)"],
        [
            "Clusters4Future: wer was eingereicht hat (2 Cluster)",
        ],
    )


def test_dashboard_url_is_root():
    assert reverse("milestones:dashboard") == "/"
