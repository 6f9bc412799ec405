"""Contact details (联系方式): the input rules for a contact person, and how a partnership shows one.

An organisation (``actors``) and a community each have a contact person — name, phone, e-mail —
checked the same way on both (and to the same lengths in the schema). Who may see whose is one rule,
in :mod:`matchmaker.services.contacts`; a contact the caller may not see is left out of the JSON
altogether (the fields are absent), while a contact the caller may see but nobody filled in is
``null``.

>>> Contact(name="演示联系人01", phone="028-0000-0001", email=None)
Contact(name='演示联系人01', phone='028-0000-0001', email=None)
"""

from __future__ import annotations

from typing import Annotated

import msgspec

__all__ = [
    "Contact",
    "ContactEmail",
    "ContactName",
    "ContactPhone",
    "PartnershipContacts",
    "ShownContact",
]

ContactName = Annotated[
    str, msgspec.Meta(min_length=1, max_length=100, description="the contact person's name")
]
ContactPhone = Annotated[
    str, msgspec.Meta(min_length=3, max_length=50, description="phone, e.g. 028-0000-0001")
]
ContactEmail = Annotated[
    str,
    msgspec.Meta(
        max_length=200,
        pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
        description="e-mail, e.g. name@example.org",
    ),
]


#: A contact field of a read model (an organisation's, a community's), as OpenAPI describes it.
ShownContact = Annotated[
    str,
    msgspec.Meta(
        description="the contact person: present only for a caller who may see it (coordinators "
        "and admins; the side's own staff; the other side of an active or completed partnership) "
        "and never in a list except to coordinators and admins; absent otherwise; null: not given"
    ),
]


class Contact(msgspec.Struct):
    """One side's contact person; a part nobody filled in is ``null``."""

    name: str | None
    phone: str | None
    email: str | None


class PartnershipContacts(msgspec.Struct):
    """The contacts a partnership shows its caller: from confirmation on, each side sees the
    other's (``partner`` to the community's staff, ``community`` to the organisation's staff);
    coordinators and admins see both. A side the caller may not see is absent, so the object is
    ``{}`` for a party of a partnership that was cancelled (unless the two have another one that is
    active or completed)."""

    community: (
        Annotated[Contact, msgspec.Meta(description="the community's contact person")]
        | msgspec.UnsetType
    ) = msgspec.UNSET
    partner: (
        Annotated[Contact, msgspec.Meta(description="the organisation's contact person")]
        | msgspec.UnsetType
    ) = msgspec.UNSET
