"""Alerts are plain text: the one rule on markup, applied by the services to what the page form
and the API send alike.

Refused: `<` directly followed by `/`, `!` or `?` (a closing tag, a comment, a declaration),
`<` opening an HTML element (`<script>`, `<b>`, `< img`), and any tag carrying an attribute
(`<x onmouseover=...>`). Kept: French quotes typed as `<<Mouvement>>`, `Village <Ndassima>`,
`5 < 10`, which a browser shows as text.
"""

from __future__ import annotations

import re

from django.utils.functional import Promise
from django.utils.translation import gettext as _

ELEMENTS = (
    "a|abbr|applet|audio|b|base|bgsound|body|br|button|code|details|div|em|embed|font|form|"
    "frame|frameset|h[1-6]|head|hr|html|i|iframe|img|input|isindex|keygen|li|link|marquee|"
    "math|meta|noembed|noframes|noscript|object|ol|p|plaintext|pre|script|select|source|span|"
    "strong|style|svg|table|td|template|textarea|th|title|tr|u|ul|video|xmp"
)
MARKUP = re.compile(
    r"<\s*[/!?]"  # </b>, <!-- -->, <!DOCTYPE>, <?xml
    rf"|<\s*(?:{ELEMENTS})(?=[\s/>])"  # an HTML element
    r"|<[a-z][^\s/>]*[\s/][^<>]*=",  # any tag with an attribute: <x onmouseover=...>
    re.IGNORECASE,
)


def has_markup(text: str) -> bool:
    return MARKUP.search(text or "") is not None


def markup_message(label: str | Promise) -> str:
    """The error of a field holding markup, naming the field."""
    return _("%(field)s: write plain text, without HTML tags.") % {"field": label}
