"""Thai: RTGS syllable by syllable."""

from __future__ import annotations

from functools import cache, lru_cache

from timpora.matching.normalise.base import Parts, _ascii_upper, _table


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


def _thai_bases(name: str) -> list[Parts]:
    return [tuple(_thai_word(w) for w in name.split())]
