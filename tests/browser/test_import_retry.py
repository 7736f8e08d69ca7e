"""An import whose worker died: its page says so and runs it again on one press."""

import datetime

import pytest
from django.core.files import File
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.pages import sign_in
from twofront.core.synthetic import generate_persons, write_xlsx
from twofront.transfer import services
from twofront.transfer.choices import JobPhase, JobStatus
from twofront.transfer.models import ImportJob

pytestmark = pytest.mark.browser


@pytest.fixture
def dead_job(personas_tx, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "花名册.xlsx"
    write_xlsx(generate_persons(5, ["520102001001001"], seed=11), path)
    with open(path, "rb") as fh:
        job = services.create_import_job(actor=personas_tx["nanming"], dataset="persons", upload=File(fh),
                                         name="花名册.xlsx")
    silent_since = timezone.now() - datetime.timedelta(hours=1)
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, phase=JobPhase.WRITING, rows_read=5,
                                               rows_valid=5, started_at=silent_since, heartbeat_at=silent_since)
    return job


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_stalled_import_is_run_again_from_its_page(new_page, dead_job, shoot, device):
    page = new_page(device)
    sign_in(page, "nanming")
    page.goto(f"/transfer/jobs/{dead_job.pk}/")
    expect(page.locator("#job-stalled")).to_contain_text("此导入已停止响应")
    shoot(page, "stalled")
    page.get_by_role("button", name="重新运行").click()
    expect(page.locator("body")).to_contain_text("导入已重新运行")
    expect(page.locator("#job-progress h2")).to_contain_text("成功")
    expect(page.locator("#job-stalled")).to_have_count(0)
    shoot(page, "done")
