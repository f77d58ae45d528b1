"""Thai names: RTGS, the spellings Thai holders choose, titles.

Thai passports carry the holder's own spelling, often not RTGS: PRASERT for RTGS PRASOET
(เสริฐ), SIRIPORN for SIRIPHON (พร), SAENGTHONG or SANGTHONG (แสง), SRI or SI (ศรี). A table of
common name syllables (``data/thai_syllables.csv``) gives each its usual spellings, RTGS first:
a Thai-script name gets the spellings of its syllables, and a Latin name made only of such
spellings gets a variant with every syllable in its RTGS spelling, so that two spellings of
one name meet. Titles written before the name (นาย Mr, นาง Mrs, นางสาว Miss) are dropped.
"""

from __future__ import annotations

from functools import cache, lru_cache

from timpora.matching.normalise.base import Parts, _alts, _ascii_upper, _table, _zip_forms


@cache
def _thai() -> dict[str, tuple[str, str, str]]:
    return {r["char"]: (r["kind"], r["initial"], r["final"]) for r in _table("thai.csv")}


@lru_cache(maxsize=8192)
def _thai_word(word: str) -> str:
    """RTGS, syllable by syllable: lead vowel, initial (cluster), vowels, final; an implicit O
    before a final and A otherwise; a consonant under the thanthakhat (and one before it) silent."""
    table, out, i, n = _thai(), [], 0, len(word)

    def kind(at: int) -> str:
        return table.get(word[at], ("other", "", ""))[0] if at < n else ""

    while i < n:
        lead = table[word[i]][1] if kind(i) == "lead" else ""
        i += 1 if lead else 0
        if kind(i) != "consonant":
            out.append(table.get(word[i], ("", _ascii_upper(word[i]), ""))[1] if i < n else "")
            i += 1
            continue
        initial, i = table[word[i]][1], i + 1
        if word[i - 1] in "หอ" and i < n and word[i] in "งญนมยรลว" and kind(i + 1) != "silent":
            initial, i = table[word[i]][1], i + 1
        elif i < n and word[i] in "รลว" and kind(i + 1) == "vowel" and initial:
            initial, i = initial + table[word[i]][1], i + 1
        vowel = ""
        while kind(i) in ("vowel", "mark"):
            vowel, i = vowel + table[word[i]][1], i + 1
        if lead == "E" and vowel == "I" and word[i : i + 1] == "ย":
            lead, vowel, i = "", "IA", i + 1
        elif lead == "E" and vowel == "UE" and word[i : i + 1] == "อ":
            lead, vowel, i = "", "UEA", i + 1
        elif vowel == "A" and word[i : i + 1] == "ว" and not lead:
            vowel, i = "UA", i + 1
        elif (
            not vowel and not lead and word[i : i + 1] in ("ว", "อ") and kind(i + 1) == "consonant"
        ):
            vowel, i = ("UA" if word[i] == "ว" else "O"), i + 1
        final = ""
        if kind(i) == "consonant" and kind(i + 1) not in ("vowel", "silent"):
            final, i = table[word[i]][2], i + 1
            i += 1 if final and word[i : i + 1] == "ร" and i + 1 == n else 0
        while kind(i) == "consonant" and (kind(i + 1) == "silent" or kind(i + 2) == "silent"):
            i += 2 if kind(i + 1) == "silent" else 3
        if lead == "E" and vowel == "A":
            lead, vowel = "", "AO"
        vowel = lead + vowel if lead or vowel else ("O" if final else "A")
        out.append(initial + vowel + final)
    return "".join(out)


@cache
def _syllables() -> dict[str, list[str]]:
    return {r["thai"]: _alts(r["latin"]) for r in _table("thai_syllables.csv")}


@cache
def _titles() -> tuple[str, ...]:
    return tuple(sorted((r["title"] for r in _table("thai_titles.csv")), key=len, reverse=True))


def _without_title(name: str) -> str:
    text = name.strip()
    for title in _titles():
        if text.startswith(title) and len(text) > len(title) + 1:
            return text[len(title) :].strip()
    return text


@lru_cache(maxsize=8192)
def _thai_word_forms(word: str) -> tuple[str, ...]:
    """The known syllables by longest match (RTGS for the rest): their first spellings, their
    second spellings, and RTGS of the whole word."""
    table, pieces, pending, i = _syllables(), [], "", 0
    while i < len(word):
        size = next((k for k in range(min(8, len(word) - i), 1, -1) if word[i : i + k] in table), 0)
        if not size:
            pending, i = pending + word[i], i + 1
            continue
        if pending:
            pieces.append([_thai_word(pending)])
            pending = ""
        pieces.append(table[word[i : i + size]])
        i += size
    if pending:
        pieces.append([_thai_word(pending)])
    first = "".join(p[0] for p in pieces)
    second = "".join(p[min(1, len(p) - 1)] for p in pieces)
    return tuple(dict.fromkeys([first, second, _thai_word(word)]))


def _thai_bases(name: str) -> list[Parts]:
    return _zip_forms([_thai_word_forms(w) for w in _without_title(name).split()])


@cache
def _latin_rtgs() -> dict[str, str]:
    """Every usual spelling of a table syllable to its RTGS spelling (the first of its row)."""
    rtgs: dict[str, str] = {}
    for spellings in _syllables().values():
        for spelling in spellings:
            rtgs.setdefault(spelling, spellings[0])
    return rtgs


@lru_cache(maxsize=16384)
def _latin_split(word: str) -> Parts | None:
    """The fewest table spellings (of two letters or more) spelling ``word``, or None."""
    spellings = _latin_rtgs()
    best: list[Parts | None] = [()] + [None] * len(word)
    for end in range(2, len(word) + 1):
        for start in range(max(0, end - 10), end - 1):
            head, piece = best[start], word[start:end]
            if head is None or piece not in spellings:
                continue
            current = best[end]
            if current is None or len(head) + 1 < len(current):
                best[end] = (*head, piece)
    return best[len(word)]


def thai_latin_forms(parts: Parts) -> list[Parts]:
    """A Latin name of Thai name syllables, also with each in its RTGS spelling (SIRIPORN
    SAENGTHONG and SIRIPHON SANGTHONG both as SIRIPHON SAENGTHONG)."""
    rtgs, out, compound = _latin_rtgs(), [], False
    for part in parts:
        pieces = _latin_split(part) if len(part) > 1 else None
        compound = compound or len(pieces or ()) > 1
        out.append("".join(rtgs.get(p, p) for p in pieces) if pieces else part)
    # A part not made of table syllables stays as written, when another part is a compound
    # of them (the name then looks Thai); a name of single syllables must be all of them.
    if not compound and any(len(p) > 1 and _latin_split(p) is None for p in parts):
        return [parts]
    return [parts, tuple(out)] if tuple(out) != parts else [parts]
