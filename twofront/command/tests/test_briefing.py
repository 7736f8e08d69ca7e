"""Daily briefings: generated from the metrics for a region and day, as XLSX and PDF, scoped and audited."""

import datetime
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from twofront.command import briefing_schedule
from twofront.command.models import Briefing
from twofront.command.services import briefings
from twofront.core.models import AuditEvent, Person
from twofront.metrics import services as metrics_services

PAGE = "/command/briefings/"
API = "/api/v1/command/briefings"
DAY = datetime.date(2020, 4, 26)
NANMING_GRID, YUNYAN_GRID = "520102001001001", "520103001001001"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "briefings"


def noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)), timezone.get_default_timezone())


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def registered(make_person):
    """Persons registered in both districts on and before DAY (3 in Nanming, 2 in Yunyan), rollups rebuilt."""
    for code, day in [(NANMING_GRID, DAY), (NANMING_GRID, DAY - datetime.timedelta(days=3)),
                      (NANMING_GRID, DAY - datetime.timedelta(days=12)), (YUNYAN_GRID, DAY),
                      (YUNYAN_GRID, DAY - datetime.timedelta(days=20)), (YUNYAN_GRID, DAY + datetime.timedelta(days=2))]:
        person = make_person(code)
        Person.objects.filter(pk=person.pk).update(created_at=noon(day))
    metrics_services.rebuild(["core.persons_registered", "core.persons_new"])


def sheet_rows(content: bytes, name: str) -> list[list]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return workbook.get_sheet_by_name(name).to_python()


def test_commander_generates_the_city_briefing(personas, client_as, registered):
    # given persons in both districts, when the commander generates the city's briefing of DAY
    client = client_as(personas["commander"])
    response = client.post(PAGE, {"region": "520100", "day": DAY.isoformat()})
    assert response.status_code == 302, response.content.decode()[:2000]
    briefing = Briefing.objects.get(region__code="520100", day=DAY)
    assert briefing.generated_by == personas["commander"]
    event = AuditEvent.objects.get(action="command.briefing.generated")
    assert event.actor == personas["commander"] and event.object_id == str(briefing.pk)

    # then the workbook opens and holds the figures of the day, equal to raw counts
    xlsx = briefing.xlsx.read()
    headline = sheet_rows(xlsx, _("Headline figures"))
    by_key = {row[6]: row for row in headline[4:]}
    as_of_day = Person.objects.filter(created_at__lt=noon(DAY + datetime.timedelta(days=1)).replace(hour=0)).count()
    assert by_key["core.persons_registered"][2] == as_of_day == 5
    assert by_key["core.persons_new"][2] == 2  # registered on DAY itself
    assert by_key["core.persons_registered"][1] == "登记人数"
    table = sheet_rows(xlsx, _("By subdivision"))
    header = table[2]
    column = header.index("登记人数（人）")
    rows = {row[0]: row for row in table[3:]}
    assert rows["南明区"][column] == 3 and rows["云岩区"][column] == 2 and rows["贵阳市"][column] == 5
    trends = sheet_rows(xlsx, _("Trends"))
    assert trends[2][0] == _("Day") and len([r for r in trends[3:] if r[0] != ""]) == briefings.TREND_DAYS

    # and the PDF renders (poppler) to a page whose PNG is kept for a person to look at
    pdf = briefing.pdf.read()
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftoppm"):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        # one name per database: the SQLite and PostgreSQL suites may run at once in one checkout
        stem = f"city-{connection.vendor}"
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-", str(ARTIFACTS / stem)],
                       input=pdf, check=True)
        pages = sorted(ARTIFACTS.glob(f"{stem}-*.png"))
        assert pages and pages[0].stat().st_size > 20_000
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        assert "Noto-Sans-CJK" in fonts or "NotoSansCJK" in fonts


def test_download_is_scoped_and_audited(personas, client_as, registered):
    briefing = briefings.generate_briefing(region=personas.region("520102"), day=DAY, actor=personas["nanming"])
    url = f"{PAGE}{briefing.pk}/xlsx/"
    assert client_as(personas["yunyan"]).get(url).status_code == 404
    assert client_as(None).get(url).status_code == 302
    response = client_as(personas["commander"]).get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert b"".join(response.streaming_content)[:2] == b"PK"
    assert AuditEvent.objects.filter(action="command.briefing.downloaded", actor=personas["commander"]).count() == 1
    assert client_as(personas["nanming"]).get(f"{PAGE}{briefing.pk}/pdf/").status_code == 200
    assert client_as(personas["nanming"]).get(f"{PAGE}{briefing.pk}/doc/").status_code == 404


@pytest.mark.parametrize(("persona", "region", "status"), [
    ("yunyan", "520102", 404),      # another district: as if it did not exist
    ("nanming", "520100", 404),     # the city above
    ("norole", "520102", 403),
    ("auditor", "520100", 403),
    ("grid_nanming", "520102", 403),
])
def test_refused_generation_changes_nothing(personas, client_as, persona, region, status):
    response = client_as(personas[persona]).post(API, {"region": region, "day": DAY.isoformat()},
                                                 content_type="application/json")
    assert response.status_code == status, response.content
    assert not Briefing.objects.exists()
    assert not AuditEvent.objects.filter(action="command.briefing.generated").exists()


def test_api_generates_and_lists_within_the_jurisdiction(personas, client_as, registered, monkeypatch):
    monkeypatch.setattr(briefings, "render_pdf", lambda figures: b"%PDF-1.7 test")
    nanming = client_as(personas["nanming"])
    created = nanming.post(API, {"region": "520102", "day": DAY.isoformat()}, content_type="application/json")
    assert created.status_code == 200, created.content
    assert created.json()["region_code"] == "520102" and created.json()["pdf_url"].endswith("/pdf/")
    briefings.generate_briefing(region=personas.region("520103"), day=DAY, actor=personas["yunyan"])
    # again: replaced, not duplicated
    assert nanming.post(API, {"region": "520102", "day": DAY.isoformat()},
                        content_type="application/json").status_code == 200
    assert Briefing.objects.filter(region__code="520102").count() == 1
    assert [b["region_code"] for b in nanming.get(API).json()["items"]] == ["520102"]
    assert sorted(b["region_code"] for b in client_as(personas["commander"]).get(API).json()["items"]) == [
        "520102", "520103"]
    assert client_as(personas["auditor"]).get(API).status_code == 403
    assert client_as(None).get(API).status_code == 401


def test_page_lists_and_offers_generation(personas, client_as, monkeypatch):
    monkeypatch.setattr(briefings, "render_pdf", lambda figures: b"%PDF-1.7 test")
    briefings.generate_briefing(region=personas.region("520103"), day=DAY, actor=None)
    page = client_as(personas["commander"]).get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "每日简报" in html and "云岩区" in html and 'name="region"' in html
    assert "云岩区" not in client_as(personas["nanming"]).get(PAGE).content.decode().split("<tbody>")[1]
    assert client_as(personas["auditor"]).get(PAGE).status_code == 403
    bad = client_as(personas["nanming"]).post(PAGE, {"region": "520103", "day": DAY.isoformat()})
    assert bad.status_code == 422 and not Briefing.objects.filter(region__code="520103", generated_by__isnull=False)


def test_morning_job_generates_city_and_districts_once(personas, monkeypatch, settings):
    monkeypatch.setattr(briefings, "render_pdf", lambda figures: b"%PDF-1.7 test")
    monkeypatch.setenv("TWOFRONT_BRIEFING_HOUR", "7")
    early = timezone.make_aware(datetime.datetime(2020, 4, 27, 6, 59), timezone.get_default_timezone())
    late = early + datetime.timedelta(minutes=2)
    assert briefing_schedule.due(early, None) is None
    assert briefing_schedule.due(late, None) == DAY
    thread = briefing_schedule.BriefingThread()
    monkeypatch.setattr(briefing_schedule.timezone, "now", lambda: late)
    assert thread.run_once() == 3  # the city and its two districts
    assert sorted(Briefing.objects.filter(day=DAY).values_list("region__code", flat=True)) == [
        "520100", "520102", "520103"]
    assert set(AuditEvent.objects.filter(action="command.briefing.generated").values_list("source", flat=True)) == {
        "task"}
    assert thread.run_once() == 0  # nothing missing any more
    assert briefing_schedule.generate_daily_briefings.call(DAY.isoformat()) == 3  # on demand: regenerates
