"""The exchange over HTTP: sending records, following batches and their rejections, exporting."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from timpora.accounts.actions import create_api_token
from timpora.audit.models import AuditEvent
from timpora.exchange.models import ImportBatch, RawRecord
from timpora.exchange.pipeline import run_batch
from timpora.registry.models import BorderCrossing, Company, Person
from timpora.registry.records import COLUMNS

# The samples of spec/exchange/samples/, as they are (the specification lives outside the repo).
SAMPLES = {
    "border-crossing": """\
crossing_id,direction,checkpoint,crossed_at,full_name,given_names,surname,name_original,sex,date_of_birth,nationality,passport_number,passport_issuing_state,permit_type,permit_number,authorized_stay_until,carrier,port_from_or_to
BC-2026-03-01-000118,ARRIVAL,BTM-HB,2026-03-01T12:20:00+07:00,TAN WEI MING,WEI MING,TAN,,M,1979-04-12,SGP,K1234567A,SGP,BVK,,2026-03-30,MV Horizon 3,SGHFC
BC-2026-03-03-000907,DEPARTURE,BTM-HB,2026-03-03T12:30:00+07:00,TAN WEI MING,WEI MING,TAN,,M,1979-04-12,SGP,K1234567A,SGP,,,,MV Horizon 5,SGHFC
HN-2026-03-02-000051,ARRIVAL,BTM-HN,2026-03-02T18:55:00+07:00,ZHANG WEI,WEI,ZHANG,张伟,M,1988-11-02,CHN,EJ4820193,CHN,ITK,B2611X00231,2026-04-30,QZ 511,KUL
""",  # noqa: E501
    "company": """\
company_id,name,npwp,sector,address,kelurahan,kecamatan,city,industrial_estate
8120009876543,PT Sinar Baja Fabrikasi,01.234.567.8-215.000,Shipbuilding,Kawasan Industri Tanjung Uncang,Tanjung Uncang,Batu Aji,Batam,
8120005550001,PT Mitra Teknik Kepri,02.345.678.9-215.000,Electronics,Jl. Beringin Lot 211,Muka Kuning,Sei Beduk,Batam,Batamindo
""",  # noqa: E501
    "residence-registration": """\
registration_number,registration_type,issued_on,valid_until,full_name,given_names,surname,name_original,sex,date_of_birth,nationality,passport_number,address,kelurahan,kecamatan,city
SKTT-2171-2025-00931,SKTT,2025-09-01,2026-08-19,NGUYEN VAN THANG,VAN THANG,NGUYEN,Nguyễn Văn Thắng,M,1992,VNM,C8842211,Kawasan Industri Tanjung Uncang,Tanjung Uncang,Batu Aji,Batam
""",  # noqa: E501
    "residence-report": """\
report_id,reporter_type,reporter_id,reporter_name,place_name,address,kelurahan,kecamatan,city,latitude,longitude,full_name,given_names,surname,name_original,sex,date_of_birth,nationality,passport_number,permit_type,permit_number,purpose,check_in,check_out,reported_at
H-0001-2026-000481,LODGING,9120001234567,PT Harbour Hotel Batam,Harbour Hotel,Jl. Duyung No. 2,Sungai Jodoh,Batu Ampar,Batam,1.1561,103.9987,TAN WEI MING,WEI MING,TAN,,M,1979-04-12,SGP,K1234567A,BVK,,TOURISM,2026-03-01T14:05:00+07:00,2026-03-03T11:00:00+07:00,2026-03-01T15:12:00+07:00
H-0001-2026-000482,LODGING,9120001234567,PT Harbour Hotel Batam,Harbour Hotel,Jl. Duyung No. 2,Sungai Jodoh,Batu Ampar,Batam,1.1561,103.9987,ZHANG WEI,WEI,ZHANG,张伟,M,1988-11-02,CHN,EJ4820193,ITK,,BUSINESS,2026-03-02T20:40:00+07:00,,2026-03-04T09:00:00+07:00
C-7788-0193,COMPANY,8120009876543,PT Sinar Baja Fabrikasi,Mess Karyawan Blok C,Kawasan Industri Tanjung Uncang,Tanjung Uncang,Batu Aji,Batam,,,NGUYEN VAN THANG,VAN THANG,NGUYEN,Nguyễn Văn Thắng,M,1992,VNM,C8842211,ITAS,2C21AB0012-X,WORK,2026-02-15T08:00:00+07:00,,2026-02-15T17:30:00+07:00
""",  # noqa: E501
    "stay-permit": """\
permit_number,permit_type,visa_index,status,issued_on,valid_from,valid_until,full_name,given_names,surname,name_original,sex,date_of_birth,nationality,passport_number,sponsor_type,sponsor_id,sponsor_name,purpose,address,kelurahan,kecamatan,city,issuing_office
2C21AB0012-X,ITAS,E23,ACTIVE,2025-08-20,2025-08-20,2026-08-19,NGUYEN VAN THANG,VAN THANG,NGUYEN,Nguyễn Văn Thắng,M,1992,VNM,C8842211,COMPANY,8120009876543,PT Sinar Baja Fabrikasi,WORK,Kawasan Industri Tanjung Uncang,Tanjung Uncang,Batu Aji,Batam,Kanim Batam
B2611X00231,ITK,C2,ACTIVE,2026-03-02,2026-03-02,2026-04-30,ZHANG WEI,WEI,ZHANG,张伟,M,1988-11-02,CHN,EJ4820193,COMPANY,8120005550001,PT Mitra Teknik Kepri,BUSINESS,,,,Batam,Kanim Batam
""",  # noqa: E501
    "watchlist-entry": """\
list,entry_id,full_name,aliases,name_original,sex,date_of_birth,nationality,passport_numbers,reason,action_on_hit,owning_agency,legal_basis,valid_from,valid_until
PENANGKALAN,TKL-2024-01187,LI QIANG,LEE KEUNG;LI CHIANG,李强,M,1975,CHN,E00918273;G41122334,Deported for working on a visit permit (Pasal 122),Refuse entry; notify Inteldakim,IMI-BTM,UU 6/2011 Pasal 75(2)(a),2024-05-10,2030-05-09
DPO,DPO-POLDA-2025-044,RAJESH KUMAR SHARMA,R. K. SHARMA,राजेश कुमार शर्मा,M,1983-07,IND,Z3344556,Wanted for fraud (LP/B/211/V/2025),Detain and hand over to Polda Kepri,POLDA-KEPRI,,2025-06-01,
""",  # noqa: E501
    "work-permit": """\
rptka_number,employer_id,employer_name,position,work_address,work_kecamatan,valid_from,valid_until,status,full_name,given_names,surname,name_original,sex,date_of_birth,nationality,passport_number,dkptka_paid_until
KEP.55123/PPTKA/PTK/2025,8120009876543,PT Sinar Baja Fabrikasi,Welding Supervisor,Kawasan Industri Tanjung Uncang,Batu Aji,2025-08-01,2026-07-31,ACTIVE,NGUYEN VAN THANG,VAN THANG,NGUYEN,Nguyễn Văn Thắng,M,1992,VNM,C8842211,2026-03-31
""",  # noqa: E501
}


def _bearer(user):
    _token, raw = create_api_token(user, name="test", days=1, actor=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _rows(kind: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(SAMPLES[kind])))


def _csv_text(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _upload(client, user, kind: str, text: str, name: str | None = None, **form):
    upload = SimpleUploadedFile(name or f"{kind}.csv", text.encode("utf-8"))
    return client.post(f"/api/v1/exchange/{kind}", {"file": upload, **form}, **_bearer(user))


def _post_json(client, user, kind: str, rows: list[dict[str, str]]):
    return client.post(
        f"/api/v1/exchange/{kind}",
        json.dumps(rows),
        content_type="application/json",
        **_bearer(user),
    )


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    return body


# --- Sending records -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_it_imports_each_sample_kind_from_a_csv_upload(cast, client, kind):
    expected = len(_rows(kind))
    response = _upload(client, cast.alice, kind, SAMPLES[kind])
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["source"], body["channel"]) == (kind, "IMI-BTM", "API")
    assert (body["status"], body["finished"], body["format"]) == ("COMPLETED", True, "csv")
    assert (body["rows_total"], body["created"], body["rejected"]) == (expected, expected, 0)
    assert body["columns"] == next(csv.reader(io.StringIO(SAMPLES[kind])))
    assert response["Location"] == body["url"]
    assert body["url"].endswith(f"/api/v1/exchange/batches/{body['code']}")
    batch = ImportBatch.objects.get(code=body["code"])
    assert batch.submitted_by == cast.alice
    assert RawRecord.objects.filter(batch=batch).count() == expected


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_sending_the_same_file_again_changes_nothing(cast, client, kind):
    expected = len(_rows(kind))
    first = _upload(client, cast.alice, kind, SAMPLES[kind]).json()
    again = _upload(client, cast.alice, kind, SAMPLES[kind])
    assert again.status_code == 201
    body = again.json()
    assert body["code"] != first["code"]
    assert (body["created"], body["updated"], body["unchanged"]) == (0, 0, expected)
    assert body["persons_created"] == 0


def test_it_imports_a_json_array_body(cast, client):
    rows = _rows("border-crossing")
    response = _post_json(client, cast.alice, "border-crossing", rows)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["format"], body["file_name"]) == ("json", "body.json")
    assert (body["rows_total"], body["created"], body["rejected"]) == (len(rows), len(rows), 0)
    assert set(BorderCrossing.objects.values_list("source_key", flat=True)) == {
        row["crossing_id"] for row in rows
    }


@pytest.mark.parametrize("content_type", ["application/x-ndjson", "application/jsonl"])
def test_it_imports_a_json_lines_body(cast, client, content_type):
    rows = _rows("stay-permit")
    body = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    response = client.post(
        "/api/v1/exchange/stay-permit",
        body.encode("utf-8"),
        content_type=content_type,
        **_bearer(cast.alice),
    )
    assert response.status_code == 201, response.content
    out = response.json()
    assert (out["format"], out["file_name"]) == ("jsonl", "body.jsonl")
    assert (out["created"], out["rejected"]) == (len(rows), 0)
    # The same rows in another format are the same records: nothing changes.
    again = _post_json(client, cast.alice, "stay-permit", rows).json()
    assert (again["created"], again["unchanged"]) == (0, len(rows))


def test_it_takes_the_format_from_the_form_when_the_name_does_not_say(cast, client):
    rows = _rows("company")
    response = _upload(
        client, cast.alice, "company", json.dumps(rows), name="companies.dat", format="json"
    )
    assert response.status_code == 201, response.content
    assert (response.json()["format"], response.json()["created"]) == ("json", len(rows))


def test_it_lists_the_rejected_rows_with_their_reasons_and_reports_them_as_csv(cast, client):
    good, bad = _rows("border-crossing")[:2]
    bad = {**bad, "direction": "SIDEWAYS", "agent_note": "=cmd|' /C calc'!A0"}
    good = {**good, "agent_note": ""}
    response = _upload(client, cast.alice, "border-crossing", _csv_text([good, bad]))
    assert response.status_code == 201
    body = response.json()
    assert (body["created"], body["rejected"]) == (1, 1)
    [rejection] = body["rejections"]
    assert (rejection["line"], rejection["outcome"]) == (3, "REJECTED")
    assert {"field": "direction", "value": "SIDEWAYS"}.items() <= rejection["reasons"][0].items()
    assert rejection["values"] == bad  # the row as received, unknown columns too

    # The batch answers the same later.
    batch = client.get(body["url"], **_bearer(cast.alice)).json()
    assert batch["rejections"] == body["rejections"]

    report = client.get(body["rejections_url"], **_bearer(cast.alice))
    assert report.status_code == 200
    assert report["Content-Type"].startswith("text/csv")
    assert "attachment" in report["Content-Disposition"]
    [row] = list(csv.DictReader(io.StringIO(report.content.decode("utf-8"))))
    assert {c: row[c] for c in COLUMNS["border-crossing"] if c in bad and c != "agent_note"} == {
        c: v for c, v in bad.items() if c in COLUMNS["border-crossing"]
    }
    assert row["agent_note"] == "'" + bad["agent_note"]  # neutralised for spreadsheets
    assert (row["line"], row["outcome"]) == ("3", "Ditolak")  # the request is in Indonesian
    assert "direction" in row["reasons"]
    assert "SIDEWAYS" in row["reasons"]
    event = AuditEvent.objects.get(verb="exchange.rejections_downloaded")
    assert (event.actor, event.subject_code) == (cast.alice, body["code"])
    assert event.changes["rows"] == 1


def test_it_lists_a_row_replaced_later_in_the_file_as_superseded(cast, client):
    first = _rows("company")[0]
    later = {**first, "sector": "Offshore"}
    body = _post_json(client, cast.alice, "company", [first, later]).json()
    assert (body["created"], body["superseded"]) == (1, 1)
    [rejection] = body["rejections"]
    assert (rejection["line"], rejection["outcome"]) == (1, "SUPERSEDED")
    assert rejection["reasons"][0]["field"] == "company_id"
    assert Company.objects.get(company_id=first["company_id"]).sector == "Offshore"


def test_it_refuses_a_kind_the_agency_may_not_send_and_keeps_nothing(cast, client):
    response = _upload(client, cast.charlie, "border-crossing", SAMPLES["border-crossing"])
    body = _problem(response, 403)
    assert "DISNAKER-BTM" in body["detail"]
    assert not ImportBatch.objects.exists()
    assert not RawRecord.objects.exists()
    assert not BorderCrossing.objects.exists()
    uploads = settings.UPLOAD_DIR
    assert not uploads.exists() or not any(uploads.iterdir())


def test_it_lets_manpower_send_the_kinds_it_issues(cast, client):
    response = _upload(client, cast.charlie, "work-permit", SAMPLES["work-permit"])
    assert response.status_code == 201
    assert response.json()["source"] == "DISNAKER-BTM"


def test_it_refuses_a_file_without_a_required_column_and_writes_nothing(cast, client):
    rows = [{k: v for k, v in row.items() if k != "crossed_at"} for row in _rows("border-crossing")]
    response = _upload(client, cast.alice, "border-crossing", _csv_text(rows))
    body = _problem(response, 422)
    assert "crossed_at" in body["detail"]
    assert body["refusal"] == body["detail"]
    batch = ImportBatch.objects.get(code=body["batch"])
    assert (batch.status, batch.rows_total) == ("REFUSED", 0)
    assert body["batch_url"].endswith(f"/exchange/batches/{batch.code}")
    assert not RawRecord.objects.exists()
    assert not BorderCrossing.objects.exists()
    assert not Person.objects.exists()
    # The refused batch can still be read, with its reason.
    shown = client.get(body["batch_url"], **_bearer(cast.alice)).json()
    assert (shown["status"], shown["refusal"]) == ("REFUSED", body["refusal"])


def test_it_refuses_a_malformed_json_body_with_the_batch_code(cast, client):
    response = client.post(
        "/api/v1/exchange/company",
        b'[{"company_id": "8120009876543", "name": ',
        content_type="application/json",
        **_bearer(cast.alice),
    )
    body = _problem(response, 422)
    assert ImportBatch.objects.get(code=body["batch"]).status == "REFUSED"
    assert body["refusal"]
    assert not Company.objects.filter(company_id="8120009876543").exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_answers_404_for_an_unknown_kind(cast, client, method):
    response = getattr(client, method)("/api/v1/exchange/visa-application", **_bearer(cast.alice))
    body = _problem(response, 404)
    assert "visa-application" in body["detail"]
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("content", [b"", b"  \n"])
def test_it_refuses_an_empty_body(cast, client, content):
    response = client.post(
        "/api/v1/exchange/company", content, content_type="application/json", **_bearer(cast.alice)
    )
    assert _problem(response, 422)["type"].endswith("/empty")
    assert not ImportBatch.objects.exists()


def test_it_refuses_an_empty_file_and_a_form_without_a_file(cast, client):
    assert _problem(_upload(client, cast.alice, "company", ""), 422)["type"].endswith("/empty")
    response = client.post("/api/v1/exchange/company", {"format": "csv"}, **_bearer(cast.alice))
    assert _problem(response, 422)["type"].endswith("/no-file")
    assert not ImportBatch.objects.exists()


def test_it_refuses_an_unknown_form_format(cast, client):
    response = _upload(client, cast.alice, "company", SAMPLES["company"], format="xml")
    assert "xml" in _problem(response, 422)["detail"]
    assert not ImportBatch.objects.exists()


def test_it_sends_a_body_too_large_for_memory_to_the_file_upload(cast, client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = _post_json(client, cast.alice, "company", _rows("company"))
    assert "multipart" in _problem(response, 413)["detail"]
    assert not ImportBatch.objects.exists()
    # The same rows as a file are not held in memory whole, and go through.
    assert _upload(client, cast.alice, "company", SAMPLES["company"]).status_code == 201


def test_it_refuses_a_body_of_another_media_type(cast, client):
    response = client.post(
        "/api/v1/exchange/company",
        b"<rows/>",
        content_type="application/xml",
        **_bearer(cast.alice),
    )
    _problem(response, 415)
    assert not ImportBatch.objects.exists()


def test_it_answers_202_with_a_location_while_the_worker_has_the_batch(cast, client, settings):
    settings.IMPORT_INLINE_MAX_KB = 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    response = _upload(client, cast.alice, "company", SAMPLES["company"])
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["status"], body["finished"], body["created"]) == ("QUEUED", False, 0)
    assert response["Location"] == body["url"]
    run_batch(ImportBatch.objects.get(code=body["code"]))  # what the worker does
    done = client.get(response["Location"], **_bearer(cast.alice)).json()
    assert (done["status"], done["created"]) == ("COMPLETED", 2)


def test_it_audits_an_import_with_its_channel(cast, client):
    code = _upload(client, cast.alice, "company", SAMPLES["company"]).json()["code"]
    events = AuditEvent.objects.filter(subject_code=code).order_by("seq")
    assert [e.verb for e in events] == ["exchange.batch_submitted", "exchange.batch_imported"]
    assert events[0].changes["channel"] == "API"
    assert events[1].changes["created"] == 2
    assert {e.actor for e in events} == {cast.alice}


# --- CSRF: a browser session must prove the request came from our pages ------------------------


def _session(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_a_session_post_without_a_csrf_token_is_refused(cast):
    client = _session(cast.alice)
    response = client.post(
        "/api/v1/exchange/company",
        json.dumps(_rows("company")),
        content_type="application/json",
    )
    assert "CSRF" in _problem(response, 403)["detail"]
    assert not ImportBatch.objects.exists()


def test_a_session_post_with_the_csrf_token_is_accepted(cast):
    client = _session(cast.alice)
    secret = "Timpora0csrf0secret0for0tests0AB"  # 32 characters, as Django's secrets
    client.cookies[settings.CSRF_COOKIE_NAME] = secret
    response = client.post(
        "/api/v1/exchange/company",
        json.dumps(_rows("company")),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=secret,
    )
    assert response.status_code == 201, response.content
    assert ImportBatch.objects.get().submitted_by == cast.alice


def test_a_token_post_needs_no_csrf_token(cast):
    client = Client(enforce_csrf_checks=True)
    response = _post_json(client, cast.alice, "company", _rows("company"))
    assert response.status_code == 201, response.content


def test_it_requires_authentication_to_send(cast, client):
    response = client.post(
        "/api/v1/exchange/company", json.dumps(_rows("company")), content_type="application/json"
    )
    assert _problem(response, 401)["type"].endswith("/unauthenticated")
    assert not ImportBatch.objects.exists()


# --- Batches ---------------------------------------------------------------------------------


def test_it_hides_a_batch_from_another_agency(cast, client):
    body = _upload(client, cast.alice, "company", SAMPLES["company"]).json()
    for user in (cast.charlie, cast.gita):
        _problem(client.get(body["url"], **_bearer(user)), 404)
        _problem(client.get(body["rejections_url"], **_bearer(user)), 404)
    assert not AuditEvent.objects.filter(verb="exchange.rejections_downloaded").exists()
    assert client.get(body["url"], **_bearer(cast.bob)).json()["code"] == body["code"]


def test_a_coordinator_sees_the_batches_of_every_agency(cast, client):
    body = _upload(client, cast.charlie, "company", SAMPLES["company"]).json()
    _problem(client.get(body["url"], **_bearer(cast.alice)), 404)
    shown = client.get(body["url"], **_bearer(cast.dina))
    assert shown.status_code == 200
    assert shown.json()["source"] == "DISNAKER-BTM"


@pytest.mark.parametrize("code", ["0b4f9c3e-7d1a-4e55-9a60-2f3c8d1e5b77", "not-a-code"])
def test_it_answers_404_for_an_unknown_batch(cast, client, code):
    _problem(client.get(f"/api/v1/exchange/batches/{code}", **_bearer(cast.alice)), 404)


def test_the_batch_routes_are_not_read_as_kinds(cast, client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {
        "/api/v1/exchange/{kind}",
        "/api/v1/exchange/batches/{code}",
        "/api/v1/exchange/batches/{code}/rejections.csv",
    } <= paths.keys()
    assert set(paths["/api/v1/exchange/{kind}"]) == {"get", "post"}
    # "batches" alone is not a kind.
    _problem(client.get("/api/v1/exchange/batches", **_bearer(cast.alice)), 404)


# --- Exporting -------------------------------------------------------------------------------


def _crossings(client, user):
    response = _upload(client, user, "border-crossing", SAMPLES["border-crossing"])
    assert response.status_code == 201
    return [row["crossing_id"] for row in _rows("border-crossing")]


def test_it_exports_a_kind_a_page_at_a_time(cast, client):
    ids = _crossings(client, cast.alice)
    url = "/api/v1/exchange/border-crossing"
    first = client.get(url, {"limit": 2}, **_bearer(cast.alice))
    assert first.status_code == 200
    page = first.json()
    assert len(page["items"]) == 2
    assert list(page["items"][0]) == list(COLUMNS["border-crossing"])
    assert page["next"] is not None
    second = client.get(url, {"limit": 2, "after": page["next"]}, **_bearer(cast.alice)).json()
    assert second["next"] is None
    seen = [row["crossing_id"] for row in page["items"] + second["items"]]
    assert sorted(seen) == sorted(ids)
    assert page["items"][0]["checkpoint"] == "BTM-HB"


def test_it_exports_json_lines_with_a_link_to_the_next_page(cast, client):
    ids = _crossings(client, cast.alice)
    headers = _bearer(cast.alice)
    response = client.get(
        "/api/v1/exchange/border-crossing", {"format": "jsonl", "limit": 2}, **headers
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-ndjson")
    rows = [json.loads(line) for line in response.content.decode().splitlines()]
    assert len(rows) == 2
    link = response["Link"]
    assert link.endswith('>; rel="next"')
    target = urlsplit(link[1 : link.index(">")])
    query = parse_qs(target.query)
    assert (query["format"], query["limit"]) == (["jsonl"], ["2"])
    rest = client.get(f"{target.path}?{target.query}", **headers)
    assert "Link" not in rest
    rows += [json.loads(line) for line in rest.content.decode().splitlines()]
    assert sorted(row["crossing_id"] for row in rows) == sorted(ids)


def test_it_exports_only_what_changed_since_a_time(cast, client):
    _upload(client, cast.alice, "company", SAMPLES["company"])
    between = timezone.now()
    later = {**_rows("company")[0], "company_id": "8120007770001", "name": "PT Later"}
    _post_json(client, cast.alice, "company", [later])
    url = "/api/v1/exchange/company"
    headers = _bearer(cast.alice)
    changed = client.get(url, {"since": between.isoformat()}, **headers).json()
    assert [row["company_id"] for row in changed["items"]] == ["8120007770001"]
    # Without an offset the time is WIB; an unencoded "+" arrives as a space and still works.
    wib = timezone.localtime(between, timezone.get_fixed_timezone(7 * 60))
    naive = wib.replace(tzinfo=None).isoformat()
    assert client.get(url, {"since": naive}, **headers).json() == changed
    spaced = client.get(f"{url}?since={wib.isoformat().replace('+', '%20')}", **headers)
    assert spaced.json() == changed
    everything = client.get(
        url, {"since": (between - timedelta(hours=1)).isoformat()}, **headers
    ).json()
    assert len(everything["items"]) == 3


def test_it_refuses_a_since_that_is_not_a_date_time(cast, client):
    response = client.get(
        "/api/v1/exchange/company", {"since": "last tuesday"}, **_bearer(cast.alice)
    )
    assert _problem(response, 422)["errors"][0]["location"] == "query.since"


@pytest.mark.parametrize("limit", [0, 10001])
def test_it_refuses_a_limit_out_of_range(cast, client, limit):
    response = client.get("/api/v1/exchange/company", {"limit": limit}, **_bearer(cast.alice))
    _problem(response, 422)


@pytest.mark.parametrize("user", ["gita", "charlie"])
def test_it_refuses_an_export_to_an_agency_that_may_not_see_the_records(cast, client, user):
    _crossings(client, cast.alice)
    response = client.get("/api/v1/exchange/border-crossing", **_bearer(getattr(cast, user)))
    _problem(response, 403)
    assert not AuditEvent.objects.filter(verb="exchange.exported").exists()


def test_manpower_may_export_work_permits(cast, client):
    _upload(client, cast.alice, "work-permit", SAMPLES["work-permit"])
    response = client.get("/api/v1/exchange/work-permit", **_bearer(cast.charlie))
    assert response.status_code == 200
    [row] = response.json()["items"]
    assert row["rptka_number"] == "KEP.55123/PPTKA/PTK/2025"


def test_a_csv_export_neutralises_a_value_that_looks_like_a_formula(cast, client):
    company = {**_rows("company")[0], "name": '=HYPERLINK("http://evil.example","x")'}
    _post_json(client, cast.alice, "company", [company])
    response = client.get("/api/v1/exchange/company", {"format": "csv"}, **_bearer(cast.alice))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    [row] = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert row["name"] == "'" + company["name"]
    # The JSON export gives the value as it is.
    json_rows = client.get("/api/v1/exchange/company", **_bearer(cast.alice)).json()["items"]
    assert json_rows[0]["name"] == company["name"]


def test_it_audits_each_export_page(cast, client):
    _crossings(client, cast.alice)
    headers = _bearer(cast.alice)
    page = client.get("/api/v1/exchange/border-crossing", {"limit": 2}, **headers).json()
    since = "2026-01-01T00:00:00+07:00"
    client.get(
        "/api/v1/exchange/border-crossing",
        {"limit": 2, "after": page["next"], "format": "csv", "since": since},
        **headers,
    )
    events = list(AuditEvent.objects.filter(verb="exchange.exported").order_by("seq"))
    assert [(e.actor, e.agency) for e in events] == [(cast.alice, cast.imigrasi)] * 2
    assert events[0].changes == {
        "kind": "border-crossing",
        "format": "json",
        "rows": 2,
        "since": None,
        "after": 0,
        "channel": "API",
    }
    assert events[1].changes["rows"] == 1
    assert events[1].changes["after"] == page["next"]
    assert events[1].changes["since"] == since
