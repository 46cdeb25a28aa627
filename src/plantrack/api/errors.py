"""The body of a refused write: what is wrong, and each field's messages where a field is to
blame (the same shape wherever the API checks fields)."""

from ninja import Schema


class FieldErrorsOut(Schema):
    detail: str
    fields: dict[str, list[str]] = {}
