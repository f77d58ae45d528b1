"""The upload pages: choose a file, see its first rows, map its columns, import, read the report."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from timpora.audit.models import AuditEvent
from timpora.exchange.choices import BatchStatus, Channel
from timpora.exchange.formats import MAX_CELL
from timpora.exchange.models import ColumnProfile, ImportBatch, RawRecord
from timpora.exchange.pipeline import start_batch
from timpora.exchange.profiles import save_column_profile
from timpora.registry.models import Person

# The stay-permit sample of spec/exchange/samples/ (the specification lives outside the repo).
HEADER = (
    "permit_number,permit_type,visa_index,status,issued_on,valid_from,valid_until,full_name,"
    "given_names,surname,name_original,sex,date_of_birth,nationality,passport_number,"
    "sponsor_type,sponsor_id,sponsor_name,purpose,address,kelurahan,kecamatan,city,issuing_office"
)
ROWS = [
    "2C21AB0012-X,ITAS,E23,ACTIVE,2025-08-20,2025-08-20,2026-08-19,NGUYEN VAN THANG,VAN THANG,"
    "NGUYEN,Nguyễn Văn Thắng,M,1992,VNM,C8842211,COMPANY,8120009876543,PT Sinar Baja Fabrikasi,"
    "WORK,Kawasan Industri Tanjung Uncang,Tanjung Uncang,Batu Aji,Batam,Kanim Batam",
    "B2611X00231,ITK,C2,ACTIVE,2026-03-02,2026-03-02,2026-04-30,ZHANG WEI,WEI,ZHANG,张伟,M,"
    "1988-11-02,CHN,EJ4820193,COMPANY,8120005550001,PT Mitra Teknik Kepri,BUSINESS,,,,Batam,"
    "Kanim Batam",
]
SAMPLE = "\n".join([HEADER, *ROWS]) + "\n"
# The same rows as a permit office's own spreadsheet names its columns.
LOCAL = SAMPLE.replace("full_name", "Nama Lengkap").replace("passport_number", "No Paspor")
LOCAL_MAPPING = {"Nama Lengkap": "full_name", "No Paspor": "passport_number"}
SCRIPT = "<script>alert(1)</script>"


def _upload(client, content, *, kind="stay-permit", name="permits.csv", **extra):
    file = SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/csv")
    return client.post(reverse("exchange:upload"), {"kind": kind, "file": file, **extra})


def _preview(client, content, **kwargs):
    response = _upload(client, content, **kwargs)
    assert response.status_code == 302, response.context["form"].errors
    return client.get(response["Location"]), response["Location"]


def _mapping(preview, changes=None, **extra):
    """The mapping form as shown, with some columns mapped otherwise."""
    form = preview.context["form"]
    data = {}
    for index, column in enumerate(form.columns):
        name = form.field_name(index)
        data[name] = (changes or {}).get(column, form[name].initial)
    return {**data, "profile_name": "", **extra}


def _import(client, content, changes=None, **extra):
    preview, url = _preview(client, content)
    response = client.post(url, _mapping(preview, changes, **extra))
    assert response.status_code == 302, response.context["problems"]
    return ImportBatch.objects.get(code=response["Location"].rstrip("/").rsplit("/", 1)[1])


def _kept_files(settings):
    folder = Path(settings.UPLOAD_DIR)
    return sorted(folder.iterdir()) if folder.exists() else []


def _batch_url(batch):
    return reverse("exchange:batch", args=[batch.code])


def test_it_shows_the_columns_and_first_rows_of_the_file(cast):
    preview, _url = _preview(cast.client_for(cast.alice), SAMPLE)
    page = preview.content.decode()
    assert preview.status_code == 200
    assert preview.context["form"].columns == HEADER.split(",")
    assert "2C21AB0012-X" in page and "张伟" in page
    assert preview.context["problems"] == []


def test_it_fills_the_mapping_from_the_column_names(cast):
    preview, _url = _preview(cast.client_for(cast.alice), SAMPLE)
    mapping = _mapping(preview)
    assert mapping["column_0"] == "permit_number"
    assert mapping["column_14"] == "passport_number"


def test_it_imports_the_file_when_confirmed_and_shows_the_counts(cast, settings):
    client = cast.client_for(cast.alice)
    batch = _import(client, SAMPLE)
    response = client.get(_batch_url(batch))
    assert (batch.status, batch.channel, batch.created) == (BatchStatus.COMPLETED, "UPLOAD", 2)
    assert response.context["batch"].created == 2
    assert '<dd id="count-created">2</dd>' in response.content.decode()
    assert _kept_files(settings) == []


def test_it_shows_what_is_wrong_with_a_mapping_as_it_changes(cast):
    client = cast.client_for(cast.alice)
    preview, url = _preview(client, LOCAL)
    response = client.post(url, _mapping(preview), HTTP_HX_REQUEST="true")
    fragment = response.content.decode()
    assert fragment.strip().startswith('<div id="mapping-check"')
    assert 'class="alert error"' in fragment
    assert "full_name" in fragment and "passport_number" in fragment
    assert not ImportBatch.objects.exists()


def test_it_imports_non_standard_headers_as_mapped_in_the_form(cast):
    batch = _import(cast.client_for(cast.alice), LOCAL, LOCAL_MAPPING)
    assert (batch.created, batch.rejected) == (2, 0)
    assert batch.mapping["Nama Lengkap"] == "full_name"
    assert Person.objects.filter(full_name="ZHANG WEI").exists()


def test_it_saves_the_mapping_as_a_profile_of_the_agency(cast):
    _import(cast.client_for(cast.alice), LOCAL, LOCAL_MAPPING, profile_name="SIMKIM")
    profile = ColumnProfile.objects.get()
    assert (profile.agency, profile.kind, profile.name) == (cast.imigrasi, "stay-permit", "SIMKIM")
    assert profile.mapping["No Paspor"] == "passport_number"
    assert AuditEvent.objects.filter(verb="exchange.profile_saved", actor=cast.alice).exists()


def test_it_fills_the_mapping_from_a_chosen_profile(cast):
    mapping = {"Nama Lengkap": "full_name", "No Paspor": "passport_number"}
    profile = save_column_profile(
        actor=cast.bob, kind="stay-permit", name="SIMKIM", mapping=mapping
    )
    preview, _url = _preview(cast.client_for(cast.alice), LOCAL, profile=str(profile.code))
    assert preview.context["problems"] == []
    assert _mapping(preview)["column_7"] == "full_name"


def test_it_offers_only_the_profiles_of_the_users_agency(cast):
    save_column_profile(actor=cast.alice, kind="stay-permit", name="SIMKIM", mapping={})
    response = cast.client_for(cast.charlie).get(reverse("exchange:upload"))
    assert list(response.context["form"].fields["profile"].queryset) == []


def test_it_refuses_a_mapping_that_lacks_a_required_column_and_writes_nothing(cast, settings):
    client = cast.client_for(cast.alice)
    preview, url = _preview(client, LOCAL)
    response = client.post(url, _mapping(preview, {"Nama Lengkap": "full_name"}))
    assert response.status_code == 200
    assert "passport_number" in " ".join(response.context["problems"])
    assert "passport_number" in response.content.decode()
    assert not ImportBatch.objects.exists()
    assert not Person.objects.exists()
    assert len(_kept_files(settings)) == 1  # still there, to map again


def test_it_shows_the_refusal_of_a_file_refused_while_importing(cast):
    too_long = "X" * (MAX_CELL + 1)
    rows = [ROWS[0]] * 10 + [ROWS[1].replace("Kanim Batam", too_long)]
    batch = _import(cast.client_for(cast.alice), "\n".join([HEADER, *rows]) + "\n")
    response = cast.client_for(cast.alice).get(_batch_url(batch))
    assert batch.status == BatchStatus.REFUSED
    assert batch.refusal in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert not RawRecord.objects.exists()
    assert not Person.objects.exists()


def test_it_refuses_a_file_it_cannot_read_on_the_first_page(cast, settings):
    response = _upload(cast.client_for(cast.alice), "", name="empty.csv")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert _kept_files(settings) == []


def test_it_shows_html_in_a_file_as_text(cast):
    client = cast.client_for(cast.alice)
    row = ROWS[0].replace("NGUYEN VAN THANG", SCRIPT).replace(",VNM,", f",{SCRIPT},")
    batch = _import(client, f"{HEADER}\n{row}\n")
    page = client.get(_batch_url(batch)).content.decode()
    assert batch.rejected == 1
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_it_shows_every_reason_of_a_rejected_row(cast):
    client = cast.client_for(cast.alice)
    row = ROWS[0].replace(",VNM,", ",XYZ,").replace("2025-08-20,2025-08-20", "2025-08-20,20-08")
    batch = _import(client, f"{HEADER}\n{row}\n")
    report = client.get(_batch_url(batch)).context["report"]
    assert [r["field"] for r in report[0]["reasons"]] == ["valid_from", "nationality"]


def test_it_escapes_html_on_the_preview(cast):
    row = ROWS[0].replace("NGUYEN VAN THANG", SCRIPT)
    preview, _url = _preview(cast.client_for(cast.alice), f"{HEADER}\n{row}\n")
    assert SCRIPT not in preview.content.decode()


def test_it_downloads_the_rejections_with_the_original_columns_and_the_reasons(cast):
    client = cast.client_for(cast.alice)
    batch = _import(client, f"{HEADER}\n{ROWS[0].replace(',VNM,', ',XYZ,')}\n{ROWS[1]}\n")
    response = client.get(reverse("exchange:rejections", args=[batch.code]))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert set(HEADER.split(",")) < set(rows[0])
    assert (rows[0]["line"], rows[0]["permit_number"]) == ("2", "2C21AB0012-X")
    assert "nationality" in rows[0]["reasons"]
    assert len(rows) == 1


def test_it_records_the_download_of_the_rejections(cast):
    client = cast.client_for(cast.alice)
    batch = _import(client, SAMPLE)
    client.get(reverse("exchange:rejections", args=[batch.code]))
    event = AuditEvent.objects.get(verb="exchange.rejections_downloaded")
    assert (event.actor, event.subject_code) == (cast.alice, str(batch.code))


def test_it_answers_404_to_another_agency_for_a_batch_and_its_rejections(cast):
    batch = _import(cast.client_for(cast.alice), SAMPLE)
    client = cast.client_for(cast.charlie)
    assert client.get(_batch_url(batch)).status_code == 404
    assert client.get(reverse("exchange:rejections", args=[batch.code])).status_code == 404
    assert not AuditEvent.objects.filter(verb="exchange.rejections_downloaded").exists()


def test_it_does_not_let_another_user_continue_an_upload(cast):
    _preview_page, url = _preview(cast.client_for(cast.alice), SAMPLE)
    response = cast.client_for(cast.bob).get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("exchange:upload")


def test_it_offers_a_manpower_officer_only_the_kinds_disnaker_may_send(cast):
    response = cast.client_for(cast.charlie).get(reverse("exchange:upload"))
    kinds = [value for value, _label in response.context["form"].fields["kind"].choices]
    assert "work-permit" in kinds
    assert "border-crossing" not in kinds


def test_it_refuses_a_forged_post_of_a_kind_the_agency_may_not_send(cast, settings):
    response = _upload(cast.client_for(cast.charlie), SAMPLE, kind="border-crossing")
    assert response.status_code == 200
    assert response.context["form"].errors["kind"]
    assert _kept_files(settings) == []
    assert not ImportBatch.objects.exists()


def test_it_refuses_an_upload_larger_than_the_limit(cast, settings):
    settings.MAX_IMPORT_UPLOAD_MB = 1
    big = SAMPLE + (ROWS[0] + "\n") * (1024 * 1024 // len(ROWS[0]) + 1)
    response = _upload(cast.client_for(cast.alice), big)
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["file"][0].code == "too_large"
    assert _kept_files(settings) == []


def test_it_lists_the_batches_of_the_users_agency(cast, django_assert_max_num_queries):
    _import(cast.client_for(cast.alice), SAMPLE)
    client = cast.client_for(cast.bob)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("exchange:batches"))
    assert [b.file_name for b in response.context["page"]] == ["permits.csv"]
    charlie = cast.client_for(cast.charlie).get(reverse("exchange:batches"))
    assert list(charlie.context["page"]) == []


def test_it_polls_a_batch_that_is_still_running(cast, tmp_path):
    path = tmp_path / "permits.csv"
    path.write_text(SAMPLE, encoding="utf-8")
    batch = start_batch(
        kind="stay-permit", path=path, source=cast.imigrasi, user=cast.alice, channel=Channel.UPLOAD
    )
    response = cast.client_for(cast.alice).get(_batch_url(batch), HTTP_HX_REQUEST="true")
    fragment = response.content.decode().strip()
    assert fragment.startswith('<section id="batch-live"')
    assert 'hx-trigger="every 1s"' in fragment
    assert "<progress" in fragment


def test_it_stops_polling_when_the_batch_is_finished(cast):
    client = cast.client_for(cast.alice)
    batch = _import(client, SAMPLE)
    assert "hx-trigger" not in client.get(_batch_url(batch)).content.decode()


def test_it_serves_the_demo_files_as_examples(cast, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    folder = tmp_path / "demo" / "seed-2026"
    folder.mkdir(parents=True)
    for name in ("stay-permit.csv", "stay-permit.updates.csv", "manifest.csv"):
        (folder / name).write_text(SAMPLE, encoding="utf-8")
    client = cast.client_for(cast.alice)
    listed = client.get(reverse("exchange:upload")).context["examples"]
    response = client.get(reverse("exchange:example", args=["stay-permit.updates.csv"]))
    assert listed == ["stay-permit.csv", "stay-permit.updates.csv"]
    assert b"".join(response.streaming_content).decode() == SAMPLE


def test_it_serves_no_other_file_as_an_example(cast, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "manifest.csv").write_text("x", encoding="utf-8")
    client = cast.client_for(cast.alice)
    assert client.get(reverse("exchange:example", args=["manifest.csv"])).status_code == 404
    assert client.get("/exchange/examples/..%2Fsecret_key").status_code == 404


def test_it_asks_for_a_log_in(client):
    response = client.get(reverse("exchange:upload"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
