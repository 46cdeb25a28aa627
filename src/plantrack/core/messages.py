"""Text for people that the core produces: Chinese, and translatable by whoever shows it.

The core imports no Django, so it cannot translate. Each text is a :class:`Message`: a ``str``
holding the Chinese rendering (so code that stores or prints it needs nothing more), which also
keeps its template and values, so a page in another language can translate the template and fill
the values in again. Templates are marked with :func:`gettext_noop`, the keyword Django's
``makemessages`` collects, so they land in the project's catalogue.
"""

from collections.abc import Callable

__all__ = ["Message", "gettext_noop"]


def gettext_noop(template: str) -> str:
    """Mark ``template`` for the message catalogue; translation happens where it is shown."""
    return template


class Message(str):
    """A rendered Chinese text that remembers its template and values."""

    template: str
    params: dict[str, object]

    def __new__(cls, template: str, **params: object) -> "Message":
        text = super().__new__(cls, template % params if params else template)
        text.template = template
        text.params = params
        return text

    def in_language(self, gettext: Callable[[str], str]) -> str:
        """The text in the language of ``gettext`` (e.g. ``django.utils.translation.gettext``)."""
        template = gettext(self.template)
        return template % self.params if self.params else template

    def __reduce__(self) -> tuple:  # type: ignore[type-arg]
        # A str subclass with a custom __new__ must say how to pickle itself (cache, multiprocessing).
        return (_rebuild, (self.template, self.params))


def _rebuild(template: str, params: dict[str, object]) -> Message:
    return Message(template, **params)
