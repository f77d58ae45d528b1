from __future__ import annotations

from django.urls import reverse

from timpora.audit.models import AuditEvent
from timpora.testing import TAN, crossing


def _search(client, **params):
    return client.get(reverse("registry:person_search"), {"purpose": "SUPERVISION", **params})


def test_it_finds_a_person_by_the_native_script_name(cast, people):
    response = _search(cast.client_for(cast.alice), name="张伟")
    assert response.status_code == 200
    assert "ZHANG WEI" in response.content.decode()
    assert "TAN WEI MING" not in response.content.decode()


def test_it_finds_a_person_without_accents_and_case(cast, people):
    response = _search(cast.client_for(cast.alice), name="nguyễn van")
    assert "NGUYEN VAN THANG" in response.content.decode()


def test_it_finds_a_person_by_passport_number_as_printed_with_spaces(cast, people):
    response = _search(cast.client_for(cast.alice), passport="k 1234 567a")
    assert "TAN WEI MING" in response.content.decode()


def test_it_writes_one_audit_event_per_search_with_its_purpose(cast, people):
    _search(cast.client_for(cast.alice), name="TAN")
    event = AuditEvent.objects.filter(verb="person.searched").get()
    assert (event.actor, event.purpose) == (cast.alice, "SUPERVISION")
    assert event.changes["query"] == {"name": "TAN"}


def test_it_asks_for_a_purpose_before_opening_a_record(cast, people):
    url = reverse("registry:person_detail", args=[people["TAN WEI MING"].code])
    response = cast.client_for(cast.alice).get(url)
    assert response.status_code == 200
    assert "TAN WEI MING" not in response.content.decode()
    assert not AuditEvent.objects.filter(verb="person.viewed").exists()


def test_it_audits_every_view_of_a_person_with_its_purpose(cast, people):
    tan = people["TAN WEI MING"]
    url = reverse("registry:person_detail", args=[tan.code])
    response = cast.client_for(cast.alice).get(url, {"purpose": "INVESTIGATION"})
    assert response.status_code == 200
    assert "TAN WEI MING" in response.content.decode()
    event = AuditEvent.objects.get(verb="person.viewed")
    assert (event.subject_code, event.purpose, event.actor) == (
        str(tan.code),
        "INVESTIGATION",
        cast.alice,
    )


def test_it_answers_404_to_a_manpower_officer_for_a_tourist(cast, people):
    url = reverse("registry:person_detail", args=[people["TAN WEI MING"].code])
    client = cast.client_for(cast.charlie)
    assert client.get(url).status_code == 404
    assert client.get(url, {"purpose": "SUPERVISION"}).status_code == 404
    assert not AuditEvent.objects.filter(verb="person.viewed").exists()


def test_it_shows_a_manpower_officer_a_worker_without_the_crossings(cast, people):
    url = reverse("registry:person_detail", args=[people["NGUYEN VAN THANG"].code])
    response = cast.client_for(cast.charlie).get(url, {"purpose": "SUPERVISION"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "2C21AB0012-X" in body
    assert "CROSSINGS" not in response.context["rec"].sections
    assert response.context["rec"].crossings == []


def test_it_hides_persons_from_search_for_an_agency_without_access(cast, people):
    response = _search(cast.client_for(cast.gita), name="TAN")
    assert "TAN WEI MING" not in response.content.decode()
    url = reverse("registry:person_detail", args=[people["TAN WEI MING"].code])
    assert cast.client_for(cast.gita).get(url, {"purpose": "SUPERVISION"}).status_code == 404


def test_it_shows_local_government_counts_but_no_person(cast, people):
    response = cast.client_for(cast.gita).get(reverse("core:home"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "TAN WEI MING" not in body
    assert response.context["panels"][0].figures[0].value == 3


def test_it_searches_with_a_fixed_number_of_queries(cast, people, django_assert_num_queries):
    client = cast.client_for(cast.alice)
    _search(client, name="W")  # warm the session
    # session, user, agency, access profile, count, audit (4), countries, kecamatan, persons,
    # their documents, session save (3)
    with django_assert_num_queries(17):
        _search(client, name="W")
    _more_people(cast)
    with django_assert_num_queries(17):
        response = _search(client, name="W")
    assert response.context["page"].paginator.count == 22


def _more_people(cast):
    from timpora.testing import Facts

    rows = [
        crossing(
            {**TAN, "full_name": f"WONG NUMBER {i}", "passport_number": f"X{i:07d}"},
            f"BC-X{i}",
            "ARRIVAL",
            "2026-03-01T12:20:00+07:00",
        )
        for i in range(20)
    ]
    Facts().add("border-crossing", rows, source=cast.imigrasi)
