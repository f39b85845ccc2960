"""The lawful bases on which information about a family may leave the scheme (P1), as a registry.

``disclosure_record`` is the one door out of the scheme, and it looks the basis it is given up here: a basis that
nobody registered is refused, so the guarantee "nothing leaves without a basis that holds" never depends on import
order. This app registers its own two bases (a signed consent, an agency's request with written permission); an
app on a higher floor registers its own from its AppConfig.ready() (safeguarding: a referral about a concern).
See docs/adr/0007-floors-and-registries.md.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from families.models import Family, Professional
from homestart.models import User

if TYPE_CHECKING:
    from consents.models import Disclosure


@dataclass(frozen=True)
class Proposal:
    """A disclosure about to be recorded, as its basis check sees it (inside the transaction that records it)."""

    family: Family
    recipient: Professional
    categories: list[str]
    on: datetime.date
    actor: User
    evidence: Any  # what the basis rests on: a consent, an agency request, a safeguarding concern


@dataclass(frozen=True)
class BasisLink:
    """How the register shows a disclosure's basis: a short text, and the page of the evidence if there is one."""

    text: str
    url: str | None = None


@dataclass(frozen=True)
class Basis:
    """One lawful basis for sharing.

    - ``check`` runs inside the recording transaction; it locks what it reads and answers the refusal message, or
      None when the basis holds.
    - ``visible_to`` is a filter on disclosures: which of those made on this basis the user may see in the register
      (the register is for the scheme's coordinators; a basis may narrow that further).
    - ``describe`` says how the register shows a disclosure made on it.
    - ``link``, when set, ties the recorded disclosure to its evidence on the owning app's side, in the same
      transaction (safeguarding: the concern's referral step).
    - ``annotate`` adds what ``describe`` reads to a register query, so a page of rows costs no query per row.
    - ``from_register``: whether the register's own "Record information shared" page offers it (a safeguarding
      referral is recorded from its concern instead).
    """

    name: str
    label: str
    check: Callable[[Proposal], str | None]
    visible_to: Callable[[User], Q]
    describe: Callable[["Disclosure"], BasisLink]
    link: Callable[["Disclosure", Proposal], None] | None = None
    annotate: Callable[[Any], Any] | None = None
    from_register: bool = True


BASES: dict[str, Basis] = {}


def register(basis: Basis) -> Basis:
    """Add a basis at start-up. Registering the same name twice is a mistake unless it is the same object."""
    existing = BASES.get(basis.name)
    if existing is not None and existing is not basis:
        raise ValueError(f"A disclosure basis named {basis.name!r} is registered already.")
    BASES[basis.name] = basis
    return basis


def get(name: str) -> Basis | None:
    """The registered basis of that name, or None: a disclosure naming an unregistered basis is refused."""
    return BASES.get(name) if name else None


def label(name: str) -> str:
    """The basis's plain-English name ("" for a decision not to share, which needs none)."""
    basis = get(name)
    return basis.label if basis is not None else name


def choices(*, from_register: bool = False) -> list[tuple[str, str]]:
    """The registered bases as form choices, in the order they were registered."""
    return [(basis.name, basis.label) for basis in BASES.values() if basis.from_register or not from_register]


def register_choices() -> list[tuple[str, str]]:
    """The bases the register's "Record information shared" page offers."""
    return choices(from_register=True)


def visible_filter(user: User) -> Q:
    """Disclosures the user may see: decisions not to share, and those on a basis whose own filter lets them."""
    allowed = Q(shared=False)
    for basis in BASES.values():
        allowed |= Q(basis=basis.name) & basis.visible_to(user)
    return allowed


def annotate(queryset: Any) -> Any:
    """Add what each basis's description needs to a query of disclosures."""
    for basis in BASES.values():
        if basis.annotate is not None:
            queryset = basis.annotate(queryset)
    return queryset
