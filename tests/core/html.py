"""A small HTML reader for layout tests (standard library only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str | None]
    parents: list[Element] = field(default_factory=list)
    text: str = ""


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag=tag, attrs=dict(attrs), parents=list(self._open))
        self.elements.append(element)
        if tag not in _VOID:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i].tag == tag:
                del self._open[i:]
                break

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text += data

    def find_all(self, tag: str, *, within: Element | None = None, **attrs: str) -> list[Element]:
        """Elements with this tag and these exact attribute values (class_ for class)."""
        wanted = {name.rstrip("_"): value for name, value in attrs.items()}
        return [
            e
            for e in self.elements
            if e.tag == tag
            and all(e.attrs.get(name) == value for name, value in wanted.items())
            and (within is None or any(p is within for p in e.parents))
        ]


def parse(content: bytes | str) -> Page:
    page = Page()
    page.feed(content.decode() if isinstance(content, bytes) else content)
    page.close()
    return page
