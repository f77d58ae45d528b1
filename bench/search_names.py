"""Names, nationalities and passports of the search benchmark's synthetic persons.

Surnames follow their real frequencies per country (TAN, LIM, LEE… in Singapore, 王 李 张… in
China, 김 이 박… in Korea); a long tail of generated surnames provides the rare names.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


def _words(text: str) -> list[str]:
    return text.split()


# --- Names -----------------------------------------------------------------------------------
# (name, relative frequency). Frequencies follow published surname shares roughly: enough to
# give the common names their real weight (TAN in Singapore, NGUYEN in Viet Nam, 王/李/张 in China).

HAN_SURNAMES = [
    ("王", 71), ("李", 70), ("张", 67), ("刘", 54), ("陈", 45), ("杨", 31), ("黄", 22),
    ("赵", 22), ("吴", 20), ("周", 19), ("徐", 16), ("孙", 15), ("马", 15), ("朱", 13),
    ("胡", 13), ("郭", 12), ("何", 12), ("林", 11), ("高", 11), ("罗", 11), ("郑", 10),
    ("梁", 10), ("谢", 8), ("宋", 8), ("唐", 8), ("许", 7), ("韩", 7), ("冯", 7), ("邓", 7),
    ("曹", 7), ("彭", 6), ("曾", 6), ("肖", 6), ("田", 6), ("董", 6), ("袁", 5), ("潘", 5),
    ("蒋", 5), ("蔡", 5), ("余", 5), ("杜", 5), ("叶", 5), ("程", 5), ("苏", 4), ("魏", 4),
    ("吕", 4), ("丁", 4), ("任", 4), ("沈", 4), ("姚", 4), ("卢", 4), ("崔", 3), ("钟", 3),
    ("谭", 3), ("陆", 3), ("汪", 3), ("范", 3), ("金", 3), ("石", 3), ("廖", 3), ("贾", 3),
    ("夏", 3), ("韦", 3), ("方", 3), ("白", 3), ("邹", 3), ("孟", 3), ("熊", 3), ("秦", 3),
]  # fmt: skip
HAN_GIVEN = list(
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志文海红玉俊婷雪春晓佳欣宇浩鹏飞斌辉鑫琳凯峰"
)
HANGUL_SURNAMES = [
    ("김", "KIM", 215), ("이", "LEE", 147), ("박", "PARK", 84), ("최", "CHOI", 47),
    ("정", "JUNG", 43), ("강", "KANG", 23), ("조", "CHO", 21), ("윤", "YOON", 20),
    ("장", "JANG", 19), ("임", "LIM", 17), ("한", "HAN", 15), ("오", "OH", 15),
    ("서", "SEO", 15), ("신", "SHIN", 14), ("권", "KWON", 14), ("황", "HWANG", 14),
    ("안", "AHN", 13), ("송", "SONG", 13), ("류", "RYU", 12), ("홍", "HONG", 11),
]  # fmt: skip
HANGUL_GIVEN = list("민준서연지우하은도윤수빈예현성영호정훈진유경아혜원")
SG_CHINESE_SURNAMES = [
    ("TAN", 107), ("LIM", 63), ("LEE", 56), ("NG", 40), ("ONG", 29), ("WONG", 28),
    ("GOH", 26), ("CHUA", 24), ("CHAN", 22), ("KOH", 20), ("TEO", 19), ("ANG", 18),
    ("YEO", 16), ("TAY", 15), ("HO", 14), ("LOW", 13), ("TOH", 12), ("SIM", 12),
    ("CHONG", 11), ("CHIA", 10), ("LAU", 9), ("FOO", 8), ("SEAH", 7), ("LEONG", 7),
    ("YAP", 7), ("CHEW", 6), ("QUEK", 5), ("PHUA", 5), ("KHOO", 5), ("CHIN", 5),
]  # fmt: skip
SG_CHINESE_GIVEN = _words(
    "WEI MING HUI LING KAI JUN XIAN YI MEI JIA HAO ZHI CHENG KOK KENG BOON SOON SIEW CHOON "
    "AH BEE ENG HOCK SENG WEE YONG KIAT LI HONG YEW PENG SWEE GEK LAY"
)
ENGLISH_GIVEN = _words(
    "JOHN DAVID MICHAEL JAMES PETER DANIEL RYAN JASON KEVIN MARCUS RACHEL MICHELLE JENNIFER "
    "GRACE SARAH JESSICA EMILY CHLOE NICHOLAS BENJAMIN"
)
MALAY_GIVEN = _words(
    "MUHAMMAD AHMAD MOHD NUR SITI NURUL AMIR HAFIZ FARAH AISYAH AIMAN IRFAN HAZIQ ADAM DANIAL "
    "ALIYA SYAFIQ ZULKIFLI RAHMAN AZMAN FAIZAL SHAHRUL NORAINI ROSLAN"
)
MALAY_FATHER = _words(
    "ABDULLAH ISMAIL IBRAHIM YUSOF HASSAN OSMAN AHMAD RAHMAN HAMID ALI OTHMAN SALLEH ZAINAL "
    "HUSSEIN MAHMUD KASSIM"
)
INDIAN_SURNAMES = [
    ("KUMAR", 60), ("SINGH", 55), ("SHARMA", 25), ("PATEL", 22), ("GUPTA", 12), ("REDDY", 10),
    ("NAIR", 9), ("IYER", 6), ("DAS", 8), ("RAO", 8), ("VERMA", 7), ("MISHRA", 6),
    ("PILLAI", 5), ("MENON", 4), ("JOSHI", 5), ("KAUR", 12),
]  # fmt: skip
INDIAN_GIVEN = _words(
    "RAJ ARUN PRIYA ANIL SURESH RAMESH VIJAY DEEPAK SANJAY AMIT RAHUL POOJA NEHA ANJALI RAVI "
    "MANOJ SUNIL KAVITA ARJUN DIVYA KARTHIK LAKSHMI"
)
VIET_SURNAMES = [
    ("NGUYEN", 38), ("TRAN", 11), ("LE", 9), ("PHAM", 7), ("HOANG", 5), ("HUYNH", 5),
    ("PHAN", 4), ("VU", 4), ("VO", 4), ("DANG", 2), ("BUI", 2), ("DO", 2), ("HO", 2),
    ("NGO", 2), ("DUONG", 1), ("LY", 1),
]  # fmt: skip
VIET_MIDDLE = _words("VAN THI DUC MINH NGOC HOANG QUANG THANH")
VIET_GIVEN = _words(
    "ANH HUNG LINH THANG TUAN HUONG HOA NAM DUNG LAN MAI QUANG SON TRANG HAI LONG THAO PHUONG "
    "KHANH BAO"
)
JAPANESE_SURNAMES = _words(
    "SATO SUZUKI TAKAHASHI TANAKA WATANABE ITO YAMAMOTO NAKAMURA KOBAYASHI KATO YOSHIDA "
    "YAMADA SASAKI YAMAGUCHI MATSUMOTO"
)
JAPANESE_GIVEN = _words(
    "HIROSHI TAKESHI YUKI KENJI AKIRA HARUTO YUTO SAKURA YUI AOI MISAKI KAITO REN HINA"
)
FILIPINO_SURNAMES = _words("SANTOS REYES CRUZ BAUTISTA OCAMPO GARCIA MENDOZA TORRES AQUINO")
FILIPINO_GIVEN = _words("JOSE MARIA JUAN MARK JOHN PAUL ANGELICA KRISTINE MARVIN JOY ROSE")
WESTERN_SURNAMES = _words(
    "SMITH JONES WILLIAMS BROWN TAYLOR WILSON JOHNSON MILLER MULLER SCHMIDT VISSER JANSEN "
    "MARTIN BERNARD IVANOV SMIRNOV"
)
# Syllables of the long tail of rarer surnames (each generated name is used by a few persons).
TAIL_SYLLABLES = _words(
    "KOW AL SKI MUL LER BER GEN HOF STRA DIJK ROS SEN OLA FEN TRO VIK NAR DEL ICK WIN THOR "
    "QUIN BRO ZEL MAR TIN PET ROV ESC OBAR HALV ORS SAND BACK HEIM ZAK ARI DUB OIS"
)

# Nationality of the persons: (ISO code, share in per cent).
NATIONALITIES = [
    ("CHN", 30), ("SGP", 15), ("MYS", 14), ("KOR", 8), ("IND", 8), ("VNM", 6), ("JPN", 4),
    ("PHL", 4), ("AUS", 3), ("GBR", 2), ("USA", 2), ("NLD", 1), ("DEU", 1), ("FRA", 1),
    ("RUS", 1),
]  # fmt: skip
WESTERN = {"AUS", "GBR", "USA", "NLD", "DEU", "FRA", "RUS"}

COMMON_SURNAMES = [
    "TAN", "LIM", "LEE", "WONG", "ZHANG", "WANG", "LI", "KIM", "PARK", "NGUYEN", "KUMAR",
    "SINGH", "CHEN", "LIU", "NG", "ONG",
]  # fmt: skip

KINDS = {
    "name": "a. full name, two words",
    "surname": "b. common surname",
    "rare": "c. rare name prefix",
    "native": "d. native script",
    "passport": "e. exact passport number",
    "passport_prefix": "f. passport prefix",
}


def weighted(rng: random.Random, items: Sequence[tuple[Any, ...]]) -> tuple[Any, ...]:
    return rng.choices(items, weights=[item[-1] for item in items])[0]


@dataclass
class Identity:
    full_name: str
    given_names: str
    surname: str
    name_original: str = ""


def make_identity(rng: random.Random, nationality: str, tail: Sequence[str]) -> Identity:
    """A name as a passport of this nationality prints it (and the native script, if any)."""
    from timpora.lib.text import fold

    if nationality == "CHN":
        surname = weighted(rng, HAN_SURNAMES)[0]
        given = "".join(rng.choices(HAN_GIVEN, k=1 if rng.random() < 0.3 else 2))
        native = surname + given
        return Identity(fold(native), fold(given), fold(surname), native)
    if nationality == "KOR":
        hangul, latin, _ = weighted(rng, HANGUL_SURNAMES)
        given = "".join(rng.choices(HANGUL_GIVEN, k=2))
        given_latin = fold(given) if rng.random() < 0.5 else fold(given).replace(" ", "")
        return Identity(f"{latin} {given_latin}", given_latin, latin, hangul + given)
    if nationality == "SGP" or (nationality == "MYS" and rng.random() < 0.4):
        surname = weighted(rng, SG_CHINESE_SURNAMES)[0]
        given = " ".join(rng.choices(SG_CHINESE_GIVEN, k=2))
        if rng.random() < 0.25:
            given = f"{rng.choice(ENGLISH_GIVEN)} {given}"
        return Identity(f"{surname} {given}", given, surname)
    if nationality == "MYS":
        given = " ".join(rng.sample(MALAY_GIVEN, k=rng.choice((1, 2))))
        father = rng.choice(MALAY_FATHER)
        link = "BIN" if rng.random() < 0.5 else "BINTI"
        return Identity(f"{given} {link} {father}", given, father)
    if nationality == "IND":
        surname = weighted(rng, INDIAN_SURNAMES)[0]
        given = rng.choice(INDIAN_GIVEN)
        return Identity(f"{given} {surname}", given, surname)
    if nationality == "VNM":
        surname = weighted(rng, VIET_SURNAMES)[0]
        given = f"{rng.choice(VIET_MIDDLE)} {rng.choice(VIET_GIVEN)}"
        return Identity(f"{surname} {given}", given, surname)
    if nationality == "JPN":
        surname, given = rng.choice(JAPANESE_SURNAMES), rng.choice(JAPANESE_GIVEN)
        return Identity(f"{surname} {given}", given, surname)
    if nationality == "PHL":
        surname, given = rng.choice(FILIPINO_SURNAMES), rng.choice(FILIPINO_GIVEN)
        return Identity(f"{given} {surname}", given, surname)
    surname = rng.choice(WESTERN_SURNAMES) if rng.random() < 0.3 else rng.choice(tail)
    given = rng.choice(ENGLISH_GIVEN)
    return Identity(f"{given} {surname}", given, surname)


def make_passport(rng: random.Random, nationality: str) -> str:
    digits = "0123456789"
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"

    def d(k: int) -> str:
        return "".join(rng.choices(digits, k=k))

    if nationality == "CHN":
        return "E" + d(8) if rng.random() < 0.6 else rng.choice(("EJ", "EK", "EH")) + d(7)
    if nationality == "SGP":
        return "K" + d(7) + rng.choice(letters)
    if nationality == "MYS":
        return "A" + d(8)
    if nationality == "KOR":
        return "M" + d(8)
    if nationality == "IND":
        return rng.choice(letters) + d(7)
    if nationality == "VNM":
        return "C" + d(7)
    if nationality == "JPN":
        return "T" + rng.choice(letters) + d(7)
    if nationality == "PHL":
        return "P" + d(7) + rng.choice(letters)
    return "".join(rng.choices(letters + digits, k=9))


def tail_surnames(rng: random.Random, count: int = 3000) -> list[str]:
    names: set[str] = set()
    while len(names) < count:
        names.add("".join(rng.choices(TAIL_SYLLABLES, k=rng.choice((2, 3)))))
    return sorted(names)
