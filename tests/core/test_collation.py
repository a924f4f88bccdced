"""Ukrainian alphabetical order, in Python and in the lists the pages offer."""
from __future__ import annotations

from tracker.core.collation import by_name, ukrainian_key
from tracker.core.hierarchy import add_authority


def test_letters_follow_the_ukrainian_alphabet_not_code_points():
    names = ["Ялтинська", "Івано-Франківська", "Гірська", "Ґалаґанівська", "Єнакіївська", "Запорізька", "Їжаківська",
             "Київська", "Вінницька", "Житомирська", "Автономна Республіка Крим", "харківська", "Херсонська"]
    assert sorted(names, key=ukrainian_key) == [
        "Автономна Республіка Крим", "Вінницька", "Гірська", "Ґалаґанівська", "Єнакіївська", "Житомирська",
        "Запорізька", "Івано-Франківська", "Їжаківська", "Київська", "харківська", "Херсонська", "Ялтинська"]
    assert sorted(names) != sorted(names, key=ukrainian_key)  # code-point order puts І, Ї, Є, Ґ after Я


def test_apostrophes_and_case_do_not_change_the_order():
    assert sorted(["Мʼякоти", "Мирна", "мала"], key=ukrainian_key) == ["мала", "Мирна", "Мʼякоти"]
    assert sorted(["2 школа", "Школа", "school"], key=ukrainian_key) == ["2 школа", "Школа", "school"]


def test_by_name_sorts_by_the_name_the_reader_sees(session):
    ukraine = add_authority(session=session, name_uk="Україна", name_en="Ukraine", level="national")
    rows = [add_authority(session=session, parent=ukraine, level="oblast", name_uk=uk, name_en=en)
            for uk, en in (("Київська", "Kyiv Oblast"), ("Івано-Франківська", "Ivano-Frankivsk Oblast"),
                           ("Вінницька", "Vinnytsia Oblast"))]
    assert [row.name_uk for row in by_name(rows)] == ["Вінницька", "Івано-Франківська", "Київська"]
    assert [row.name_en for row in by_name(rows, "en")] == ["Ivano-Frankivsk Oblast", "Kyiv Oblast",
                                                            "Vinnytsia Oblast"]


def test_the_oblast_filter_lists_oblasts_alphabetically(client, session):
    ukraine = add_authority(session=session, name_uk="Україна", name_en="Ukraine", level="national")
    for name in ("Київська", "Івано-Франківська", "Вінницька", "Ґ-тестова"):
        add_authority(session=session, parent=ukraine, level="oblast", name_uk=name, name_en=name)
    session.commit()
    html = client.get("/projects").get_data(as_text=True)
    positions = [html.index(f">{name}<") for name in ("Вінницька", "Ґ-тестова", "Івано-Франківська", "Київська")]
    assert positions == sorted(positions)
