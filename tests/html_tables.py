"""The tables of a page as a reader sees them: per table id, its rows (header row first), each
cell's text and the address its link goes to, if any. Standard library only."""

from __future__ import annotations

from html.parser import HTMLParser


class Cell(tuple[str, str | None]):
    __slots__ = ()

    @property
    def text(self) -> str:
        return self[0]

    @property
    def href(self) -> str | None:
        return self[1]


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[Cell]]] = {}
        self._table: list[list[Cell]] | None = None
        self._text: list[str] | None = None
        self._href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table":
            self._table = self.tables.setdefault(found.get("id") or f"#{len(self.tables)}", [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in {"td", "th"} and self._table is not None:
            self._text, self._href = [], None
        elif tag == "a" and self._text is not None:
            self._href = found.get("href")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"td", "th"} and self._table is not None and self._text is not None:
            text = " ".join("".join(self._text).split())
            self._table[-1].append(Cell((text, self._href)))
            self._text = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)


def tables_in(page: str) -> dict[str, list[list[Cell]]]:
    parser = _Tables()
    parser.feed(page)
    return parser.tables
