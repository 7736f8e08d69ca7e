import pickle
from datetime import date

import pytest

from twofront.core.identity import (
    IdentityError,
    NationalId,
    credit_code_check_char,
    mask_credit_code,
    mask_mobile,
    mask_name,
    mask_national_id,
    national_id_check_digit,
    parse_credit_code,
    parse_mobile,
    parse_national_id,
    parse_plate,
)


def make_id(first17: str) -> str:
    return first17 + national_id_check_digit(first17)


def reference_check_digit(first17: str) -> str:
    # Independent straightforward implementation of GB 11643-1999.
    weights = [2 ** (17 - i) % 11 for i in range(17)]
    assert weights == [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(first17, weights))
    return "10X98765432"[total % 11]


# --- IdentityError ---------------------------------------------------------------------------


def test_identity_error_is_bilingual_value_error():
    e = IdentityError("校验位错误", "checksum digit is wrong")
    assert isinstance(e, ValueError)
    assert e.zh == "校验位错误"
    assert e.en == "checksum digit is wrong"
    assert str(e) == "校验位错误 / checksum digit is wrong"
    copy = pickle.loads(pickle.dumps(e))
    assert (copy.zh, copy.en, str(copy)) == (e.zh, e.en, str(e))


# --- national ID ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "first17",
    ["11010519491231002", "52010219900101123", "52011520150630888", "42010619400229001", "44010620001231999"],
)
def test_check_digit_matches_reference(first17):
    assert national_id_check_digit(first17) == reference_check_digit(first17)


def test_classic_example_id():
    assert national_id_check_digit("11010519491231002") == "X"
    nid = parse_national_id("11010519491231002X")
    assert nid == NationalId(
        number="11010519491231002X",
        birth_date=date(1949, 12, 31),
        sex="F",
        native_region_code="110105",
    )


def test_computed_valid_ids_parse():
    male = make_id("52010219900101123")  # 17th digit 3 -> male
    nid = parse_national_id(male)
    assert nid.number == male
    assert nid.birth_date == date(1990, 1, 1)
    assert nid.sex == "M"
    assert nid.native_region_code == "520102"
    female = make_id("52011520000229004")  # leap day, 17th digit 4 -> female
    nid = parse_national_id(female)
    assert nid.birth_date == date(2000, 2, 29)
    assert nid.sex == "F"


def test_lower_case_x_and_whitespace_accepted():
    nid = parse_national_id("  11010519491231002x \n")
    assert nid.number == "11010519491231002X"
    assert parse_national_id("110105 19491231 002X").number == "11010519491231002X"


def test_national_id_is_frozen():
    nid = parse_national_id("11010519491231002X")
    with pytest.raises(AttributeError):
        nid.sex = "M"  # type: ignore[misc]


def test_wrong_checksum_rejected():
    with pytest.raises(IdentityError) as exc:
        parse_national_id("110105194912310021")
    assert exc.value.zh == "校验位错误"
    assert exc.value.en == "checksum digit is wrong"
    # every wrong check character is caught
    good = make_id("52010219851111321")
    for c in "0123456789X":
        if c != good[-1]:
            with pytest.raises(IdentityError, match="校验位错误"):
                parse_national_id(good[:17] + c)


@pytest.mark.parametrize("birth", ["19990230", "19991301", "19990001", "19990100", "19000229"])
def test_impossible_birth_date_rejected(birth):
    number = make_id("520102" + birth + "123")  # checksum right, date wrong
    with pytest.raises(IdentityError) as exc:
        parse_national_id(number)
    assert str(exc.value) == "出生日期无效 / birth date is invalid"


def test_future_birth_date_rejected():
    future = date.today().replace(day=1).year + 1
    number = make_id(f"520102{future}0101123")
    with pytest.raises(IdentityError, match="future"):
        parse_national_id(number)


def test_birth_before_1900_rejected():
    with pytest.raises(IdentityError, match="1900"):
        parse_national_id(make_id("52010218991231123"))
    assert parse_national_id(make_id("52010219000101123")).birth_date == date(1900, 1, 1)


@pytest.mark.parametrize("value", ["11010519491231002", "11010519491231002X1", "1101051949", "X"])
def test_wrong_length_rejected(value):
    with pytest.raises(IdentityError) as exc:
        parse_national_id(value)
    assert str(exc.value) == "身份证号应为18位 / must be 18 characters"


@pytest.mark.parametrize(
    "value",
    [
        "11010519491231002A",
        "1101051949123100X2",
        "A1010519491231002X",
        "11010519491231002-",
        "１１０１０５１９４９１２３１００２X",  # full-width digits
    ],
)
def test_letters_and_non_ascii_digits_rejected(value):
    with pytest.raises(IdentityError, match="digits"):
        parse_national_id(value)


def test_empty_zero_region_and_non_string_rejected():
    with pytest.raises(IdentityError, match="empty"):
        parse_national_id("   ")
    with pytest.raises(IdentityError, match="region"):
        parse_national_id(make_id("01010519491231002"))
    with pytest.raises(IdentityError, match="string"):
        parse_national_id(11010519491231002)  # type: ignore[arg-type]


def test_check_digit_rejects_bad_input():
    with pytest.raises(IdentityError):
        national_id_check_digit("1101051949123100")
    with pytest.raises(IdentityError):
        national_id_check_digit("1101051949123100A")


# --- mobile --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "13812345678",
        " 138 1234 5678 ",
        "138-1234-5678",
        "+8613812345678",
        "+86 138 1234 5678",
        "+86-138-1234-5678",
        "8613812345678",
        "86 138 1234 5678",
    ],
)
def test_mobile_accepted_and_normalised(value):
    assert parse_mobile(value) == "13812345678"


@pytest.mark.parametrize("second", "3456789")
def test_mobile_prefixes_13_to_19(second):
    assert parse_mobile(f"1{second}012345678") == f"1{second}012345678"


@pytest.mark.parametrize(
    "value",
    [
        "12812345678",  # 12x is not a mobile prefix
        "12012345678",
        "11812345678",
        "10012345678",
        "23812345678",
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "+861381234567",  # +86 with 10 digits
        "+86138123456789",
        "861381234567",  # 86 + 10 digits: not a prefix, and 12 digits
        "1381234567a",
        "",
        "   ",
    ],
)
def test_mobile_rejected(value):
    with pytest.raises(IdentityError):
        parse_mobile(value)


def test_mobile_error_messages():
    with pytest.raises(IdentityError) as exc:
        parse_mobile("12812345678")
    assert exc.value.zh and exc.value.en
    assert str(exc.value) == f"{exc.value.zh} / {exc.value.en}"


# --- unified social credit code ----------------------------------------------------------------


def test_known_credit_code_valid():
    assert credit_code_check_char("91350100M000100Y4") == "3"
    assert parse_credit_code("91350100M000100Y43") == "91350100M000100Y43"


def test_credit_code_upper_cased_and_stripped():
    assert parse_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"


def test_credit_code_check_formula():
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [3**i % 31 for i in range(17)]
    assert weights == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    for first17 in ["91520102MA6DKXXX0", "12520100429998765", "Y1520103000000000", "52520111MJY123456"]:
        total = sum(alphabet.index(c) * w for c, w in zip(first17, weights))
        expected = alphabet[(31 - total % 31) % 31]
        assert credit_code_check_char(first17) == expected
        assert parse_credit_code(first17 + expected) == first17 + expected


@pytest.mark.parametrize(
    "value",
    [
        "91350100M000100Y44",  # corrupted check character
        "91350100M000101Y43",  # corrupted body
        "91350100M000100Y4",  # 17 characters
        "91350100M000100Y431",
        "91350100I000100Y43",  # I is not used
        "91350100M000100O43",  # O is not used
        "01350100M000100Y43",  # registration authority 0 does not exist
        "",
    ],
)
def test_bad_credit_codes_rejected(value):
    with pytest.raises(IdentityError):
        parse_credit_code(value)


def test_credit_code_division_must_be_digits():
    first17 = "9135A100M000100Y4"
    code = first17 + credit_code_check_char(first17)  # checksum right, division code not digits
    with pytest.raises(IdentityError, match="administrative division"):
        parse_credit_code(code)


def test_credit_code_wrong_check_message():
    with pytest.raises(IdentityError) as exc:
        parse_credit_code("91350100M000100Y44")
    assert exc.value.en == "check character is wrong"


# --- plates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("贵A12345", "贵A12345"),
        ("贵AD12345", "贵AD12345"),  # small new-energy
        ("贵A12345F", "贵A12345F"),  # large new-energy
        ("贵A·1234学", "贵A1234学"),
        ("贵A·ABC12", "贵AABC12"),
        ("贵a 12345", "贵A12345"),
        ("京A-12345", "京A12345"),
        ("粤Z1234港", "粤Z1234港"),
        ("沪B1234警", "沪B1234警"),
        ("琼A1234挂", "琼A1234挂"),
    ],
)
def test_valid_plates(value, expected):
    assert parse_plate(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "贵I12345",  # I is not an issuing-authority letter
        "贵O12345",
        "贵A1234",  # too short
        "贵A123456",  # 6 characters but not new-energy
        "贵A1234567",
        "贵AO1234",  # O never appears
        "贵A12I45",
        "港A12345",  # not a province abbreviation
        "AA12345",
        "贵",
        "贵A学1234",
        "",
    ],
)
def test_invalid_plates(value):
    with pytest.raises(IdentityError):
        parse_plate(value)


# --- maskers ------------------------------------------------------------------------------------


def test_mask_national_id():
    assert mask_national_id("52010219900101123X") == "5201**********123X"
    assert mask_national_id("") == ""
    assert mask_national_id(None) == ""


def test_mask_mobile():
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_mobile("") == ""


def test_mask_name():
    assert mask_name("张三") == "张*"
    assert mask_name("王小明") == "王**"
    assert mask_name("欧阳娜娜") == "欧阳**"
    assert mask_name("欧阳修") == "欧阳*"
    assert mask_name("欧阳") == "欧*"  # a two-character name keeps only its first character
    assert mask_name("张") == "*"
    assert mask_name("") == ""


def test_mask_credit_code():
    assert mask_credit_code("91350100M000100Y43") == "9135**********0Y43"
    assert mask_credit_code("") == ""
