"""Fast, deterministic synthetic residents for demos, load tests and import benchmarks.

Pure Python, no Django imports.  ``generate_persons`` makes a million rows in about 2.5 s on
one core.  Identity card numbers and phone numbers are never drawn at random and
de-duplicated through a set: row index ``i`` goes through a seeded bijective mixer on
``range(2**k)`` (odd multiplications and xor-shifts), cycle-walked into ``range(N)``, and the
result is decoded into (native region, birth date, sequence number) or (mobile prefix,
subscriber number).  Distinct rows therefore always get distinct numbers, for any ``n`` up
to the size of the space (over 300 million IDs), and every identity card number carries a
correct GB 11643 check digit.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from os import PathLike

__all__ = [
    "PERSON_HEADERS",
    "GUIYANG_REGION_CODES",
    "OTHER_REGION_CODES",
    "ID_CAPACITY",
    "PHONE_CAPACITY",
    "generate_persons",
    "write_csv",
    "write_xlsx",
]

PERSON_HEADERS: dict[str, str] = {
    "name": "姓名",
    "id_number": "身份证号",
    "phone": "手机号",
    "region_code": "区划代码",
    "address": "地址",
}
_FIELDS = tuple(PERSON_HEADERS)

# Native-place (first 6 digits of the ID) codes: mostly Guiyang, some elsewhere.
GUIYANG_REGION_CODES = (
    "520102",  # 南明区
    "520103",  # 云岩区
    "520111",  # 花溪区
    "520112",  # 乌当区
    "520113",  # 白云区
    "520115",  # 观山湖区
    "520121",  # 开阳县
    "520122",  # 息烽县
    "520123",  # 修文县
    "520181",  # 清镇市
)
OTHER_REGION_CODES = (
    "420106",  # 武汉市武昌区
    "510104",  # 成都市锦江区
    "500103",  # 重庆市渝中区
    "430102",  # 长沙市芙蓉区
    "440106",  # 广州市天河区
    "522601",  # 黔东南州凯里市
)

# --------------------------------------------------------------------------------------------
# Identity-number space: slot (region, block of 100 sequence numbers) x birth day x 100.
# Guiyang codes own all 10 blocks (sequence 000-999), the others 2 blocks each, so about
# 100 / 112 = 89 % of residents are native to Guiyang.
# --------------------------------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"


def _wsum(digits: str, offset: int) -> int:
    return sum(int(d) * w for d, w in zip(digits, _ID_WEIGHTS[offset:], strict=False))


_SLOTS: tuple[tuple[str, int], ...] = tuple(
    [(code, block) for code in GUIYANG_REGION_CODES for block in range(10)]
    + [(code, block) for code in OTHER_REGION_CODES for block in range(2)]
)
_SLOT_CODE = tuple(code for code, _ in _SLOTS)
_SLOT_BLOCK = tuple(block for _, block in _SLOTS)
_SLOT_SUM = tuple(_wsum(code, 0) for code in _SLOT_CODE)

_FIRST_BIRTH = date(1940, 1, 1)
_LAST_BIRTH = date(2015, 12, 31)
_N_DAYS = (_LAST_BIRTH - _FIRST_BIRTH).days + 1
_DAY_STR = tuple((_FIRST_BIRTH + timedelta(days=k)).strftime("%Y%m%d") for k in range(_N_DAYS))
_DAY_SUM = tuple(_wsum(s, 6) for s in _DAY_STR)
_SEQ_STR = tuple(f"{k:03d}" for k in range(1000))
_SEQ_SUM = tuple(_wsum(s, 14) for s in _SEQ_STR)

ID_CAPACITY = len(_SLOTS) * _N_DAYS * 100

# --------------------------------------------------------------------------------------------
# Phone space: prefix x 10**8 subscriber numbers.
# --------------------------------------------------------------------------------------------

_PHONE_PREFIXES = tuple(
    str(p)
    for p in (
        *range(130, 140),
        145, 147, 149,
        150, 151, 152, 153, 155, 156, 157, 158, 159,
        162, 165, 166, 167,
        170, 171, 172, 173, 175, 176, 177, 178,
        *range(180, 190),
        191, 193, 195, 196, 197, 198, 199,
    )
)  # fmt: skip
PHONE_CAPACITY = len(_PHONE_PREFIXES) * 10**8

# --------------------------------------------------------------------------------------------
# Names and addresses
# --------------------------------------------------------------------------------------------

# (surname, relative frequency per mille, roughly the national ranking)
_SURNAME_WEIGHTS = (
    ("王", 72), ("李", 71), ("张", 68), ("刘", 54), ("陈", 46), ("杨", 33), ("黄", 25), ("赵", 23),
    ("吴", 21), ("周", 21), ("徐", 17), ("孙", 15), ("马", 15), ("朱", 14), ("胡", 13), ("郭", 12),
    ("何", 12), ("高", 11), ("林", 11), ("罗", 11), ("郑", 10), ("梁", 10), ("谢", 8), ("宋", 8),
    ("唐", 8), ("许", 7), ("韩", 7), ("冯", 7), ("邓", 7), ("曹", 7), ("彭", 6), ("曾", 6),
    ("肖", 6), ("田", 6), ("董", 5), ("袁", 5), ("潘", 5), ("于", 5), ("蒋", 5), ("蔡", 5),
    ("余", 5), ("杜", 5), ("叶", 4), ("程", 4), ("苏", 4), ("魏", 4), ("吕", 4), ("丁", 4),
    ("任", 4), ("沈", 4), ("姚", 4), ("卢", 4), ("姜", 3), ("崔", 3), ("钟", 3), ("谭", 3),
    ("陆", 3), ("汪", 3), ("范", 3), ("金", 3), ("石", 3), ("廖", 3), ("贾", 3), ("夏", 3),
    ("韦", 3), ("付", 3), ("方", 3), ("白", 3), ("邹", 3), ("孟", 3), ("熊", 3), ("秦", 3),
    ("邱", 3), ("江", 3), ("尹", 3), ("薛", 2), ("闫", 2), ("段", 2), ("雷", 2), ("侯", 2),
    ("龙", 2), ("史", 2), ("陶", 2), ("黎", 2), ("贺", 2), ("顾", 2), ("毛", 2), ("郝", 2),
    ("龚", 2), ("邵", 2), ("万", 2), ("钱", 2), ("严", 2), ("覃", 2), ("武", 2), ("戴", 2),
    ("莫", 2), ("孔", 2), ("向", 2), ("汤", 2), ("敖", 1), ("安", 1), ("岑", 1), ("聂", 1),
    ("欧阳", 1), ("司马", 1), ("诸葛", 1), ("上官", 1), ("东方", 1), ("皇甫", 1),
)  # fmt: skip
_MALE_GIVEN = (
    "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清"
    "飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善"
    "厚庆磊民友裕河哲江超浩亮政谦亨奇固之翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家"
    "致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘宇睿轩然涵熙"
)
_FEMALE_GIVEN = (
    "秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺"
    "媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹"
    "蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓"
    "欢霄枫芸菲寒伊亚宜可姬舒影思丽诗涵萱梓若雨"
)
_ROADS = (
    "中华北路", "中华中路", "中华南路", "延安东路", "延安中路", "延安西路", "宝山北路", "宝山南路",
    "北京路", "市南路", "遵义路", "解放路", "瑞金北路", "瑞金南路", "公园北路", "富水北路", "文昌北路",
    "都司路", "沙冲中路", "花溪大道", "甲秀南路", "黔灵西路", "枣山路", "新华路", "浣纱路", "油榨街",
    "合群路", "南明路", "长江路", "黄河路", "珠江路", "金阳南路", "林城东路", "林城西路", "观山东路",
    "观山西路", "兴筑路", "贵黄路", "小河路", "清溪路", "鹿冲关路", "云潭南路", "白云南路", "乌当大道",
    "新添大道", "头桥路", "威清路", "贵开路", "新华东路", "湘雅路", "青云路", "箭道街", "护国路",
    "友谊路", "省府路", "蟠桃路", "甲秀楼路", "龙洞堡大道", "大营路", "水东路", "高新路", "长岭北路",
    "诚信北路", "碧海南路", "金朱东路", "北京西路", "云环路", "顺海路", "三桥北路", "阳关大道",
)  # fmt: skip

# Weighted surname table indexed by 12 random bits.
_SURNAME_TABLE_BITS = 12
_SURNAME_TABLE: tuple[str, ...]


def _build_surname_table() -> tuple[str, ...]:
    size = 1 << _SURNAME_TABLE_BITS
    total = sum(w for _, w in _SURNAME_WEIGHTS)
    counts = [w * size // total for _, w in _SURNAME_WEIGHTS]  # every weight gives >= 4 entries
    # Hand the entries lost to rounding down to the most common surnames, one each.
    for k in range(size - sum(counts)):
        counts[k % len(counts)] += 1
    table = [name for (name, _), c in zip(_SURNAME_WEIGHTS, counts, strict=True) for _ in range(c)]
    assert len(table) == size and min(counts) >= 1
    return tuple(table)


_SURNAME_TABLE = _build_surname_table()


def _mixer(rng: random.Random, modulus: int) -> tuple[int, int, int, int, int]:
    """Seeded constants of a bijective mixer on ``range(2**bits)``, ``2**bits >= modulus``.

    The mixer is ``v = (v*m1 + k) & mask; v ^= v >> s; v = (v*m2) & mask; v ^= v >> s``: an
    odd multiplier, an addition and an xor-shift each permute ``range(2**bits)``.  Applied
    again and again to a value until it lands below ``modulus`` ("cycle walking") it permutes
    ``range(modulus)``, so distinct row indexes always get distinct codes.
    Returns ``(mask, shift, m1, k, m2)``.
    """
    bits = (modulus - 1).bit_length()
    mask = (1 << bits) - 1
    return mask, bits // 2, rng.getrandbits(bits) | 1, rng.getrandbits(bits), rng.getrandbits(bits) | 1


def generate_persons(n: int, region_codes: Sequence[str], *, seed: int = 0) -> Iterator[dict]:
    """Yield ``n`` synthetic residents as dicts with the keys of :data:`PERSON_HEADERS`.

    ``region_code`` (the place of residence) is drawn uniformly from ``region_codes``; the
    identity card number's native region is independent of it (mostly Guiyang).  The output
    depends only on ``n``, ``region_codes`` and ``seed``; a prefix of a longer run with the same
    arguments is identical.  ID numbers and phone numbers are unique for every ``n`` up to
    :data:`ID_CAPACITY` (over 300 million).
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError("n must be a non-negative integer")
    if n > ID_CAPACITY:
        raise ValueError(f"n must be at most {ID_CAPACITY}")
    if isinstance(region_codes, str):
        raise TypeError("region_codes must be a sequence of codes, not a single string")
    regions = tuple(str(code) for code in region_codes)
    if not regions:
        raise ValueError("region_codes must not be empty")
    return _generate(n, regions, seed)


def _generate(n: int, regions: tuple[str, ...], seed: int) -> Iterator[dict]:
    rng = random.Random(seed)
    id_mask, id_s, id_m1, id_k, id_m2 = _mixer(rng, ID_CAPACITY)
    ph_mask, ph_s, ph_m1, ph_k, ph_m2 = _mixer(rng, PHONE_CAPACITY)
    getrandbits = rng.getrandbits

    id_n = ID_CAPACITY
    ph_n = PHONE_CAPACITY
    n_days = _N_DAYS
    slot_code, slot_block, slot_sum = _SLOT_CODE, _SLOT_BLOCK, _SLOT_SUM
    day_str, day_sum = _DAY_STR, _DAY_SUM
    seq_str, seq_sum = _SEQ_STR, _SEQ_SUM
    check_chars = _CHECK_CHARS
    prefixes = _PHONE_PREFIXES
    surnames = _SURNAME_TABLE
    male, female = _MALE_GIVEN, _FEMALE_GIVEN
    n_male, n_female = len(male), len(female)
    roads = _ROADS
    n_roads = len(roads)
    n_regions = len(regions)

    for i in range(n):
        # --- identity card number: row index -> code in range(ID_CAPACITY), bijectively ----
        x = i
        while True:
            x = (x * id_m1 + id_k) & id_mask
            x ^= x >> id_s
            x = (x * id_m2) & id_mask
            x ^= x >> id_s
            if x < id_n:
                break
        rest, seq_low = divmod(x, 100)
        slot, day = divmod(rest, n_days)
        seq = slot_block[slot] * 100 + seq_low
        id_number = (
            slot_code[slot]
            + day_str[day]
            + seq_str[seq]
            + check_chars[(slot_sum[slot] + day_sum[day] + seq_sum[seq]) % 11]
        )

        # --- phone ----------------------------------------------------------------------
        x = i
        while True:
            x = (x * ph_m1 + ph_k) & ph_mask
            x ^= x >> ph_s
            x = (x * ph_m2) & ph_mask
            x ^= x >> ph_s
            if x < ph_n:
                break
        prefix, subscriber = divmod(x, 100_000_000)
        phone = f"{prefixes[prefix]}{subscriber:08d}"

        # --- name, residence, address: one 128-bit draw, sliced ---------------------------
        r = getrandbits(128)
        if seq_low & 1:  # 17th digit odd = male
            given, n_given = male, n_male
        else:
            given, n_given = female, n_female
        if r & 3:  # three in four have a two-character given name
            name = surnames[(r >> 2) & 4095] + given[(r >> 14) % n_given] + given[(r >> 30) % n_given]
        else:
            name = surnames[(r >> 2) & 4095] + given[(r >> 14) % n_given]
        region_code = regions[((r >> 46) & 0xFFFF) % n_regions]
        address = (
            f"{roads[((r >> 62) & 0xFFFF) % n_roads]}{((r >> 78) & 0xFFFF) % 399 + 1}号"
            f"{((r >> 94) & 0xFF) % 28 + 1}栋{((r >> 102) & 0xFF) % 6 + 1}单元"
            f"{((r >> 110) & 0xFF) % 33 + 1}{((r >> 118) & 3) + 1:02d}"
        )
        yield {
            "name": name,
            "id_number": id_number,
            "phone": phone,
            "region_code": region_code,
            "address": address,
        }


# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------

_XLSX_MAX_ROWS = 1_048_576  # per worksheet, including the header row


def write_csv(
    rows: Iterable[Mapping[str, object]], path: str | PathLike[str], *, encoding: str = "utf-8"
) -> int:
    """Write rows as CSV with the Chinese headers; return the number of data rows written.

    Pass ``encoding="utf-8-sig"`` for a file that Excel opens with the right characters.
    """
    count = 0
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([PERSON_HEADERS[f] for f in _FIELDS])
        fields = _FIELDS
        writerow = writer.writerow
        for row in rows:
            writerow([row.get(f, "") for f in fields])
            count += 1
    return count


def write_xlsx(rows: Iterable[Mapping[str, object]], path: str | PathLike[str]) -> int:
    """Write rows to an .xlsx file with the Chinese headers; return the number of data rows.

    Uses xlsxwriter's ``constant_memory`` mode, so rows stream to disk.  Every cell is written
    as text (ID and phone numbers must not become numbers).  When a worksheet is full
    (1,048,575 data rows) the rows go on in a new worksheet with its own header row.
    """
    import xlsxwriter  # imported here so identity-only users do not need it

    headers = [PERSON_HEADERS[f] for f in _FIELDS]
    widths = (10, 21, 14, 10, 36)
    count = 0
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    try:
        text = workbook.add_format({"num_format": "@"})
        sheet = None
        row_no = _XLSX_MAX_ROWS
        sheet_no = 0
        fields = _FIELDS
        for row in rows:
            if row_no >= _XLSX_MAX_ROWS:
                sheet_no += 1
                sheet = workbook.add_worksheet("居民" if sheet_no == 1 else f"居民{sheet_no}")
                for col, width in enumerate(widths):
                    sheet.set_column(col, col, width, text)
                sheet.write_row(0, 0, headers)
                row_no = 1
            for col, field in enumerate(fields):
                value = row.get(field)
                sheet.write_string(row_no, col, "" if value is None else str(value))
            row_no += 1
            count += 1
        if sheet is None:
            sheet = workbook.add_worksheet("居民")
            sheet.write_row(0, 0, headers)
    finally:
        workbook.close()
    return count
