"""Compile the .po catalogues to .mo with polib, so that no system gettext is needed."""

from __future__ import annotations

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "timpora" / "locale"


def fill_source_language(catalogue: polib.POFile) -> None:
    """The English catalogue is the source text itself: complete it with each msgid."""
    # Always the msgid: makemessages "fuzzy" guesses must never become English text.
    for entry in catalogue:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")


def main() -> None:
    for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        catalogue = polib.pofile(str(po_path))
        if po_path.parts[-3] == "en":
            fill_source_language(catalogue)
            catalogue.metadata["Language"] = "en"
            catalogue.metadata_is_fuzzy = False
            catalogue.save()
        catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
        print(f"{po_path.relative_to(LOCALE.parent.parent)}: {catalogue.percent_translated()}%")


if __name__ == "__main__":
    main()
