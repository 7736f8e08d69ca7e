"""Lab result batches: a laboratory's list of sample numbers with their result and result time, imported
through the transfer engine and upserted on the sample number.

A lab knows its samples, not where their people live, so the file has no division-code column. The
sample-number column names the row's region instead: its parsed value is the division code of the
registered sample's region (a `str`, which is what the engine checks the importer's jurisdiction
against), carrying the sample's stored fields. Unknown sample numbers are row errors, so the upsert only
ever updates registered samples and never inserts.
"""

import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from twofront.metrics.dirty import touch_many
from twofront.prevention.choices import TestResult
from twofront.prevention.models import NucleicTest
from twofront.transfer.spec import Col, ImportSpec, RowError, register, truncate


class Sample(str):
    """A registered sample; the string value is the division code of its region."""

    sample_id: str
    person_id: int
    sampled_at: datetime.datetime
    region_id: int
    sample_site: str
    old_result_at: datetime.datetime | None


def parse_sample(value: str) -> Sample:
    sample_id = value.strip()
    row = (NucleicTest.objects.filter(sample_id=sample_id)
           .values_list("person_id", "sampled_at", "region_id", "region__code", "result_at", "sample_site").first())
    if row is None:
        raise RowError("样本编号未登记", "no sample is registered with this number")
    sample = Sample(row[3])
    sample.sample_id, sample.person_id, sample.sampled_at, sample.region_id, sample.old_result_at = (
        sample_id, row[0], row[1], row[2], row[4])
    sample.sample_site = row[5]
    return sample


RESULTS = {"阴性": TestResult.NEGATIVE, "negative": TestResult.NEGATIVE, "neg": TestResult.NEGATIVE,
           "-": TestResult.NEGATIVE, "阳性": TestResult.POSITIVE, "positive": TestResult.POSITIVE,
           "pos": TestResult.POSITIVE, "+": TestResult.POSITIVE}


def parse_result(value: str) -> str:
    result = RESULTS.get(value.strip().casefold())
    if result is None:
        raise RowError("结果应为阴性或阳性", "the result is negative or positive")
    return result


def parse_result_at(value: str) -> datetime.datetime:
    text = value.strip().replace("/", "-").replace("T", " ")
    try:
        moment = parse_datetime(text)
    except ValueError:
        moment = None
    if moment is None:
        raise RowError("时间格式应为 2020-02-03 14:30", "write the time as 2020-02-03 14:30")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > timezone.now() + datetime.timedelta(minutes=5):
        raise RowError("结果时间不能晚于现在", "the result time is in the future")
    return moment


def stored_result(values: dict) -> dict:
    sample = values["sample_id"]
    # A result dated before its sample is a lab slip; keep the order the risk rules rely on.
    result_at = max(values["result_at"], sample.sampled_at)
    # The engine marks today's cells; the positives metric counts on the result's day (and the old one's).
    touch_many(NucleicTest, [(sample.region_id, day) for day in (result_at, sample.old_result_at) if day])
    # Every NOT NULL column is supplied: databases check them before they see the conflict on the sample number.
    return {"sample_id": sample.sample_id, "person_id": sample.person_id, "sampled_at": sample.sampled_at,
            "region_id": sample.region_id, "sample_site": sample.sample_site, "result": values["result"],
            "result_at": result_at, "lab": values["lab"]}


LAB_RESULTS = ImportSpec(
    dataset="lab_results",
    label=_("Nucleic-acid test results (lab batch)"),
    model=NucleicTest,
    columns=(
        Col("sample_id", "样本编号", "Sample number", parse=parse_sample, mask=str,
            hint_zh="采样登记时的样本编号", hint_en="the number given when the sample was registered"),
        Col("result", "检测结果", "Result", parse=parse_result, mask=str, hint_zh="阴性 或 阳性",
            hint_en="negative or positive"),
        Col("result_at", "结果时间", "Result time", parse=parse_result_at, mask=str,
            hint_zh="如 2020-02-03 14:30", hint_en="e.g. 2020-02-03 14:30"),
        Col("lab", "检测机构", "Laboratory", parse=truncate(128), required=False),
    ),
    natural_key="sample_id",
    db_key=lambda values: values["sample_id"].sample_id,
    row_key=lambda values: values["sample_id"].sample_id,
    key_column="sample_id",
    build=stored_result,
    permission="prevention.import_nucleictest",
    audit_action="prevention.test.results_imported",
    region_column="sample_id",
    keep_on_update=("person_id", "sampled_at", "region_id", "sample_site"),
)

register(LAB_RESULTS)
