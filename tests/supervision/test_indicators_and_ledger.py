"""Exit indicators per listed village (HN 四(一)3); the ledger they feed is tested in test_ledger.py."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rectification.models import ProblemItem
from supervision.models import ExitIndicator, IndicatorStatus
from supervision.services import indicator_status_set, listed_village_of

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
TODAY = datetime.date.today()


def url(lv, indicator):
    return reverse("supervision:indicator_update", args=[lv.pk, indicator.pk])


def post(client, lv, indicator, **data):
    p = f"i{indicator.pk}-"
    return client.post(url(lv, indicator), {f"{p}{k}": v for k, v in data.items()})


def test_seeded_indicators_are_those_of_the_document(db):
    assert list(ExitIndicator.objects.values_list("name", flat=True)) == [
        "交通", "电力", "水利（饮水）", "教育", "文化", "卫生医疗", "村级集体经济"]


def test_not_met_opens_a_ledger_item_and_met_with_evidence_reports_it(client, officer_a, lv_a, transport):
    client.force_login(officer_a)
    response = post(client, lv_a, transport, result="not_met", assessed_on="2020-04-10", evidence="")
    assert response.status_code == 302
    item = ProblemItem.objects.get()
    assert item.status == "pending" and item.county_id == lv_a.county_id and item.village_id == lv_a.village_id
    assert "交通" in item.description and item.source.found_by == officer_a
    page = client.get(lv_a.get_absolute_url(), follow=True)
    assert "督战台账问题待整改" in page.content.decode() and "待整改" in page.content.decode()

    # Marking it 未达标 again does not open a second item.
    post(client, lv_a, transport, result="not_met", assessed_on="2020-04-11", evidence="")
    assert ProblemItem.objects.count() == 1

    response = post(client, lv_a, transport, result="met", assessed_on="2020-05-20", evidence="通村硬化路已验收")
    assert response.status_code == 302
    item.refresh_from_db()
    # Not closed silently: reported by the county, waiting for the city office's verification.
    assert item.status == "reported" and "通村硬化路已验收" in item.report
    status = IndicatorStatus.objects.get()
    assert status.history.count() == 3  # every change kept


def test_met_without_evidence_is_refused_and_nothing_written(client, officer_a, lv_a, transport):
    client.force_login(officer_a)
    post(client, lv_a, transport, result="not_met", assessed_on="2020-04-10", evidence="")
    response = post(client, lv_a, transport, result="met", assessed_on="2020-05-20", evidence="  ")
    assert response.status_code == 400
    assert "认定达标必须填写佐证说明" in response.content.decode()
    assert IndicatorStatus.objects.get().result == "not_met"
    assert ProblemItem.objects.get().status == "pending"


def test_service_refuses_met_without_evidence(officer_a, lv_a, transport):
    with pytest.raises(ValidationError) as e:
        indicator_status_set(acting_user=officer_a, listed_village=lv_a, indicator=transport, result="met",
                             assessed_on=TODAY, evidence="")
    assert "evidence" in e.value.message_dict
    assert not IndicatorStatus.objects.exists()


def test_future_date_refused(officer_a, lv_a, transport):
    with pytest.raises(ValidationError, match="不能晚于今天"):
        indicator_status_set(acting_user=officer_a, listed_village=lv_a, indicator=transport, result="not_met",
                             assessed_on=TODAY + datetime.timedelta(days=1))


def test_village_not_listed_is_refused(listing, county_a):
    from tests.factories import VillageFactory

    other = VillageFactory(township__county=county_a, name="小河村")
    with pytest.raises(ValidationError, match="小河村不是挂牌督战村"):
        listed_village_of(listing=listing, village=other)


def test_evidence_file_type_from_bytes_stored_privately_and_served_scoped(client, officer_a, officer_b, lv_a, transport, settings):
    client.force_login(officer_a)
    p = f"i{transport.pk}-"
    fake = SimpleUploadedFile("photo.png", b"<script>alert(1)</script>", content_type="image/png")
    response = client.post(url(lv_a, transport), {f"{p}result": "met", f"{p}assessed_on": "2020-05-20",
                                                  f"{p}evidence": "已通车", f"{p}evidence_file": fake})
    assert response.status_code == 400
    assert "佐证材料只接受" in response.content.decode()
    assert not IndicatorStatus.objects.exists()

    real = SimpleUploadedFile("路面.png", PNG, content_type="application/octet-stream")
    response = client.post(url(lv_a, transport), {f"{p}result": "met", f"{p}assessed_on": "2020-05-20",
                                                  f"{p}evidence": "已通车", f"{p}evidence_file": real})
    assert response.status_code == 302
    status = IndicatorStatus.objects.get()
    assert status.evidence_content_type == "image/png"
    path = status.evidence_file.path
    assert path.startswith(str(settings.VAR_DIR / "private"))
    download = client.get(reverse("supervision:evidence_download", args=[status.pk]))
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "image/png"
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PNG

    client.force_login(officer_b)
    assert client.get(reverse("supervision:evidence_download", args=[status.pk])).status_code == 404


def test_indicator_evidence_is_kept_by_the_one_private_storage_where_it_always_was(client, officer_a, lv_a, transport,
                                                                                   settings):
    """One PrivateStorage (villages.uploads) for every app's evidence; files stored before stay where they are."""
    import importlib.util

    from rectification.models import EvidenceFile
    from villages.uploads import private_storage

    assert IndicatorStatus._meta.get_field("evidence_file").storage is private_storage
    assert EvidenceFile._meta.get_field("file").storage is private_storage
    assert importlib.util.find_spec("supervision.storage") is None
    # A file uploaded earlier, at the path the old storage gave it.
    old = settings.VAR_DIR / "private" / "supervision" / "evidence" / "2020" / "05" / "验收单.png"
    old.parent.mkdir(parents=True)
    old.write_bytes(PNG)
    status = IndicatorStatus.objects.create(
        listed_village=lv_a, indicator=transport, result="met", assessed_on=datetime.date(2020, 5, 20),
        evidence="已通车", evidence_file="supervision/evidence/2020/05/验收单.png", evidence_name="验收单.png",
        evidence_content_type="image/png", updated_by=officer_a)
    client.force_login(officer_a)
    download = client.get(reverse("supervision:evidence_download", args=[status.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    # Served as the items' evidence is: nothing in it runs in the officer's browser, nothing is cached.
    assert "sandbox" in download["Content-Security-Policy"] and download["Cache-Control"] == "private, max-age=0"
    old.unlink()
    assert client.get(reverse("supervision:evidence_download", args=[status.pk])).status_code == 404


def test_other_county_by_url_is_404(client, officer_b, lv_a, transport):
    client.force_login(officer_b)
    assert client.get(lv_a.get_absolute_url()).status_code == 404
    response = post(client, lv_a, transport, result="not_met", assessed_on="2020-04-10")
    assert response.status_code == 404
    assert not IndicatorStatus.objects.exists()


def test_team_member_sees_but_may_not_update(client, leader_user, lv_a, transport):
    client.force_login(leader_user)
    page = client.get(lv_a.get_absolute_url())
    assert page.status_code == 200 and "保存交通" not in page.content.decode()
    assert post(client, lv_a, transport, result="not_met", assessed_on="2020-04-10").status_code == 403
    with pytest.raises(ValidationError):
        indicator_status_set(acting_user=leader_user, listed_village=lv_a, indicator=transport, result="not_met",
                             assessed_on=TODAY)
    assert not IndicatorStatus.objects.exists()


def test_city_office_updates_a_village_of_its_city(client, city_user, lv_b, transport):
    client.force_login(city_user)
    assert post(client, lv_b, transport, result="not_met", assessed_on="2020-04-10").status_code == 302
    assert ProblemItem.objects.get().county_id == lv_b.county_id


def test_indicator_list_is_kept_by_the_admin(client, admin_user, officer_a, lv_a):
    client.force_login(admin_user)
    response = client.post(reverse("admin:supervision_exitindicator_add"),
                           {"name": "广播电视", "description": "", "order": 8, "is_active": "on"})
    assert response.status_code == 302
    client.force_login(officer_a)
    body = client.get(lv_a.get_absolute_url()).content.decode()
    assert "保存广播电视" in body
    ExitIndicator.objects.filter(name="文化").update(is_active=False)
    body = client.get(lv_a.get_absolute_url()).content.decode()
    assert "保存文化" not in body
    from supervision.selectors import campaign_rows

    _, villages = campaign_rows(user=officer_a, listing=lv_a.listing)
    assert villages[0]["indicators_total"] == 7  # 7 seeded + 广播电视 − 文化
