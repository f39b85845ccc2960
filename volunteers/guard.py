"""Finding what identifies a family of the scheme in volunteer group-meeting notes (P8).

Group meetings are shared among volunteers, so their notes must not name a family: individual families are
discussed only in one-to-one supervision (P9). ``family_identifiers_in`` finds every stretch of text that names a
family of the given scheme, and ``refusal_message`` turns what it found into the message the notes form shows.

What identifies a family (every family of the scheme, whatever its status, ended ones too; never another scheme's):

* **full name**: a household member's first name followed by their last name or by the family name, in any case,
  with any whitespace between (line breaks included), or joined by one ``.`` or ``_`` as in an e-mail address or a
  handle ("grace.okafor"). Reversed, "Okafor, Grace" (with a comma) counts too, under the register rule below.
* **family name**: a family surname (the family name, any member's last name, or one half of a double-barrelled
  one) next to:
    - any first name: a first name of anyone in the scheme's households, or one of about 400 common first names
      built in below ("Tom Green", "Okafor, Grace");
    - a title: Mr, Mrs, Ms, Miss, Mx, Dr, Mstr, with or without a full stop ("Mrs Okafor", "Mr. Green");
    - a word naming the household after it: family, families, household, households, children, kids, also after a
      possessive ("the Okafor family", "Okafor's kids");
    - "the" before it in the plural or possessive ("the Okafors", "the Greens", "the Okafor's").
* **postcode**: a family's full postcode, in any case, with any spacing or none, line breaks included ("PO27QA",
  "p o 2 7 q a"). An outward code alone ("PO2"), a sector ("PO2 7") or a district name is too broad to identify
  anyone and is accepted; so is a stored postcode shorter than five characters (it cannot be a full one).
* **reference**: a family's reference number, in any case, its parts separated by hyphens, spaces, dots, slashes,
  underscores or nothing ("pmh 2026 0042", "PMH20260042"), and also without the scheme code in front
  ("2026-0042"), which is still unique within the scheme, unless another code is joined to it ("WIN-2026-0042"
  is another scheme's family). A stored reference shorter than four characters, or a number shorter than six,
  is not looked for: it would match ordinary numbers.

Ordinary words. Many surnames are ordinary words (Green, Young, Hill, Read, Cook) and many first names too (Will,
May, Mark, Grace, Hope). A surname alone is never refused. Beside a first name, title or family word, a surname that
is *not* an ordinary word (Okafor, Kowalski) is refused in any case: "will okafor" can only be a name. A surname that
*is* an ordinary word (the list ``ORDINARY_WORDS`` below) is refused only when it carries its own capital letter,
one that is not explained by the start of a sentence or line, and, beside a first name or title, when that word is
not itself an ordinary word in lower case. So "the Green family", "Tom Green", "Mrs Young" and "Will Read" are
refused, while "walked in Green Park" (Park is no first name), "a young family", "Grace will read to them" and
"we miss green spaces" are accepted. The price: "Young children need…" at the start of a sentence, or "tom green"
written all in lower case about someone of another household, are accepted. A member's own full name does not get
this benefit of the doubt: "grace hill" is refused when Grace Hill is in a household of the scheme. The reversed
register form ("Hill, Grace") always gets it, so that "up the hill, Grace said" passes.

Words. Matching is on whole words only: "Ann" never matches inside "Annual", nor "Hill" inside "Hillside". Letters
are compared after Unicode compatibility decomposition with accents removed and case folded ("Zoë" = "Zoe",
"ＧＲＡＣＥ" = "grace", "Søren" = "Soren", "Straße" = "strasse"). Invisible formatting characters (soft hyphens,
zero-width spaces) are ignored, so they cannot hide a name. An apostrophe (straight or curly) holds a name
together: "O'Brien" is matched as "O'Brien", "O’Brien", "O Brien" or "OBrien", never as "Brien". A hyphen joins
two names that may also be matched separately: "Smith-Jones" is matched as written, with a space, run together,
and each half counts as a family surname ("Grace Smith"). Parts of a hyphenated word are whole words too, so
"Grace Okafor-Smith" is refused when Okafor is a family of the scheme.

Cost. Each call with any letters or digits in it runs two queries (the scheme's families; their household
members) reading names, postcodes and references as plain values, and caches nothing between calls, so a family
added a moment ago is already protected. The text is split into words once; each distinct stored name is folded
once (folding is cached per spelling, which cannot go stale) and kept only when its words occur in the text;
postcodes and references are folded in one pass over them all; then each word of the text is looked up in sets.
The work is linear in the length of the text plus the number of families, never their product: with 5,000
families it takes about twice as long as the two queries alone (``bench/bench_guard.py`` measures it).

Errors. The text cannot make the search raise: any string is searched (empty, huge, NUL or other control
characters, emoji, right-to-left text). A database error does propagate: notes that could not be checked must not
be saved.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from families.models import Family, HouseholdMember

FULL_NAME = "full name"
FAMILY_NAME = "family name"
POSTCODE = "postcode"
REFERENCE = "reference"


@dataclass(frozen=True)
class Finding:
    """One stretch of the notes that identifies a family."""

    kind: str  # one of "full name", "family name", "postcode", "reference"
    words: str  # the words exactly as they appear in the text, e.g. "grace okafor", "po27qa"


# ---------------------------------------------------------------------------------------------------------------
# Word lists
# ---------------------------------------------------------------------------------------------------------------

TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "mstr"})
FAMILY_WORDS = frozenset({"family", "families", "household", "households", "children", "kids"})

# First names common in the UK across its communities: beside a family surname they make a name even when nobody
# in the scheme's households has that first name (the speaker's brother, a new partner). Lower case, no accents.
COMMON_FIRST_NAMES = frozenset(
    """
    aaliyah aaron abbie abdul abdullah abigail ada adam adrian agnes ahmad ahmed aidan aiden aimee aisha alan albert
    alex alexander alexandra alfie alfred ali alice alicia alison amanda amara amber amelia amina amir amit amy ana
    andrea andrew andy angela angus anita ann anna anne annie anthony antonio april archie arjun arthur asha ashley
    aurora austin ava ayesha barbara barry beatrice becky bella ben benjamin bernard beth bethany betty bev beverley
    bilal bill billy bob bobby bonnie brandon brenda brian bridget brooke caitlin callum cameron carl carla carol
    caroline carys catherine charlie charles charlotte chelsea chloe chris christine christopher ciara claire clara
    colin connor craig daisy dale damian daniel danielle danny darren david dawn dean debbie deborah declan denise
    derek diana diane dominic donna dorothy dylan eddie edward eileen elaine eleanor elijah elizabeth ella ellie eliza
    elsie emily emma eric erin esme ethan eva evie ewa faisal farah fatima felix finley finn fiona florence frances
    francesca frank freddie frederick freya gabriel gareth gary gavin gemma george georgia gillian gloria gordon
    grace graham gregory gurpreet hamza hannah harjit harley harper harriet harrison harry harvey hassan hayley
    hazel heather helen henry holly hugh hussain ian ibrahim imogen iris isaac isabel isabella isabelle isla ismail
    ivy jack jackie jacob jade jake james jamie jan jane janet jasmine jason jay jayden jean jennifer jenny jessica
    jill jo joan joanna joanne jodie joe joel john jonathan jordan joseph josh joshua joy joyce judith julia julie
    june justin kai kamal karen kate katherine kathleen katie kayleigh keith kelly kevin khadija kieran kim kirsty
    kyle lara laura lauren leah lee leo leon lewis liam lily linda lindsey lisa logan lola louie louis louise lucas
    lucy luke lydia lynn lynne maddison maisie malik mandy manpreet margaret maria marie mark martin mary maryam
    mason matilda matthew maureen max maya megan melissa mia michael michelle mila millie mohamed mohammad mohammed
    molly muhammad nadia naomi natalie natasha nathan neil niamh nicholas nicola nicole nina noah oliver olivia
    omar oscar owen paige pamela patricia patrick paul paula pauline penny peter philip phoebe pippa poppy priya
    rachel rahul rajesh rebecca reuben rhys richard riley rita rob robert robin robyn rose rosie ross ruby rukhsana
    ryan sadia safiya sahil sally sam samantha samuel sandra sara sarah scarlett sean shabana shane sharon shaun
    sheila shirley simon sinead siobhan sofia sophia sophie stacey stanley stella stephanie stephen steve steven
    stuart sue summer susan suzanne tanya tariq teresa theo theodore thomas tina toby tom tommy tony tracey tracy
    tyler usman valerie vanessa victoria vincent violet wendy will william willow yasmin yusuf zainab zara zoe zak
    """.split()
)

# Ordinary English words that are also surnames or first names, and the short words that are both (He, Do, An,
# Ma). Lower case, no accents. A surname on this list needs its own capital letter to count as a name (see above).
ORDINARY_WORDS = frozenset(
    """
    a abbot abbott about acre acres after all also am amber an and angel any apple april archer are arrow art as ash
    at away back bacon baker ball bank banks barber barley barn baron bass be beach bean bear beard been before bell
    bells berry best big birch bird bishop black bliss bloom blossom blue bo boat bolt bond bones booth bow bowl
    bowman bowyer box boy brain branch brand brass brave bridge bridges bright brook brooks brown buck bull bullock
    burn burns bush bushes but butcher butler butt by can cannon carpenter carter cash castle chalk chamberlain
    chance chandler chapel chapman chase cherry child chill church clay clear cliff close coal cock coffee collar
    come cook cooper copper corn cotton couch could countryman crane cross crow crown cutter dale dance darling dawn
    day deacon dean dear dell diamond did do does done dove down drake draper drew drum duke dyer each eagle earl
    early east easter english even fair fairy faith falcon farmer feather field fields finch fish fisher fisherman
    fitter flint flood flower flowers for ford forest forester fort foster fowler fox frank free freeman friend from
    frost fry fuller gale gardener gardner garland gate gates gay gem german get gift gill glass glover go going
    gold golden good goodman goose got grace grain grant gray green grey grove groves guy ha had hale hall hand
    hands harbour hardy hare harper hart harvest has have hawk hay he head heart heath hedge hedges her here hill
    hills him his ho holly honey hood hook hope horn house how hunt hunter i if in into iris is it its ivy jack jay
    jewel jolly joy judge june just keeper key keys kind king kitchen knight lake lamb lance land lane lark last law
    lea leach lead leaf let light like lily lime little lo lock long lord love low lucky ma made major make many
    mark marsh marshall mason master may mayor me meadow meadows mercy merry mill miller mills miner miss money monk
    moon moor moore more morning moss most mould much must my neat needle nest new newman next no north not now
    nurse nut oak of off oh old olive on one only or orange orchard other our out over own page painter palmer park
    parker parks parrot parson parsons patience pattern pay peace peach peacock pearl pears penny pepper person pike
    pine pink piper pitt plant plum pond pool pope porter potter pound power powers pride priest prince proud punch
    put queen rain rainbow ray read reader red reed reeve rice rich ridge ring rivers robin rock rose row ruby rush
    rust sage said salmon salt same sand sands savage saw say scarlett sea seal see settle shade sharp she sheep
    shepherd shield ship shore short should silver singer skinner slate slater small smart snow so some south spark
    sparks sparrow speed spring springs squire stable stag stamp star steel steward still stock stone storm stout
    strange straw street strong such summer summers sun swallow swan sweet swift tailor take tanner temple than that
    thatcher the their them then there these they this thistle thorn those tiler to too tower town toy trim trout
    tucker turner twist two up us vale very vine violet wade walker wall walls ward warden warren was waters watt
    way we weaver well wells went were west what wheat wheeler when where which while white who why wild will winter
    wise with wolf wood woods worth would wren yard yet you young your
    """.split()
)

# ---------------------------------------------------------------------------------------------------------------
# Text into words
# ---------------------------------------------------------------------------------------------------------------

# A run of letters and digits in any script, with combining accents attached to their letter.
_ATOM = re.compile(r"(?:[^\W_]|[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f])+")
_APOSTROPHES = frozenset("'\u2019\u2018\u02bc\u02bb`\u00b4\u2032")
_HYPHENS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d")
_COMPACT_SEPARATORS = frozenset("-_./") | _HYPHENS
# Letters that compatibility decomposition leaves alone but a keyboard without them would spell differently.
_LETTERS = str.maketrans({"ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ð": "d", "þ": "th"})
_LETTERS.update(str.maketrans({"æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ı": "i", "ĸ": "k"}))

# What lies between two words.
INVISIBLE = "invisible"  # formatting characters only: the two runs are one word
APOSTROPHE = "apostrophe"  # O'Brien: one name, not two
HYPHEN = "hyphen"  # Smith-Jones: two names joined
SPACE = "space"  # whitespace (line breaks, tabs, no-break spaces, control characters)
COMMA = "comma"  # Okafor, Grace
DOT = "dot"  # grace.okafor, Mr.Okafor
DOT_SPACE = "dot space"  # Mr. Okafor, or the end of a sentence
UNDERSCORE = "underscore"  # grace_okafor
LOOSE = "loose"  # other short runs of spaces and - _ . / (PMH / 2026 / 0042)
OTHER = "other"

_NAME_INSIDE = frozenset({APOSTROPHE, HYPHEN, SPACE})  # between the words of one name ("Mary Ann", "O'Brien")
_FIRST_TO_SURNAME = frozenset({SPACE, DOT, UNDERSCORE})
_TITLE_TO_SURNAME = frozenset({SPACE, DOT, DOT_SPACE})
_COMPACT_INSIDE = frozenset({HYPHEN, SPACE, DOT, DOT_SPACE, UNDERSCORE, LOOSE})  # inside a postcode or reference
_CODE_TO_NUMBER = frozenset({HYPHEN, DOT, UNDERSCORE, LOOSE})  # PMH-2026, PMH/2026: a code and its number
_LONGEST_NAME = 6  # words in a stored name that are looked for: "Maria de los Angeles" has four
# No postcode or reference, its separators dropped, is longer than the field that stores it.
_LONGEST_VALUE = max(Family._meta.get_field("reference").max_length, Family._meta.get_field("postcode").max_length)


def _gap_kind(gap: str) -> str:
    """Classify what separates two runs of letters and digits."""
    return _short_gap_kind(gap) if len(gap) <= 16 else _classify_gap(gap)


@lru_cache(maxsize=4096)
def _short_gap_kind(gap: str) -> str:
    return _classify_gap(gap)


def _classify_gap(gap: str) -> str:
    visible = "".join(c for c in gap if unicodedata.category(c) != "Cf")
    if not visible:
        return INVISIBLE
    spaced = "".join(" " if (c.isspace() or unicodedata.category(c) == "Cc") else c for c in visible)
    if not spaced.strip():
        return SPACE
    if len(spaced) == 1:
        if spaced in _APOSTROPHES:
            return APOSTROPHE
        if spaced in _HYPHENS:
            return HYPHEN
        if spaced == ".":
            return DOT
        if spaced == "_":
            return UNDERSCORE
    marks = spaced.replace(" ", "")
    if marks in {",", "\uff0c"}:
        return COMMA
    if spaced.startswith(".") and not spaced[1:].strip():
        return DOT_SPACE
    if len(marks) <= 3 and all(c in _COMPACT_SEPARATORS for c in marks):
        return LOOSE
    return OTHER


def _fold(word: str) -> str:
    """A word as it is compared: compatibility-decomposed, accents removed, case folded ("Zoë" -> "zoe")."""
    return _fold_short(word) if len(word) <= 64 else _fold_any(word)


@lru_cache(maxsize=65536)
def _fold_short(word: str) -> str:
    return _fold_any(word)


def _fold_any(word: str) -> str:
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.translate(_LETTERS))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.casefold().translate(_LETTERS)


class _Words:
    """The runs of letters and digits of a text, where they are, and what separates each from the next."""

    __slots__ = ("text", "keys", "starts", "ends", "gaps")

    def __init__(self, text: str) -> None:
        self.text = text
        self.keys: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.gaps: list[str] = []  # gaps[i] lies between word i and word i + 1
        for match in _ATOM.finditer(text):
            start, end = match.span()
            if self.keys and _gap_kind(text[self.ends[-1] : start]) == INVISIBLE:
                # "Oka\u00adfor", "Oka\u200bfor": one word whose pieces are glued back together.
                self.keys[-1] += _fold(match.group())
                self.ends[-1] = end
                continue
            if self.keys:
                self.gaps.append(_gap_kind(text[self.ends[-1] : start]))
            self.keys.append(_fold(match.group()))
            self.starts.append(start)
            self.ends.append(end)

    def __len__(self) -> int:
        return len(self.keys)

    def may_start(self, i: int) -> bool:
        """Whether a name may begin at word i: not in the middle of an apostrophe name ("O'|Brien")."""
        return i == 0 or self.gaps[i - 1] != APOSTROPHE

    def may_end(self, j: int) -> bool:
        """Whether a name may end before word j: not inside an apostrophe name, unless what follows is a possessive."""
        if j >= len(self.keys) or self.gaps[j - 1] != APOSTROPHE:
            return True
        return self.keys[j] == "s" and (j + 1 >= len(self.keys) or self.gaps[j] != APOSTROPHE)

    def capitalised(self, i: int) -> bool:
        return self.text[self.starts[i]].isupper()

    def starts_sentence(self, i: int) -> bool:
        """Whether word i is the first of a sentence or a line, where a capital letter says nothing about names."""
        before = self.text[self.ends[i - 1] : self.starts[i]] if i else self.text[: self.starts[i]]
        return i == 0 or "\n" in before or "\r" in before or any(c in ".!?:;\u2028\u2029" for c in before)

    def words(self, i: int, j: int) -> str:
        """Words i to j - 1 exactly as they are written."""
        return self.text[self.starts[i] : self.ends[j - 1]]


@lru_cache(maxsize=65536)
def _name_forms(name: str) -> tuple[tuple[str, ...], ...]:
    """The ways a stored name can be written: as its words, and run together ("O'Brien" -> o brien, obrien)."""
    keys = [_fold(m.group()) for m in _ATOM.finditer(name)]
    if not keys:
        return ()
    forms: list[tuple[str, ...]] = [tuple(keys[:_LONGEST_NAME])]
    if len(keys) > 1:
        forms.append(("".join(keys),))
    return tuple(forms)


@lru_cache(maxsize=65536)
def _surname_halves(name: str) -> tuple[tuple[str, ...], ...]:
    """Each half of a double-barrelled surname ("Smith-Jones" -> smith, jones), which people also go by."""
    words = _Words(name)
    if HYPHEN not in words.gaps:
        return ()
    halves: list[tuple[str, ...]] = []
    current: list[str] = [words.keys[0]]
    for gap, key in zip(words.gaps, words.keys[1:], strict=True):
        if gap == HYPHEN:
            halves.append(tuple(current))
            current = []
        current.append(key)
    halves.append(tuple(current))
    return tuple(half for half in halves if len("".join(half)) >= 2)


def _compact(value: str) -> str:
    """A postcode or reference with only its letters and digits, folded ("PO2 7QA" -> po27qa)."""
    return "".join(_fold(m.group()) for m in _ATOM.finditer(value))


def _reference_forms(reference: str) -> tuple[str, str]:
    """A reference, and its number without the scheme code in front ("PMH-2026-0042" -> pmh20260042, 20260042).

    Either is empty when too short to be told apart from ordinary numbers.
    """
    runs = [_fold(m.group()) for m in _ATOM.finditer(reference)]
    full = "".join(runs)
    number = "".join(runs[1:]) if len(runs) >= 3 and runs[0].isalpha() else ""
    return (full if len(full) >= 4 else "", number if len(number) >= 6 else "")


_PLAIN_REFERENCE_NUMBER = re.compile(r"^[a-z]+-((?:[a-z0-9]+-)+[a-z0-9]+)$", re.MULTILINE)


def _postcodes(stored: list[str]) -> set[str]:
    """The full postcodes among the stored ones, as ``_compact`` writes them."""
    # Stored postcodes are nearly always plain ASCII: then one pass over them all, in C, does what _compact does.
    joined = "\n".join(stored).replace(" ", "").replace("-", "").lower()
    letters = joined.replace("\n", "")
    codes = set(joined.split("\n")) if letters.isascii() and letters.isalnum() else set(map(_compact, stored))
    return {code for code in codes if len(code) >= 5}


def _references(stored: list[str]) -> tuple[set[str], set[str]]:
    """The stored references and their numbers, as ``_reference_forms`` writes them."""
    joined = "\n".join(stored).lower()
    letters = joined.replace("-", "").replace("\n", "")
    if letters.isascii() and letters.isalnum() and "--" not in joined and "\n-" not in joined and "-\n" not in joined:
        fulls = set(joined.replace("-", "").split("\n"))
        numbers = {number.replace("-", "") for number in _PLAIN_REFERENCE_NUMBER.findall(joined)}
    else:
        forms = [_reference_forms(reference) for reference in stored]
        fulls, numbers = {full for full, _ in forms}, {number for _, number in forms}
    return {full for full in fulls if len(full) >= 4}, {number for number in numbers if len(number) >= 6}


# ---------------------------------------------------------------------------------------------------------------
# The scheme's families, as far as the text needs them
# ---------------------------------------------------------------------------------------------------------------


class _Scheme:
    """The scheme's names that occur in the text, and all its postcodes and references, as sets."""

    def __init__(self, words: _Words, scheme_id: int) -> None:
        vocabulary = set(words.keys)
        vocabulary.update(key[:-1] for key in words.keys if key.endswith("s"))
        vocabulary.update(key[:-2] for key in words.keys if key.endswith("es"))

        def present(forms: Iterable[tuple[str, ...]]) -> list[tuple[str, ...]]:
            return [form for form in forms if all(key in vocabulary for key in form)]

        # Names repeat across a scheme (Smith, Grace): each distinct stored name is looked at once per call, and
        # the per-row work is set and dict look-ups.
        families = list(
            Family.objects.filter(scheme_id=scheme_id)
            .order_by()
            .values_list("pk", "family_name", "postcode", "reference")
        )
        members = list(
            HouseholdMember.objects.filter(family__scheme_id=scheme_id)
            .order_by()
            .values_list("family_id", "first_name", "last_name")
        )
        surnames_of = {
            name: forms
            for name in {row[1] for row in families} | {row[2] for row in members}
            if (forms := present(_name_forms(name)) + present(_surname_halves(name)))
        }
        firsts_of = {name: forms for name in {row[1] for row in members} if (forms := present(_name_forms(name)))}

        self.first_names: set[tuple[str, ...]] = set().union(*firsts_of.values())
        self.surnames: set[tuple[str, ...]] = set().union(*surnames_of.values())
        self.full_names: set[tuple[tuple[str, ...], tuple[str, ...]]] = set()
        if firsts_of:
            family_names = {pk: surnames_of[name] for pk, name, _, _ in families if name in surnames_of}
            for family_id, first_name, last_name in members:
                if first_name in firsts_of:
                    lasts = surnames_of.get(last_name, []) + family_names.get(family_id, [])
                    self.full_names.update((first, last) for first in firsts_of[first_name] for last in lasts)

        self.postcodes = _postcodes([row[2] for row in families])
        self.references, self.reference_numbers = _references([row[3] for row in families])
        self.longest = max((len(form) for form in self.first_names | self.surnames), default=1)

    def is_first_name(self, form: tuple[str, ...]) -> bool:
        return form in self.first_names or (len(form) == 1 and form[0] in COMMON_FIRST_NAMES)


# ---------------------------------------------------------------------------------------------------------------
# The search
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Match:
    start: int  # first word
    end: int  # one past the last word
    kind: str


def _is_ordinary(form: tuple[str, ...]) -> bool:
    return len(form) == 1 and form[0] in ORDINARY_WORDS


def _compact_matches(words: _Words, scheme: _Scheme) -> Iterable[_Match]:
    """Postcodes and references: runs of words that, with their separators dropped, spell one."""
    if not (scheme.postcodes or scheme.references or scheme.reference_numbers):
        return
    for i in range(len(words)):
        if not words.may_start(i):
            continue
        # "WIN-2026-0001" is another scheme's reference, not the number of this scheme's PMH-2026-0001.
        coded = i > 0 and words.gaps[i - 1] in _CODE_TO_NUMBER and words.keys[i - 1].isalpha()
        value = ""
        for j in range(i, len(words)):
            if j > i and words.gaps[j - 1] not in _COMPACT_INSIDE:
                break
            value += words.keys[j]
            if len(value) > _LONGEST_VALUE:
                break
            if value in scheme.postcodes:
                yield _Match(i, j + 1, POSTCODE)
            if value in scheme.references or (value in scheme.reference_numbers and not coded):
                yield _Match(i, j + 1, REFERENCE)


def _name_matches(words: _Words, scheme: _Scheme) -> Iterable[_Match]:
    """Full names and family names (see the module docstring for the rules)."""
    n = len(words)
    firsts_ending: dict[int, list[int]] = defaultdict(list)  # end -> starts of first names
    firsts_starting: dict[int, list[int]] = defaultdict(list)  # start -> ends of first names
    surnames: list[tuple[int, int]] = []
    longest = max(scheme.longest, 1)
    for i in range(n):
        if not words.may_start(i):
            continue
        for j in range(i + 1, min(n, i + longest) + 1):
            if j - i > 1 and words.gaps[j - 2] not in _NAME_INSIDE:
                break
            if not words.may_end(j):
                continue
            form = tuple(words.keys[i:j])
            if scheme.is_first_name(form):
                firsts_ending[j].append(i)
                firsts_starting[i].append(j)
            if form in scheme.surnames:
                surnames.append((i, j))

    def first_counts(i: int, j: int) -> bool:
        """A first name or title vouches for the surname beside it unless it is an ordinary word in lower case."""
        return not _is_ordinary(tuple(words.keys[i:j])) or words.capitalised(i)

    for i, j in surnames:
        surname = tuple(words.keys[i:j])
        unusual = not _is_ordinary(surname)
        capital = words.capitalised(i)
        leading_capital = capital and not words.starts_sentence(i)

        # "Grace Okafor", "Tom Green", "grace.okafor"
        if i > 0 and words.gaps[i - 1] in _FIRST_TO_SURNAME:
            for start in firsts_ending.get(i, []):
                if (tuple(words.keys[start:i]), surname) in scheme.full_names:
                    yield _Match(start, j, FULL_NAME)
                elif unusual or (capital and first_counts(start, i)):
                    yield _Match(start, j, FAMILY_NAME)
        # "Okafor, Grace"
        if j < n and words.gaps[j - 1] == COMMA:
            for end in firsts_starting.get(j, []):
                if unusual or (leading_capital and first_counts(j, end)):
                    full = (tuple(words.keys[j:end]), surname) in scheme.full_names
                    yield _Match(i, end, FULL_NAME if full else FAMILY_NAME)
        # "Mrs Okafor", "Mr. Green"
        if i > 0 and words.keys[i - 1] in TITLES and words.gaps[i - 1] in _TITLE_TO_SURNAME and words.may_start(i - 1):
            if unusual or (capital and first_counts(i - 1, i)):
                yield _Match(i - 1, j, FAMILY_NAME)
        # "the Okafor family", "Okafor's kids"
        after = j + 1 if j < n and words.keys[j] == "s" and words.gaps[j - 1] == APOSTROPHE else j
        if after < n and words.gaps[after - 1] == SPACE and words.keys[after] in FAMILY_WORDS:
            if unusual or leading_capital:
                yield _Match(i, after + 1, FAMILY_NAME)
        # "the Okafor's"
        if after > j and i > 0 and words.keys[i - 1] == "the" and words.gaps[i - 1] == SPACE:
            if unusual or capital:
                yield _Match(i - 1, after, FAMILY_NAME)

    # "the Okafors", "the Greens", "the Joneses"
    for i in range(1, n):
        key = words.keys[i]
        if (
            words.keys[i - 1] != "the"
            or words.gaps[i - 1] != SPACE
            or not key.endswith("s")
            or not words.may_end(i + 1)
        ):
            continue
        for stem in {key[:-1], key[:-2] if key.endswith("es") else ""}:
            if stem and (stem,) in scheme.surnames and (not _is_ordinary((stem,)) or words.capitalised(i)):
                yield _Match(i - 1, i + 1, FAMILY_NAME)
                break


_PRIORITY = {REFERENCE: 0, POSTCODE: 1, FULL_NAME: 2, FAMILY_NAME: 3}


def family_identifiers_in(text: str, *, scheme_id: int) -> list[Finding]:
    """Every stretch of text that identifies a family of the scheme (in order of appearance, no duplicates). Never raises.

    Where two findings overlap, the one that starts first (then the longer, then the more specific) is reported,
    so each stretch of text is named once: "Grace Okafor family" reports "Grace Okafor".
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    words = _Words(text)
    if not len(words):
        return []
    scheme = _Scheme(words, scheme_id)
    matches = sorted(
        [*_compact_matches(words, scheme), *_name_matches(words, scheme)],
        key=lambda m: (m.start, -m.end, _PRIORITY[m.kind]),
    )
    findings: list[Finding] = []
    seen: set[Finding] = set()
    covered = 0
    for match in matches:
        if match.start < covered:
            continue
        covered = match.end
        finding = Finding(kind=match.kind, words=words.words(match.start, match.end))
        if finding not in seen:
            seen.add(finding)
            findings.append(finding)
    return findings


_SHOWN = 10  # words quoted in one message; the rest are counted


def refusal_message(findings: Sequence[Finding]) -> str:
    """Plain-English message naming the words, e.g.: 'These words identify a family: “Grace Okafor”, “PO2 7QA”. Families are discussed one at a time only in one-to-one supervision: remove them and save the notes again.'"""
    shown: list[str] = []
    for finding in findings:
        words = " ".join(finding.words.split())
        if words not in shown:
            shown.append(words)
    if not shown:
        return ""
    quoted = ", ".join(f"“{words}”" for words in shown[:_SHOWN])
    if len(shown) > _SHOWN:
        quoted += f" and {len(shown) - _SHOWN} more"
    return (
        f"These words identify a family: {quoted}. Families are discussed one at a time only in one-to-one "
        "supervision: remove them and save the notes again."
    )
