import csv
import re
from collections import Counter
from datetime import date
from itertools import islice

import pytest
from python_calamine import CalamineWorkbook

from twofront.core.identity import parse_mobile, parse_national_id
from twofront.core.synthetic import (
    GUIYANG_REGION_CODES,
    ID_CAPACITY,
    OTHER_REGION_CODES,
    PERSON_HEADERS,
    generate_persons,
    write_csv,
    write_xlsx,
)

REGIONS = ["520102", "520103", "520111", "520115"]
HEADERS = ["姓名", "身份证号", "手机号", "区划代码", "地址"]
ADDRESS_RE = re.compile(r"^[\u4e00-\u9fff]+(路|街|大道)\d{1,3}号\d{1,2}栋[1-6]单元\d{1,2}0[1-4]$")
NAME_RE = re.compile(r"^[\u4e00-\u9fff]{2,4}$")


@pytest.fixture(scope="module")
def persons():
    return list(generate_persons(20_000, REGIONS, seed=42))


def test_person_headers():
    assert PERSON_HEADERS == {
        "name": "姓名",
        "id_number": "身份证号",
        "phone": "手机号",
        "region_code": "区划代码",
        "address": "地址",
    }


def test_rows_have_exactly_the_header_keys(persons):
    assert len(persons) == 20_000
    assert all(list(p) == list(PERSON_HEADERS) for p in persons)


def test_ids_all_valid_and_unique(persons):
    ids = [p["id_number"] for p in persons]
    assert len(set(ids)) == len(ids)
    parsed = [parse_national_id(i) for i in ids]
    assert all(p.number == i for p, i in zip(parsed, ids))
    assert all(date(1940, 1, 1) <= p.birth_date <= date(2015, 12, 31) for p in parsed)
    allowed = set(GUIYANG_REGION_CODES) | set(OTHER_REGION_CODES)
    native = Counter(p.native_region_code for p in parsed)
    assert set(native) <= allowed
    guiyang_share = sum(native[c] for c in GUIYANG_REGION_CODES) / len(parsed)
    assert 0.8 < guiyang_share < 0.97  # mostly Guiyang, some from elsewhere
    assert len(native) == len(allowed)
    sexes = Counter(p.sex for p in parsed)
    assert 0.45 < sexes["M"] / len(parsed) < 0.55
    decades = Counter(p.birth_date.year // 10 for p in parsed)
    assert set(decades) == set(range(194, 202))


def test_phones_all_valid_and_unique(persons):
    phones = [p["phone"] for p in persons]
    assert len(set(phones)) == len(phones)
    assert all(parse_mobile(ph) == ph for ph in phones)
    assert len({ph[:3] for ph in phones}) > 20


def test_region_codes_only_from_given_list_and_spread(persons):
    counts = Counter(p["region_code"] for p in persons)
    assert set(counts) == set(REGIONS)
    expected = len(persons) / len(REGIONS)
    assert all(abs(c - expected) < 0.1 * expected for c in counts.values())


def test_names_and_addresses_look_real(persons):
    assert all(NAME_RE.match(p["name"]) for p in persons)
    assert all(ADDRESS_RE.match(p["address"]) for p in persons), [
        p["address"] for p in persons if not ADDRESS_RE.match(p["address"])
    ][:5]
    names = Counter(p["name"] for p in persons)
    assert len(names) > 10_000  # plenty of variety, but common names repeat
    surnames = Counter(p["name"][0] for p in persons)
    assert {s for s, _ in surnames.most_common(5)} & {"王", "李", "张"}
    assert any(p["name"].startswith(("欧阳", "司马", "诸葛", "上官")) for p in persons)
    assert len({p["address"] for p in persons}) > 19_000


def test_deterministic_for_a_seed():
    a = list(generate_persons(2_000, REGIONS, seed=7))
    b = list(generate_persons(2_000, REGIONS, seed=7))
    c = list(generate_persons(2_000, REGIONS, seed=8))
    assert a == b
    assert [p["id_number"] for p in a] != [p["id_number"] for p in c]
    assert [p["phone"] for p in a] != [p["phone"] for p in c]
    assert [p["name"] for p in a] != [p["name"] for p in c]


def test_prefix_of_longer_run_is_identical():
    short = list(generate_persons(100, REGIONS, seed=3))
    long = list(islice(generate_persons(5_000, REGIONS, seed=3), 100))
    assert short == long


def test_single_region_and_zero_rows():
    rows = list(generate_persons(50, ("520181",), seed=1))
    assert {r["region_code"] for r in rows} == {"520181"}
    assert list(generate_persons(0, REGIONS)) == []


def test_argument_errors_raised_eagerly():
    with pytest.raises(ValueError):
        generate_persons(10, [])
    with pytest.raises(ValueError):
        generate_persons(-1, REGIONS)
    with pytest.raises(ValueError):
        generate_persons(ID_CAPACITY + 1, REGIONS)
    with pytest.raises(TypeError):
        generate_persons(10, "520102")
    assert ID_CAPACITY > 10_000_000


def test_csv_round_trip(tmp_path):
    rows = list(generate_persons(100, REGIONS, seed=5))
    path = tmp_path / "persons.csv"
    assert write_csv(rows, path) == 100
    with open(path, encoding="utf-8", newline="") as fh:
        data = list(csv.reader(fh))
    assert data[0] == HEADERS
    assert data[1:] == [[r[k] for k in PERSON_HEADERS] for r in rows]


def test_csv_utf8_sig_and_generator_input(tmp_path):
    path = tmp_path / "persons.csv"
    assert write_csv(generate_persons(10, REGIONS), path, encoding="utf-8-sig") == 10
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig").splitlines()[0] == ",".join(HEADERS)


def test_xlsx_round_trip(tmp_path):
    rows = list(generate_persons(100, REGIONS, seed=5))
    path = tmp_path / "persons.xlsx"
    assert write_xlsx(iter(rows), path) == 100
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    data = sheet.to_python()
    assert data[0] == HEADERS
    assert len(data) == 101
    # every cell comes back as the same text: ID and phone numbers were not turned into numbers
    assert data[1:] == [[r[k] for k in PERSON_HEADERS] for r in rows]
    for row in data[1:]:
        parse_national_id(row[1])
        parse_mobile(row[2])


def test_xlsx_empty(tmp_path):
    path = tmp_path / "empty.xlsx"
    assert write_xlsx([], path) == 0
    data = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert data == [HEADERS]
