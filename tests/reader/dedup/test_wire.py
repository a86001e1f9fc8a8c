"""detect_wire_credit: credit shapes (datelines, closing credits, bylines) count; mentions do not."""

from __future__ import annotations

import pytest

from newsdesk.reader.dedup.wire import AGENCIES, detect_wire_credit

BODY = "The council met on Tuesday to discuss the budget.\n\nMembers disagreed on most points."


@pytest.mark.parametrize(
    ("text", "byline", "meta_author", "agency"),
    [
        ("PARIS (AFP) — The French government said on Monday.", "", "", "AFP"),
        ("(Reuters) - Shares rose on Monday.", "", "", "Reuters"),
        ("WASHINGTON (AP) — The Senate voted 51-49.", "", "", "AP"),
        ("WASHINGTON, May 3 (Reuters) - The dollar fell.", "", "", "Reuters"),
        ("LONDON (Reuters) \u2013 Britain's economy grew.", "", "", "Reuters"),
        ("Berlin (dpa) - Die Bundesregierung hat beschlossen.", "", "", "dpa"),
        ("Madrid, 5 ene (EFE).- El Gobierno aprobó el decreto.", "", "", "EFE"),
        ("(ANSA) - ROMA, 12 GEN - Il governo ha approvato.", "", "", "ANSA"),
        ("NAIROBI (AFP/dpa) - Talks resumed.", "", "", "AFP"),
        (BODY + "\n\nWith AFP", "", "", "AFP"),
        (BODY + "\n\n— AFP", "", "", "AFP"),
        (BODY + "\n\nMit AFP", "", "", "AFP"),
        (BODY + "\n\nMit Material von dpa", "", "", "dpa"),
        (BODY + "\n\nAvec AFP", "", "", "AFP"),
        (BODY + "\n\nAvec l'AFP", "", "", "AFP"),
        (BODY + "\n\nCon información de Reuters", "", "", "Reuters"),
        (BODY + "\n\nCon información de EFE.", "", "", "EFE"),
        (BODY + "\n\nAgence France-Presse", "", "", "AFP"),
        (BODY + "\n\nAssociated Press", "", "", "AP"),
        (BODY + "\n\nQuelle: dpa", "", "", "dpa"),
        (BODY + "\n\n(Reporting by Jane Doe; Editing by Bob Roe)", "", "", "Reuters"),
        (BODY + "\n\nThe Associated Press contributed to this report.", "", "", "AP"),
        (BODY, "By AFP", "", "AFP"),
        (BODY, "By The Associated Press", "", "AP"),
        (BODY, "Reuters Staff", "", "Reuters"),
        (BODY, "Jane Doe, AFP", "", "AFP"),
        (BODY, "", "AFP", "AFP"),
        (BODY, "", "Agence France-Presse", "AFP"),
        # Not credits:
        (BODY, "", "", ""),
        ("Reuters reported on Monday that the talks had failed.\n\nNo agency was quoted.", "", "", ""),
        ("Thomson Reuters said quarterly profit rose.\n\nAnalysts expected more.", "", "", ""),
        ("The CAPITAL was calm and the APPLE harvest began.\n\nAPI users rejoiced.", "", "", ""),
        ("A woman waves a flag (AP Photo/Evan Vucci) in the capital.", "", "", ""),
        (BODY + "\n\nI first read about it on AFP and then everywhere else that week.", "", "", ""),
        (BODY + "\n\nShe worked for Reuters for ten years before joining us as an editor.", "", "", ""),
        (BODY, "Jane Doe", "https://example.com/staff/jane", ""),
        ("", "", "", ""),
    ],
)
def test_detect_wire_credit(text, byline, meta_author, agency):
    assert detect_wire_credit(text, byline, meta_author) == agency


def test_every_answer_is_a_canonical_agency_name():
    assert set(AGENCIES) == {"AFP", "Reuters", "AP", "dpa", "EFE", "ANSA"}
