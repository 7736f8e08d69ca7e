import datetime
from typing import Literal

from ninja import Field, Schema

# Free text from the outside: no control characters (PostgreSQL cannot store NUL; nobody types the rest).
PLAIN = r"^[^\x00-\x1f]*$"
ID = {"ge": 1, "le": 2**63 - 1}


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    risk_level: str
    active: bool
    order: int


class CategoryCreateIn(Schema):
    code: str = Field(..., pattern=r"^[a-z0-9_]{1,32}$", description="stable code the risk rules match on")
    name: str = Field(..., min_length=1, max_length=64, pattern=PLAIN)
    name_en: str = Field("", max_length=64, pattern=PLAIN)
    risk_level: Literal["yellow", "red"] = "yellow"
    order: int = Field(0, ge=0, le=999)


class CategoryUpdateIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=64, pattern=PLAIN)
    name_en: str | None = Field(None, max_length=64, pattern=PLAIN)
    risk_level: Literal["yellow", "red"] | None = None
    order: int | None = Field(None, ge=0, le=999)
    active: bool | None = None


class PersonRefIn(Schema):
    """Name the person by id, or by national ID number (exact, through the blind index)."""

    person_id: int | None = Field(None, **ID)
    id_number: str | None = Field(None, max_length=32, pattern=PLAIN)


class KeyPersonOut(Schema):
    id: int
    person_id: int
    person_name: str = Field(..., alias="person.name")
    id_number_masked: str = Field(..., alias="person.id_number_masked")
    category: str = Field(..., alias="category.code")
    category_name: str = Field(..., alias="category.name")
    since: datetime.date
    until: datetime.date | None
    source: str
    region_code: str = Field(..., alias="region.code")


class KeyPersonCreateIn(PersonRefIn):
    category: str = Field(..., max_length=32, pattern=PLAIN, description="category code")
    since: datetime.date | None = Field(None, description="default today")
    source: str = Field("", max_length=64, pattern=PLAIN, description="who found the person, e.g. 社区摸排")


class KeyPersonReleaseIn(Schema):
    until: datetime.date | None = Field(None, description="last day in the category; default today")


class KeyPersonFilter(Schema):
    category: str | None = Field(None, max_length=32, pattern=PLAIN)
    region: str | None = Field(None, max_length=20, pattern=PLAIN, description="division code; includes its subtree")
    status: Literal["open", "released"] | None = None
    person_id: int | None = Field(None, **ID)


class NucleicTestOut(Schema):
    id: int
    sample_id: str
    person_id: int
    person_name: str = Field(..., alias="person.name")
    id_number_masked: str = Field(..., alias="person.id_number_masked")
    sampled_at: datetime.datetime
    sample_site: str
    lab: str
    result: str
    result_at: datetime.datetime | None
    region_code: str = Field(..., alias="region.code")


class SampleIn(PersonRefIn):
    sample_id: str = Field(..., min_length=1, max_length=32, pattern=PLAIN)
    sampled_at: datetime.datetime | None = Field(None, description="default now")
    sample_site: str = Field("", max_length=128, pattern=PLAIN)
    lab: str = Field("", max_length=128, pattern=PLAIN)


class ResultIn(Schema):
    result: Literal["negative", "positive"]
    result_at: datetime.datetime | None = Field(None, description="default now")


class NucleicTestFilter(Schema):
    result: Literal["pending", "negative", "positive"] | None = None
    region: str | None = Field(None, max_length=20, pattern=PLAIN)
    person_id: int | None = Field(None, **ID)
    sample_id: str | None = Field(None, max_length=32, pattern=PLAIN)
    sampled_from: datetime.date | None = None
    sampled_to: datetime.date | None = None


class CoverageOut(Schema):
    category: str = Field(..., alias="category.code")
    category_name: str = Field(..., alias="category.name")
    in_category: int
    tested: int
    percent: float | None


class CoverageFilter(Schema):
    region: str | None = Field(None, max_length=20, pattern=PLAIN)
