"""Name pools of the demo population, as passports print them (DOMAIN.md, "Matching people").

Plain data, most frequent first (the generator weights earlier entries more, so that common
names are common, as they are in life). Where a passport prints the name in its native script
too, the pools hold pairs of (native, Latin) so that both spellings of one person agree:
PRC passports print Han characters beside Hanyu Pinyin, Korean passports Hangul beside their
own romanisation; Vietnamese names are kept with their diacritics and folded to ASCII for the
Latin line. Singapore and Malaysia print dialect spellings of Chinese surnames (TAN, LIM, NG)
and no characters.
"""

from __future__ import annotations

# --- China (PRC): Hanyu Pinyin, given name joined (XIAOMING) -----------------------------------

CHINESE_SURNAMES: tuple[tuple[str, str], ...] = (
    ("王", "WANG"), ("李", "LI"), ("张", "ZHANG"), ("刘", "LIU"), ("陈", "CHEN"),
    ("杨", "YANG"), ("黄", "HUANG"), ("赵", "ZHAO"), ("吴", "WU"), ("周", "ZHOU"),
    ("徐", "XU"), ("孙", "SUN"), ("马", "MA"), ("朱", "ZHU"), ("胡", "HU"),
    ("郭", "GUO"), ("何", "HE"), ("林", "LIN"), ("罗", "LUO"), ("高", "GAO"),
    ("郑", "ZHENG"), ("梁", "LIANG"), ("谢", "XIE"), ("宋", "SONG"), ("唐", "TANG"),
    ("许", "XU"), ("韩", "HAN"), ("冯", "FENG"), ("邓", "DENG"), ("曹", "CAO"),
    ("彭", "PENG"), ("曾", "ZENG"), ("肖", "XIAO"), ("田", "TIAN"), ("董", "DONG"),
    ("潘", "PAN"), ("袁", "YUAN"), ("蔡", "CAI"), ("蒋", "JIANG"), ("余", "YU"),
)  # fmt: skip

# Syllables of given names. None starts with a vowel, so joined pinyin stays unambiguous.
CHINESE_GIVEN_MALE: tuple[tuple[str, str], ...] = (
    ("伟", "WEI"), ("强", "QIANG"), ("磊", "LEI"), ("军", "JUN"), ("勇", "YONG"),
    ("杰", "JIE"), ("涛", "TAO"), ("明", "MING"), ("超", "CHAO"), ("刚", "GANG"),
    ("平", "PING"), ("辉", "HUI"), ("鹏", "PENG"), ("华", "HUA"), ("飞", "FEI"),
    ("鑫", "XIN"), ("波", "BO"), ("斌", "BIN"), ("宇", "YU"), ("浩", "HAO"),
    ("凯", "KAI"), ("建", "JIAN"), ("国", "GUO"), ("志", "ZHI"), ("文", "WEN"),
    ("俊", "JUN"), ("海", "HAI"), ("东", "DONG"), ("晓", "XIAO"), ("小", "XIAO"),
    ("龙", "LONG"), ("峰", "FENG"), ("亮", "LIANG"), ("成", "CHENG"), ("德", "DE"),
)  # fmt: skip
CHINESE_GIVEN_FEMALE: tuple[tuple[str, str], ...] = (
    ("芳", "FANG"), ("娜", "NA"), ("敏", "MIN"), ("静", "JING"), ("丽", "LI"),
    ("艳", "YAN"), ("娟", "JUAN"), ("霞", "XIA"), ("婷", "TING"), ("雪", "XUE"),
    ("玲", "LING"), ("燕", "YAN"), ("红", "HONG"), ("梅", "MEI"), ("琳", "LIN"),
    ("慧", "HUI"), ("颖", "YING"), ("倩", "QIAN"), ("欣", "XIN"), ("佳", "JIA"),
    ("晶", "JING"), ("莉", "LI"), ("秀", "XIU"), ("晓", "XIAO"), ("小", "XIAO"),
)  # fmt: skip

# --- Singapore and Malaysia: dialect spellings, given names in separate syllables -------------

STRAITS_CHINESE_SURNAMES: tuple[str, ...] = (
    "TAN", "LIM", "LEE", "NG", "ONG", "WONG", "GOH", "CHUA", "CHAN", "KOH", "TEO", "ANG",
    "YEO", "TAY", "HO", "LOW", "TOH", "SIM", "CHONG", "CHIA", "LAU", "LEONG", "SEAH", "CHEW",
    "FOO", "HENG", "QUEK", "YAP", "PHUA", "LIEW",
)  # fmt: skip
STRAITS_CHINESE_GIVEN_MALE: tuple[str, ...] = (
    "WEI MING", "KOK LEONG", "CHEE KEONG", "BOON HOCK", "AH KOW", "JUN JIE", "KAI XIANG",
    "WEI JIE", "ZHI HAO", "KENG HOE", "SIEW HONG", "TECK SENG", "CHIN HUAT", "YONG SHENG",
    "HAN WEI", "JIA HAO", "KIAN SENG", "BENG CHUAN", "CHENG HUAT", "YEW LEONG",
)  # fmt: skip
STRAITS_CHINESE_GIVEN_FEMALE: tuple[str, ...] = (
    "MEI LING", "SIEW LING", "HUI MIN", "JIA HUI", "XIN YI", "LI TING", "PEI SHAN",
    "SHU FEN", "WEI LING", "AH LIAN", "SIEW MEI", "YAN TING", "HUI LING", "KAR WAI",
    "SOK HUA", "BEE LIAN", "CHOO ENG", "LAY HOON",
)  # fmt: skip
# Many Singaporean and Malaysian Chinese carry an English name before the Chinese one.
ENGLISH_GIVEN_MALE: tuple[str, ...] = (
    "JASON", "DARREN", "KELVIN", "MELVIN", "RAYMOND", "ALVIN", "BENJAMIN", "DANIEL",
    "VINCENT", "TERENCE", "GARY", "ERIC", "NICHOLAS", "SAMUEL", "BRYAN",
)  # fmt: skip
ENGLISH_GIVEN_FEMALE: tuple[str, ...] = (
    "MICHELLE", "JESSICA", "RACHEL", "CHERYL", "JOANNE", "GRACE", "SHARON", "VIVIAN",
    "CAROL", "JACQUELINE", "ANGELINE", "IRENE", "FELICIA", "SERENE",
)  # fmt: skip

# Malay names: a given name and the father's name joined by BIN (son of) or BINTI (daughter of).
MALAY_GIVEN_MALE: tuple[str, ...] = (
    "MUHAMMAD", "AHMAD", "MOHD", "MOHAMAD", "ABDUL RAHMAN", "MUHAMMAD HAFIZ", "AHMAD FAIZAL",
    "MOHD NAZRI", "AZMAN", "IBRAHIM", "ISMAIL", "HAMZAH", "ZULKIFLI", "RAZALI", "SYAFIQ",
    "AMIRUL", "KHAIRUL ANUAR", "FARID", "HAZIQ", "MUHAMMAD AIMAN",
)  # fmt: skip
MALAY_GIVEN_FEMALE: tuple[str, ...] = (
    "NUR AISYAH", "SITI NURHALIZA", "NURUL IZZAH", "SITI AMINAH", "FARAH", "NOR AZIZAH",
    "AINUL MARDHIAH", "NUR FATIHAH", "SALMAH", "ROSNAH", "ZURAIDAH", "NADIA", "HASLINDA",
    "NOOR HIDAYAH", "FATIMAH",
)  # fmt: skip
MALAY_FATHERS: tuple[str, ...] = (
    "ABDULLAH", "ISMAIL", "AHMAD", "HASSAN", "OTHMAN", "ROSLAN", "YUSOF", "IBRAHIM",
    "OMAR", "SALLEH", "RAHMAN", "MOHAMED", "SULAIMAN", "HAMID", "JAAFAR", "ALI",
    "KASSIM", "ZAINAL", "MAHMUD", "RASHID",
)  # fmt: skip

# Malaysian and Singaporean Indians: A/L (anak lelaki) and A/P (anak perempuan) before the
# father's name.
TAMIL_GIVEN_MALE: tuple[str, ...] = (
    "SARAVANAN", "MUNUSAMY", "RAJENDRAN", "KUMARESAN", "GANESAN", "SURESH", "MANIAM",
    "SIVAKUMAR", "THANABALAN", "VIGNESWARAN", "KRISHNAN", "ARUMUGAM",
)  # fmt: skip
TAMIL_GIVEN_FEMALE: tuple[str, ...] = (
    "KAVITHA", "SARASWATHY", "MALLIKA", "REVATHI", "THILAGAVATHY", "PREMA", "VANITHA",
    "SHANTHI", "DEVI", "LETCHUMI",
)  # fmt: skip
TAMIL_FATHERS: tuple[str, ...] = (
    "MUNUSAMY", "RAJU", "SUBRAMANIAM", "PERUMAL", "KRISHNAN", "RAMASAMY", "GOVINDASAMY",
    "NADARAJAN", "VELU", "SINNIAH",
)  # fmt: skip

# --- India: given name first; many South Indian passports have no surname at all ------------

INDIAN_GIVEN_MALE: tuple[str, ...] = (
    "RAJESH", "SURESH", "AMIT", "VIKRAM", "ANIL", "SANJAY", "RAHUL", "ARUN", "PRAKASH",
    "VIJAY", "RAVI", "MANOJ", "DEEPAK", "KARTHIK", "SENTHIL", "MURUGAN", "RAJESH KUMAR",
    "SUNIL", "ASHOK", "NAVEEN", "ABHISHEK", "SATISH", "MOHAMMED", "IMRAN", "JOSEPH",
)  # fmt: skip
INDIAN_GIVEN_FEMALE: tuple[str, ...] = (
    "PRIYA", "ANJALI", "SUNITA", "DEEPA", "KAVYA", "LAKSHMI", "NEHA", "POOJA", "MEENA",
    "DIVYA", "SHALINI", "REKHA", "ANITHA", "FATIMA", "MARY",
)  # fmt: skip
INDIAN_SURNAMES: tuple[str, ...] = (
    "KUMAR", "SHARMA", "SINGH", "PATEL", "REDDY", "NAIR", "GUPTA", "IYER", "MENON", "PILLAI",
    "VERMA", "RAO", "DAS", "JOSHI", "MISHRA", "KHAN", "FERNANDES", "CHOPRA", "THOMAS",
    "NAIDU", "BANERJEE", "MUKHERJEE", "DESAI",
)  # fmt: skip
# South Indian given names printed alone, with an empty surname field.
INDIAN_SINGLE_NAMES: tuple[str, ...] = (
    "SENTHIL KUMAR", "MURUGAN", "SARAVANAN", "ARUNKUMAR", "BALAMURUGAN", "KARTHIKEYAN",
    "SELVAM", "MUTHUKUMAR", "SHANMUGAM", "RAMESH",
)  # fmt: skip

# --- Korea: Hangul beside the passport's romanisation, with common surname variants ----------

KOREAN_SURNAMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("김", ("KIM", "GIM")),
    ("이", ("LEE", "YI", "RHEE")),
    ("박", ("PARK", "BAK", "PAK")),
    ("최", ("CHOI", "CHOE")),
    ("정", ("JUNG", "JEONG", "CHUNG")),
    ("강", ("KANG",)),
    ("조", ("CHO", "JO")),
    ("윤", ("YOON", "YUN")),
    ("장", ("JANG", "CHANG")),
    ("임", ("LIM", "IM")),
    ("한", ("HAN",)),
    ("오", ("OH",)),
    ("서", ("SEO",)),
    ("신", ("SHIN",)),
    ("권", ("KWON",)),
    ("황", ("HWANG",)),
    ("안", ("AHN",)),
    ("송", ("SONG",)),
    ("류", ("RYU", "YOO")),
    ("홍", ("HONG",)),
)
KOREAN_GIVEN_MALE: tuple[tuple[str, str], ...] = (
    ("민", "MIN"), ("준", "JUN"), ("지", "JI"), ("성", "SUNG"), ("현", "HYUN"),
    ("우", "WOO"), ("영", "YOUNG"), ("수", "SOO"), ("진", "JIN"), ("호", "HO"),
    ("동", "DONG"), ("재", "JAE"), ("혁", "HYEOK"), ("훈", "HOON"), ("석", "SEOK"),
    ("철", "CHUL"), ("상", "SANG"), ("태", "TAE"), ("용", "YONG"), ("건", "GEON"),
)  # fmt: skip
KOREAN_GIVEN_FEMALE: tuple[tuple[str, str], ...] = (
    ("서", "SEO"), ("지", "JI"), ("민", "MIN"), ("은", "EUN"), ("하", "HA"),
    ("유", "YU"), ("예", "YE"), ("희", "HEE"), ("연", "YEON"), ("경", "KYUNG"),
    ("미", "MI"), ("혜", "HYE"), ("수", "SOO"), ("진", "JIN"), ("영", "YOUNG"),
)  # fmt: skip

# --- Japan: romanised only (the passport prints no kanji), family name first -----------------

JAPANESE_SURNAMES: tuple[str, ...] = (
    "SATO", "SUZUKI", "TAKAHASHI", "TANAKA", "WATANABE", "ITO", "YAMAMOTO", "NAKAMURA",
    "KOBAYASHI", "KATO", "YOSHIDA", "YAMADA", "SASAKI", "YAMAGUCHI", "MATSUMOTO", "INOUE",
    "KIMURA", "HAYASHI", "SHIMIZU", "MORI",
)  # fmt: skip
JAPANESE_GIVEN_MALE: tuple[str, ...] = (
    "HIROSHI", "TAKESHI", "KENJI", "DAISUKE", "YUTA", "SHOTA", "KAZUKI", "TAKUYA", "NAOKI",
    "KOJI", "MAKOTO", "RYO", "TATSUYA", "HIDEKI", "SATOSHI",
)  # fmt: skip
JAPANESE_GIVEN_FEMALE: tuple[str, ...] = (
    "YUKI", "AYAKA", "MISAKI", "HARUKA", "YUI", "NAOMI", "TOMOKO", "KEIKO", "MAYUMI",
    "SAKURA", "AKIKO", "EMI",
)  # fmt: skip

# --- Vietnam: family, middle and given name, with diacritics ---------------------------------

VIETNAMESE_SURNAMES: tuple[str, ...] = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
    "Đỗ", "Hồ", "Ngô", "Dương", "Lý",
)  # fmt: skip
VIETNAMESE_MIDDLE_MALE: tuple[str, ...] = ("Văn", "Văn", "Văn", "Đức", "Minh", "Hữu", "Quốc")
VIETNAMESE_MIDDLE_FEMALE: tuple[str, ...] = ("Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh")
VIETNAMESE_GIVEN_MALE: tuple[str, ...] = (
    "Thắng", "Nam", "Hùng", "Dũng", "Tuấn", "Long", "Minh", "Quang", "Hải", "Sơn", "Cường",
    "Phong", "Thành", "Hiếu", "Khánh", "Trung",
)  # fmt: skip
VIETNAMESE_GIVEN_FEMALE: tuple[str, ...] = (
    "Lan", "Hương", "Mai", "Hoa", "Linh", "Thảo", "Trang", "Ngọc", "Hạnh", "Phương", "Hà",
    "Nhung", "Yến", "Vy",
)  # fmt: skip

# --- Philippines -----------------------------------------------------------------------------

FILIPINO_GIVEN_MALE: tuple[str, ...] = (
    "JOSE", "JUAN", "MARK ANTHONY", "JOHN PAUL", "RICARDO", "EDUARDO", "ARNEL", "ROMMEL",
    "JERICHO", "MICHAEL", "RONALDO", "JUN", "CHRISTIAN", "RODEL", "ALVIN",
)  # fmt: skip
FILIPINO_GIVEN_FEMALE: tuple[str, ...] = (
    "MARIA", "MARY GRACE", "ROSALIE", "JOCELYN", "ANGELICA", "KRISTINE", "MARIA CRISTINA",
    "JENNIFER", "LORNA", "MARICEL", "ANALYN", "JOY",
)  # fmt: skip
FILIPINO_SURNAMES: tuple[str, ...] = (
    "SANTOS", "REYES", "CRUZ", "BAUTISTA", "GARCIA", "MENDOZA", "OCAMPO", "TORRES",
    "DELA CRUZ", "AQUINO", "RAMOS", "VILLANUEVA", "CASTILLO", "FERNANDEZ", "DE LEON",
    "GONZALES", "NAVARRO", "MERCADO",
)  # fmt: skip

# --- English-speaking and Dutch visitors ---------------------------------------------------

ENGLISH_PASSPORT_GIVEN_MALE: tuple[str, ...] = (
    "JAMES", "JOHN", "DAVID", "MICHAEL", "PETER", "ANDREW", "MARK", "PAUL", "RICHARD",
    "THOMAS", "STEVEN", "MATTHEW", "DANIEL", "CHRISTOPHER",
)  # fmt: skip
ENGLISH_PASSPORT_GIVEN_FEMALE: tuple[str, ...] = (
    "SARAH", "EMMA", "JESSICA", "LAURA", "KAREN", "HELEN", "RACHEL", "SOPHIE", "ELIZABETH",
    "CLAIRE",
)  # fmt: skip
ENGLISH_SURNAMES: tuple[str, ...] = (
    "SMITH", "JONES", "BROWN", "WILSON", "TAYLOR", "JOHNSON", "WILLIAMS", "MILLER", "DAVIES",
    "CAMPBELL", "ANDERSON", "THOMPSON", "WHITE", "MARTIN", "CLARKE",
)  # fmt: skip
DUTCH_GIVEN_MALE: tuple[str, ...] = ("JAN", "PIETER", "DAAN", "LUCAS", "WILLEM", "SANDER")
DUTCH_GIVEN_FEMALE: tuple[str, ...] = ("ANNA", "SOPHIE", "EMMA", "LOTTE", "FLEUR", "MAAIKE")
DUTCH_SURNAMES: tuple[str, ...] = (
    "DE JONG", "JANSEN", "DE VRIES", "VAN DEN BERG", "VAN DIJK", "BAKKER", "VISSER", "SMIT",
    "MEIJER", "DE BOER",
)  # fmt: skip

# --- Places of birth as printed ----------------------------------------------------------------

PLACES_OF_BIRTH: dict[str, tuple[str, ...]] = {
    "SGP": ("SINGAPORE",),
    "MYS": ("JOHOR", "SELANGOR", "KUALA LUMPUR", "PULAU PINANG", "PERAK", "MELAKA", "SABAH"),
    "CHN": ("JIANGSU", "SHANDONG", "GUANGDONG", "ZHEJIANG", "FUJIAN", "HUBEI", "SICHUAN"),
    "IND": ("TAMIL NADU", "KERALA", "MAHARASHTRA", "GUJARAT", "DELHI", "ANDHRA PRADESH"),
    "KOR": ("SEOUL", "BUSAN", "ULSAN", "GYEONGGI", "INCHEON", "DAEGU"),
    "JPN": ("TOKYO", "OSAKA", "KANAGAWA", "AICHI", "HYOGO", "FUKUOKA"),
    "VNM": ("HA NOI", "HAI PHONG", "NGHE AN", "THANH HOA", "HO CHI MINH", "DA NANG"),
    "PHL": ("MANILA", "CEBU", "DAVAO", "BATANGAS", "PAMPANGA", "ILOILO"),
}

# --- Indonesians: landlords, hosts and the Indonesian spouses of residents -------------------

INDONESIAN_GIVEN_MALE: tuple[str, ...] = (
    "Budi", "Agus", "Hendra", "Rudi", "Wahyu", "Andi", "Eko", "Joko", "Dedi", "Irwan",
    "Rizky", "Fajar", "Taufik", "Hasan", "Yusuf",
)  # fmt: skip
INDONESIAN_GIVEN_FEMALE: tuple[str, ...] = (
    "Siti", "Dewi", "Rina", "Yuliana", "Sri", "Fitri", "Nurhayati", "Ratna", "Wulan",
    "Lestari", "Maya", "Indah", "Yanti", "Susanti",
)  # fmt: skip
INDONESIAN_FAMILY: tuple[str, ...] = (
    "Santoso", "Simanjuntak", "Situmorang", "Harahap", "Nasution", "Wijaya", "Gunawan",
    "Setiawan", "Lubis", "Siregar", "Pratama", "Hidayat", "Saputra", "Kurniawan", "Tanjung",
    "Hutapea", "Sinaga", "Halim", "Tanoto", "Purba",
)  # fmt: skip
