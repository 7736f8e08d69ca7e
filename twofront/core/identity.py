"""Validators, parsers and maskers for Chinese personal and organisational identifiers.

Pure Python, no Django imports: bulk imports parse a million rows through here, so every
check works on pre-built tables and plain ``str`` methods rather than regular expressions.

* Resident identity card number (居民身份证号码), GB 11643-1999.
* Mainland mobile number (手机号).
* Unified social credit code (统一社会信用代码), GB 32100-2015.
* Motor vehicle number plate (机动车号牌), GA 36-2018, incl. new-energy plates.

Every failure raises :class:`IdentityError`, a ``ValueError`` that carries a Chinese and an
English message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from operator import mul

__all__ = [
    "IdentityError",
    "NationalId",
    "national_id_check_digit",
    "parse_national_id",
    "parse_mobile",
    "credit_code_check_char",
    "parse_credit_code",
    "parse_plate",
    "mask_national_id",
    "mask_mobile",
    "mask_name",
    "mask_credit_code",
    "COMPOUND_SURNAMES",
]


class IdentityError(ValueError):
    """An identifier failed validation; ``str(e)`` is ``"<zh> / <en>"``."""

    def __init__(self, zh: str, en: str) -> None:
        self.zh = zh
        self.en = en
        super().__init__(f"{zh} / {en}")

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"

    def __reduce__(self):  # keep it picklable (task queues, multiprocessing)
        return (type(self), (self.zh, self.en))


# --------------------------------------------------------------------------------------------
# Resident identity card number, GB 11643-1999
# --------------------------------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_EARLIEST_BIRTH = date(1900, 1, 1)
# Birth-date strings already known to be valid and in the past.  Only valid dates are stored,
# so the cache is bounded by the number of days since 1900 (about 46,000 entries).
_BIRTH_CACHE: dict[str, date] = {}


def _is_ascii_digits(s: str) -> bool:
    return s.isascii() and s.isdigit()


_ID_ASCII_OFFSET = 48 * sum(_ID_WEIGHTS)  # every ASCII digit byte is its value + 48


def _id_weighted_sum(first17: str) -> int:
    """Weighted digit sum of 17 ASCII digits (the caller has checked they are digits)."""
    return sum(map(mul, first17.encode("ascii"), _ID_WEIGHTS)) - _ID_ASCII_OFFSET


def national_id_check_digit(first17: str) -> str:
    """Return the check character ("0"-"9" or "X") for the first 17 digits of an ID number."""
    if len(first17) != 17 or not _is_ascii_digits(first17):
        raise IdentityError("身份证号前17位应为数字", "the first 17 characters must be digits")
    return _ID_CHECK_CHARS[_id_weighted_sum(first17) % 11]


@dataclass(frozen=True, slots=True)
class NationalId:
    number: str
    birth_date: date
    sex: str  # "M" or "F"
    native_region_code: str


def _birth_date(s: str) -> date:
    cached = _BIRTH_CACHE.get(s)
    if cached is not None:
        return cached
    try:
        born = date(int(s[0:4]), int(s[4:6]), int(s[6:8]))
    except ValueError:
        raise IdentityError("出生日期无效", "birth date is invalid") from None
    if born < _EARLIEST_BIRTH:
        raise IdentityError("出生日期不能早于1900年1月1日", "birth date cannot be before 1900-01-01")
    if born > date.today():
        raise IdentityError("出生日期不能晚于今天", "birth date cannot be in the future")
    _BIRTH_CACHE[s] = born
    return born


def parse_national_id(value: str) -> NationalId:
    """Validate an 18-character resident identity card number and return its parts.

    All whitespace is removed and a trailing lower-case ``x`` is upper-cased.
    """
    if not isinstance(value, str):
        raise IdentityError("身份证号必须为文本", "must be a string")
    s = "".join(value.split())
    if not s:
        raise IdentityError("身份证号不能为空", "must not be empty")
    if len(s) != 18:
        raise IdentityError("身份证号应为18位", "must be 18 characters")
    first17 = s[:17]
    last = s[17]
    if last == "x":
        last = "X"
        s = first17 + last
    if not _is_ascii_digits(first17) or not (last == "X" or "0" <= last <= "9"):
        raise IdentityError(
            "身份证号格式错误：前17位应为数字，末位应为数字或X",
            "the first 17 characters must be digits and the last a digit or X",
        )
    if s[0] == "0":
        raise IdentityError("身份证号地区码无效", "region code is invalid")
    born = _birth_date(s[6:14])
    if _ID_CHECK_CHARS[_id_weighted_sum(first17) % 11] != last:
        raise IdentityError("校验位错误", "checksum digit is wrong")
    return NationalId(
        number=s,
        birth_date=born,
        sex="M" if (ord(s[16]) - 48) & 1 else "F",
        native_region_code=s[:6],
    )


# --------------------------------------------------------------------------------------------
# Mainland mobile number
# --------------------------------------------------------------------------------------------

_MOBILE_SECOND = frozenset("3456789")
_MOBILE_STRIP = str.maketrans("", "", " \t\r\n\u3000\u00a0-\u2010\u2011\u2012\u2013\u2014")


def parse_mobile(value: str) -> str:
    """Validate a mainland mobile number and return its 11 digits.

    Spaces and hyphens are removed; a leading ``+86`` or ``86`` country code is dropped
    when it is followed by exactly 11 digits.
    """
    if not isinstance(value, str):
        raise IdentityError("手机号必须为文本", "must be a string")
    s = value.translate(_MOBILE_STRIP)
    if not s:
        raise IdentityError("手机号不能为空", "must not be empty")
    if s.startswith("+86"):
        s = s[3:]
        if len(s) != 11:
            raise IdentityError("手机号应为11位数字", "must be 11 digits")
    elif len(s) == 13 and s.startswith("86"):
        s = s[2:]
    if len(s) != 11 or not _is_ascii_digits(s):
        raise IdentityError("手机号应为11位数字", "must be 11 digits")
    if s[0] != "1" or s[1] not in _MOBILE_SECOND:
        raise IdentityError("手机号号段无效", "not a valid mainland mobile prefix")
    return s


# --------------------------------------------------------------------------------------------
# Unified social credit code, GB 32100-2015
# --------------------------------------------------------------------------------------------

_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_VALUE = {c: i for i, c in enumerate(_CREDIT_ALPHABET)}
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_AUTHORITIES = frozenset("123456789AGNY")


def _credit_check(first17: str) -> str:
    value = _CREDIT_VALUE
    total = 0
    for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True):
        total += value[c] * w
    return _CREDIT_ALPHABET[(31 - total % 31) % 31]


def credit_code_check_char(first17: str) -> str:
    """Return the check character for the first 17 characters of a unified social credit code."""
    s = first17.upper()
    if len(s) != 17 or any(c not in _CREDIT_VALUE for c in s):
        raise IdentityError(
            "统一社会信用代码前17位应由数字和大写字母（不含I、O、Z、S、V）组成",
            "the first 17 characters must be digits or letters other than I, O, Z, S, V",
        )
    return _credit_check(s)


def parse_credit_code(value: str) -> str:
    """Validate an 18-character unified social credit code and return it upper-cased."""
    if not isinstance(value, str):
        raise IdentityError("统一社会信用代码必须为文本", "must be a string")
    s = "".join(value.split()).upper()
    if not s:
        raise IdentityError("统一社会信用代码不能为空", "must not be empty")
    if len(s) != 18:
        raise IdentityError("统一社会信用代码应为18位", "must be 18 characters")
    value_of = _CREDIT_VALUE
    for c in s:
        if c not in value_of:
            raise IdentityError(
                "统一社会信用代码含有无效字符（不得含I、O、Z、S、V）",
                "contains an invalid character (I, O, Z, S, V are not used)",
            )
    if s[0] not in _CREDIT_AUTHORITIES:
        raise IdentityError("登记管理部门代码无效", "registration authority code is invalid")
    if not s[2:8].isdigit():
        raise IdentityError("行政区划码应为6位数字", "administrative division code must be 6 digits")
    if _credit_check(s[:17]) != s[17]:
        raise IdentityError("校验码错误", "check character is wrong")
    return s


# --------------------------------------------------------------------------------------------
# Motor vehicle number plates, GA 36-2018
# --------------------------------------------------------------------------------------------

_PLATE_PROVINCES = frozenset("京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼")
_PLATE_LETTERS = frozenset("ABCDEFGHJKLMNPQRSTUVWXYZ")  # no I, O
_PLATE_ALNUM = _PLATE_LETTERS | frozenset("0123456789")
_PLATE_SUFFIXES = frozenset("学警挂港澳领试超")
_PLATE_NEV = frozenset("DF")
# Spaces, middle dots (Latin, bullet, katakana, full-width full stop) and hyphens are dropped.
_PLATE_STRIP = str.maketrans(
    "", "", " \t\r\n\u3000\u00a0\u00b7\u2022\u30fb\u2027\uff0e-\u2010\u2011\u2013\u2014"
)


def parse_plate(value: str) -> str:
    """Validate a Chinese motor-vehicle plate and return it normalised (e.g. ``"贵A12345"``).

    Accepted forms after the province character and the issuing-authority letter:

    * 5 letters/digits (ordinary plate, ``贵A12345``);
    * 4 letters/digits and one of 学警挂港澳领试超 (``贵A1234学``, ``粤Z1234港``);
    * 6 letters/digits whose first or last is D or F (new-energy plate, ``贵AD12345``).

    Letters I and O never appear on plates.
    """
    if not isinstance(value, str):
        raise IdentityError("车牌号必须为文本", "must be a string")
    s = value.translate(_PLATE_STRIP).upper()
    if not s:
        raise IdentityError("车牌号不能为空", "must not be empty")
    if s[0] not in _PLATE_PROVINCES:
        raise IdentityError("车牌号省份简称无效", "province abbreviation is invalid")
    if len(s) < 2 or s[1] not in _PLATE_LETTERS:
        raise IdentityError("车牌号发牌机关代号无效", "issuing authority letter is invalid")
    body = s[2:]
    n = len(body)
    alnum = _PLATE_ALNUM
    if n == 5 and all(c in alnum for c in body):
        return s
    if n == 5 and body[4] in _PLATE_SUFFIXES and all(c in alnum for c in body[:4]):
        return s
    if n == 6 and all(c in alnum for c in body) and (body[0] in _PLATE_NEV or body[5] in _PLATE_NEV):
        return s
    raise IdentityError("车牌号格式无效", "plate number format is invalid")


# --------------------------------------------------------------------------------------------
# Maskers (for display and logs)
# --------------------------------------------------------------------------------------------

COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "令狐",
        "钟离",
        "独孤",
        "南宫",
        "西门",
        "端木",
        "万俟",
        "闻人",
        "澹台",
        "公冶",
        "宗政",
        "濮阳",
        "太叔",
        "申屠",
        "呼延",
        "赫连",
        "第五",
        "百里",
        "东郭",
        "拓跋",
        "司空",
        "左丘",
        "漆雕",
        "乐正",
        "壤驷",
        "公良",
        "谷梁",
        "宰父",
        "微生",
        "羊舌",
        "梁丘",
        "公羊",
        "东门",
        "仲孙",
        "单于",
    ]
)


def _mask_middle(s: str, head: int, tail: int) -> str:
    if not s:
        return ""
    n = len(s)
    if n <= head + tail:
        return "*" * n
    return s[:head] + "*" * (n - head - tail) + s[n - tail :]


def mask_national_id(number: str | None) -> str:
    """``"520102199001011234"`` -> ``"5201**********1234"`` (first 4, stars, last 4)."""
    return _mask_middle((number or "").strip(), 4, 4)


def mask_mobile(number: str | None) -> str:
    """``"13812345678"`` -> ``"138****5678"`` (first 3, stars, last 4)."""
    return _mask_middle((number or "").strip(), 3, 4)


def mask_credit_code(code: str | None) -> str:
    """``"91350100M000100Y43"`` -> ``"9135**********0Y43"`` (first 4, stars, last 4)."""
    return _mask_middle((code or "").strip(), 4, 4)


def mask_name(name: str | None) -> str:
    """Keep the surname and star the rest: ``"张三"`` -> ``"张*"``, ``"欧阳娜娜"`` -> ``"欧阳**"``.

    A single-character value is fully starred.
    """
    s = (name or "").strip()
    if not s:
        return ""
    n = len(s)
    keep = 2 if n > 2 and s[:2] in COMPOUND_SURNAMES else 1
    if n <= keep:
        return "*" * n
    return s[:keep] + "*" * (n - keep)
