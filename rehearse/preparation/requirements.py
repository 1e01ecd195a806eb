"""Requirements from a job description: short phrases, each with the sentence it came from.

A job description mixes what the employer asks for (duties, skills, qualifications) with what it
offers (salary, leave, pension) and what every posting says ("equal opportunity employer"). The
text is first cut into lines and sections; sections and sentences about the offer, the company or
how to apply are left out. Each remaining sentence is parsed with spaCy: a verb with its object
("administer medication safely") and the noun phrases that are not part of one ("NMC registration")
become the requirements, with generic lead-ins ("experience of", "strong", "ability to") dropped.

Three ways of cutting phrases are measured on eval/jobs/ by :mod:`rehearse.evaluation.preparation_evaluation`:
``"learned"`` (shipped since issue 17: :mod:`rehearse.preparation.requirement_model` scores many
candidate phrases, these rules' among them, with a model trained on nineteen parts, each one
writer's postings; it found more and listed less noise on postings by writers it was not trained on), ``"rules"`` (the
parse above) and ``"yake"`` (YAKE! keyphrases from the same sentences).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import lru_cache

from spacy.lang.en.stop_words import STOP_WORDS

METHODS = ("learned", "rules", "yake")
# Headings whose section is about the offer, the company or applying, never a requirement.
SKIPPED_HEADING = re.compile(
    r"\b(about us|who we are|our company|the company|what we offer|we offer|benefits?|perks|rewards?"
    r"|salary|pay|package|how to apply|to apply|application|closing date|why join|why work)\b",
    re.IGNORECASE,
)
# Sentences any posting carries: pay, leave, perks, equal opportunities, how to apply.
BOILERPLATE = re.compile(
    r"\b(salary|salaries|£|\$|€|per annum|pension|annual leave|days? holiday|holidays? (?:a|per)"
    r"|bonus|discount|perks?|benefits?|allowance|overtime|parking|canteen|insurance|share options"
    r"|equal opportunit\w*|diversity|inclusion|inclusive|all backgrounds|disabled candidates"
    r"|apply\b|applications?|cover letter|closing date|visits? to|welcomed|hybrid|flexible working"
    r"|remote working|accommodation|tips|nursery|cycle to work|refer-a-friend|lunch|free products"
    r"|four-day week|dog-loving|learning budget|study support|company van|fuel card|car allowance"
    r"|we pay for|dbs check)\b",
    re.IGNORECASE,
)
BULLET = re.compile(r"^\s*(?:[-*•·▪–—]|\d{1,2}[.)])\s+")
# Prose that speaks of the candidate's work, not of the company.
_ABOUT_THE_ROLE = re.compile(
    r"\b(you will|you'll|you have|you are|you must|you should|the successful candidate|this role will"
    r"|the post ?holder)\b",
    re.IGNORECASE,
)
# Words that introduce a requirement without being it ("strong experience of", "ability to").
GENERIC_WORDS = frozenset(
    {
        "experience", "experienced", "ability", "able", "knowledge", "skill", "skills", "understanding",
        "familiarity", "strong", "excellent", "good", "proven", "solid", "sound", "great", "previous",
        "current", "demonstrable", "demonstrated", "working", "relevant", "effective", "clear", "high",
        "highest", "professional", "year", "years", "least", "ideally", "including", "such", "etc",
        "role", "job", "candidate", "team", "work", "new", "way", "range", "level", "wide", "well",
        "commitment", "track", "record", "plus", "essential", "desirable", "nice", "confident",
        "similar", "equivalent", "appropriate", "related", "various", "own", "others", "colleagues",
        "ensure", "make", "sure", "help", "support", "take", "part", "use", "using", "act",
    }
)  # fmt: skip
# Terms that open with a word spaCy counts as a stop word: trimmed, "first aid certificate" read "aid certificate".
_TERM_OPENINGS = frozenset(
    {
        ("first", "aid"),
        ("back", "office"),
        ("front", "office"),
        ("front", "desk"),
        ("front", "line"),
        ("first", "line"),
    }
)
# Asides that only qualify a duty: "in line with policy", "(QTS)", "such as SAP".
_DETAILS = re.compile(r"\s*(?:\bin line with [^,.;]*|\([^)]*\)|,?\s*\bsuch as [^,.;]*)", re.IGNORECASE)
_PARTNER_PREPS = frozenset({"with", "to", "for", "on"})
# Verbs too general to make a requirement of ("ensure", "support"): their object alone may be one.
GENERIC_VERBS = frozenset(
    {
        "ensure",
        "make",
        "help",
        "support",
        "take",
        "use",
        "act",
        "have",
        "be",
        "join",
        "include",
        "get",
        "find",
        "turn",
    }
)
_NUMBER = re.compile(r"^\d[\d,.%]*$")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9+#/'-]*")
# The longest phrase kept, in words: longer objects are cut after their head noun.
MAX_PHRASE_WORDS = 8


@dataclass(frozen=True)
class Requirement:
    """``text`` is a short phrase the candidate can prepare a story for; ``evidence`` its sentence."""

    text: str
    evidence: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ExtractionOptions:
    """``method``: "learned" (candidates scored by a model trained on labelled postings), "rules" (the
    spaCy parse below) or "yake" (keyphrases); ``max_requirements``: list length cap."""

    method: str = "learned"
    max_requirements: int = 40


def extract_requirements(text: str, *, options: ExtractionOptions | None = None) -> list[Requirement]:
    """The requirements of a job description (already checked with ``check_text``), in reading order."""
    options = options or ExtractionOptions()
    if options.method not in METHODS:
        from rehearse.errors import ParameterError

        raise ParameterError(
            f"Unknown extraction method {options.method!r}; use one of {', '.join(METHODS)}."
        )
    if options.method == "learned":
        from rehearse.preparation.requirement_model import learned_phrases

        return distinct(learned_phrases(text))[: options.max_requirements]
    sentences = requirement_sentences(text)
    if options.method == "yake":
        found = _yake_phrases(sentences)
    else:
        found = [(phrase, sentence) for sentence in sentences for phrase, _ in rule_phrases(sentence)]
    return distinct(found)[: options.max_requirements]


def distinct(found: list[tuple[str, str]]) -> list[Requirement]:
    """Requirements from (phrase, sentence) pairs, a phrase with the words of an earlier one left out."""
    requirements: list[Requirement] = []
    seen: set[frozenset[str]] = set()
    for phrase, sentence in found:
        key = frozenset(content_stems(phrase))
        if not key or key in seen:
            continue
        seen.add(key)
        requirements.append(Requirement(text=phrase, evidence=sentence))
    return requirements


def requirement_sentences(text: str) -> list[str]:
    """The sentences of a job description that ask something of the candidate, in order."""
    sentences: list[str] = []
    skipping = False
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line:
            continue
        is_bullet = bool(BULLET.match(line))
        line = BULLET.sub("", line).strip()
        if BOILERPLATE.search(line):
            continue
        label, _, rest = line.partition(":")
        if rest.strip() and len(label.split()) <= 4 and not is_bullet:
            # "Nice to have: Docker" or "Salary: £30,000": a heading and its content on one line.
            skipping = bool(SKIPPED_HEADING.search(label))
            line, is_bullet = rest.strip(), True
        elif is_heading(line, is_bullet):
            skipping = bool(SKIPPED_HEADING.search(line))
            continue
        if skipping:
            continue
        for sentence in split_sentences(line):
            if BOILERPLATE.search(sentence):
                continue
            if is_bullet or _ABOUT_THE_ROLE.search(sentence) or _starts_with_a_duty(sentence):
                sentences.append(sentence)
    return sentences


def is_heading(line: str, is_bullet: bool) -> bool:
    if is_bullet:
        return False
    return line.endswith(":") or (len(line.split()) <= 6 and not line.endswith((".", "!", "?")))


def split_sentences(line: str) -> list[str]:
    return [part.strip() for part in re.split(r"(?<=[.!?])\s+(?=[A-Z])", line) if part.strip()]


def _starts_with_a_duty(sentence: str) -> bool:
    """Prose in the imperative or the infinitive ("Lead a team of…", "To develop policy…")."""
    doc = parse(sentence)
    first = next((token for token in doc if not token.is_punct), None)
    if first is None:
        return False
    if first.lower_ == "to" and len(doc) > 1 and doc[1].tag_ == "VB":
        return True
    return first.tag_ == "VB" or (first.pos_ == "VERB" and first.i == 0 and first.tag_ in {"VB", "VBP"})


def rule_phrases(sentence: str) -> list[tuple[str, bool]]:
    # A bullet starts with its verb: lower case keeps the tagger from reading "Plan" as a name.
    sentence = _DETAILS.sub("", sentence)
    doc = parse_duty(sentence[:1].lower() + sentence[1:] if sentence[1:2].islower() else sentence)
    phrases: list[tuple[int, int, bool]] = []
    covered: set[int] = set()
    for token in doc:
        if token.pos_ != "VERB" or token.lemma_.lower() in GENERIC_VERBS:
            continue
        objects = [child for child in token.children if child.dep_ in {"dobj", "obj"}]
        if (objects and objects[0].pos_ == "PRON") or _is_purpose(token):
            continue
        if objects:
            end = _object_end(objects[0])
        else:
            # "Communicate with patients", "Report on income": the verb and its partner; not a verb that
            # only describes a noun ("engineers working on our platform").
            preps = [
                child
                for child in token.children
                if child.dep_ == "prep" and child.lower_ in _PARTNER_PREPS and token.dep_ != "acl"
            ]
            objects = [child for prep in preps[:1] for child in prep.children if child.dep_ == "pobj"]
            if not objects:
                continue
            end = _object_end(objects[0])
        end = _prepositional_end(token, end, objects[0].i)
        start = _leading_verbs(doc, _first_verb_sharing(token).i)
        phrases.append((start, end, True))
        covered.update(range(start, end))
    for chunk in doc.noun_chunks:
        tokens = [token for token in chunk if token.i not in covered]
        if len(tokens) < len(chunk) or _is_detail(chunk):
            continue
        kept = _trim(chunk)
        if kept is not None and kept[1] - kept[0] == 1 and _is_common_word(doc[kept[0]]):
            continue
        if kept is not None:
            # A bullet the tagger read as one noun phrase may still open with its verb ("Plan staff rotas").
            opening = kept[0] == (1 if doc[0].lower_ == "you" else 0)
            phrases.append((*kept, opening and starts_with_a_verb(doc[kept[0] : kept[1]].text)))
            covered.update(range(*kept))
    texts = []
    for start, end, duty in sorted(phrases):
        text = tidy_phrase(doc[start:end].text)
        if content_stems(text):
            texts.append((text, duty))
    return texts


def _is_purpose(verb) -> bool:
    """A verb that only says what a duty is for: "Plan staff rotas to match footfall"."""
    return verb.dep_ == "advcl" and any(child.lower_ == "to" for child in verb.children)


def _is_common_word(token) -> bool:
    """A lone everyday noun in a longer duty ("pupils", "equipment") rather than a skill named on its own
    line ("Strong copywriting skills", "Excel", "TUPE")."""
    if token.dep_ == "ROOT" or (token.head.dep_ == "ROOT" and token.head.lower_ in GENERIC_WORDS):
        return False
    return token.text.islower() and "-" not in token.text


def _is_detail(chunk) -> bool:
    """A noun phrase that only qualifies a duty: its subject, a setting ("for a bay of eight patients",
    "in line with policy"), an example ("such as SAP") or an abbreviation in brackets."""
    root = chunk.root
    while root.dep_ == "conj" and root.head.i != root.i:
        root = root.head
    if root.dep_ in {"nsubj", "nsubjpass"}:
        return True
    if chunk.start > 0 and chunk.doc[chunk.start - 1].text == "(":
        return True
    head = root.head
    if root.dep_ == "pobj" and head.dep_ == "prep":
        if head.lower_ == "as" and head.i > 0 and head.doc[head.i - 1].lower_ == "such":
            return True
        anchor = head.head
        while anchor.dep_ in {"pobj", "prep"} and anchor.head.i != anchor.i:
            anchor = anchor.head
        return anchor.pos_ in {"VERB", "AUX"} or anchor.lower_ == "line"
    return False


def parse_duty(sentence: str):
    """The parse of a bullet; one that opens with a verb the tagger read as a noun ("Plan and deliver
    lessons", "Cater for events") is parsed after "You", which makes the verb plain to it."""
    doc = parse(sentence)
    first = doc[0]
    if (
        first.pos_ in {"NOUN", "PROPN"}
        and first.dep_ == "ROOT"
        and first.tag_ in {"NN", "NNP"}
        and first.lower_ not in GENERIC_WORDS  # "Experience in a community pharmacy" is a lead-in
    ):
        again = parse("You " + sentence)
        if len(again) > 1 and again[1].pos_ == "VERB":
            return again
    return doc


def _leading_verbs(doc, start: int) -> int:
    """Take in the verbs a sentence opens with that the tagger read as nouns: "Design, build and maintain"."""
    while (
        start >= 2
        and doc[start - 1].lower_ in {",", "and", "or"}
        and doc[start - 2].pos_ in {"NOUN", "VERB", "PROPN"}
    ):
        if start - 2 > 0 and doc[start - 3].lower_ not in {",", "and", "or"}:
            break
        start -= 2
    return start


def _first_verb_sharing(verb):
    """The first of coordinated verbs sharing one object: "Lead, coach and motivate a team"."""
    first = verb
    while first.dep_ == "conj" and first.head.pos_ == "VERB":
        if any(child.dep_ in {"dobj", "obj"} for child in first.head.children):
            break
        first = first.head
    return first


def _object_end(head) -> int:
    """Where the object ends: after its noun phrase and the phrase right after it ("improvements to machine
    reliability"), at most MAX_PHRASE_WORDS words: a piece left out would count as a requirement of its own."""
    end = head.i + 1
    for child in head.children:
        if child.dep_ in {"conj", "cc"} and child.i > head.i:
            end = max(end, subtree_end(child))
        if child.dep_ == "prep" and child.i == end:
            end = subtree_end(child)
    return min(end, head.i + MAX_PHRASE_WORDS)


def _prepositional_end(verb, end: int, head: int) -> int:
    """Take in a phrase the verb governs right after its object: "record all work in the maintenance system"."""
    for child in verb.children:
        if child.dep_ == "prep" and child.i == end:
            end = subtree_end(child)
    return min(end, head + MAX_PHRASE_WORDS)


def subtree_end(token) -> int:
    """The index just after the last token ``token`` governs."""
    return max(child.i for child in token.subtree) + 1


def _trim(chunk) -> tuple[int, int] | None:
    kept = _trim_words(chunk)
    if kept is None:
        return None
    # "Diploma in Health and Social Care", "registration with the GPhC": one requirement.
    end = kept[1]
    for child in chunk.root.children:
        # Alternatives are one requirement ("apprenticeship or HNC", "ACCA or CIMA"): two phrases would be noise.
        if child.dep_ == "conj" and chunk.doc[child.i - 1].lower_ == "or" and child.i == end + 1:
            end = subtree_end(child)
    for child in chunk.root.children:
        if child.dep_ == "prep" and child.lower_ in {"of", "in", "with"} and child.i == end:
            end = min(subtree_end(child), kept[0] + MAX_PHRASE_WORDS)
    return kept[0], end


def is_droppable_opener(token) -> bool:
    """Whether a phrase reads as well without this first word: a determiner, a generic word or a number,
    but not the first word of a fixed term, which spaCy counts as a stop word ("first aid")."""
    following = token.doc[token.i + 1].lower_ if token.i + 1 < len(token.doc) else ""
    if (token.lower_, following) in _TERM_OPENINGS:
        return False
    return token.is_stop or token.lower_ in GENERIC_WORDS or token.like_num


def _trim_words(chunk) -> tuple[int, int] | None:
    """The chunk without its determiner, generic words and numbers; None when nothing is left."""
    tokens = list(chunk)
    while tokens and (is_droppable_opener(tokens[0]) or tokens[0].is_punct):
        tokens.pop(0)
    while tokens and tokens[-1].lower_ in GENERIC_WORDS:  # "Advanced Excel skills" → "Advanced Excel"
        tokens.pop()
    if not tokens or tokens[-1].pos_ == "PRON":
        return None
    if all(token.is_stop or token.lower_ in GENERIC_WORDS for token in tokens):
        return None
    return tokens[0].i, tokens[-1].i + 1


def tidy_phrase(text: str) -> str:
    return re.sub(r"\s+([,.;:])", r"\1", text).strip(" ,.;:-")


def _yake_phrases(sentences: list[str]) -> list[tuple[str, str]]:
    import yake

    if not sentences:
        return []
    extractor = yake.KeywordExtractor(lan="en", n=3, dedupLim=0.7, top=max(5, int(len(sentences) * 1.5)))
    keywords = [phrase for phrase, _ in extractor.extract_keywords("\n".join(sentences))]
    found = []
    for phrase in keywords:
        sentence = next((sentence for sentence in sentences if phrase.lower() in sentence.lower()), None)
        if sentence is not None:
            found.append((phrase, sentence))
    order = {sentence: index for index, sentence in enumerate(sentences)}
    return sorted(found, key=lambda item: order[item[1]])


def content_stems(text: str) -> list[str]:
    """The words of ``text`` that carry meaning, cut to a crude stem ("managing", "management" → "manag")."""
    stems = []
    for word in _WORD.findall(text):
        word = word.strip("'-/")
        # An abbreviation ("IT", "HR") is a word of its own, not the pronoun "it".
        if is_abbreviation(word):
            stems.append(stem(word))
            continue
        word = word.lower()
        if not word or word in STOP_WORDS or word in GENERIC_WORDS or _NUMBER.match(word):
            continue
        stems.append(stem(word))
    return stems


def is_abbreviation(word: str) -> bool:
    """A word in capitals of two letters or more: "IT", "HR", "GCSE"."""
    return len(word) > 1 and word.isupper()


_SUFFIXES = ("ership", "ments", "ment", "ings", "ing", "ions", "ion", "ers", "er", "ed", "es", "s")


@lru_cache(maxsize=65536)  # the coverage matrix stems every answer's words against every requirement
def stem(word: str) -> str:
    """A crude stem: the first five letters once a common ending is cut ("leading", "leadership" → "lead")."""
    word = word.lower()
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)]
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word[:5]


def starts_with_a_verb(phrase: str) -> bool:
    """Whether a phrase reads as something the candidate does ("plan staff rotas")."""
    words = phrase.split(maxsplit=1)
    # An abbreviation ("CSCS card", "GCSE maths") is not a verb, whatever the small parse makes of it.
    if not words or is_abbreviation(words[0]):
        return False
    doc = parse("You " + lower_first(phrase))
    return len(doc) > 1 and doc[1].pos_ == "VERB" and doc[1].tag_ in {"VB", "VBP"}


def lower_first(phrase: str) -> str:
    """ "Manage a budget" as it reads inside a sentence; "SQL", "B2B" and "NMC" keep their capitals."""
    words = phrase.split(maxsplit=1)
    return phrase[:1].lower() + phrase[1:] if words and words[0][1:].islower() else phrase


@lru_cache(maxsize=1)
def _language_model():
    from rehearse.analysis.example import load_language_model

    return load_language_model()


@lru_cache(maxsize=2048)
def parse(sentence: str):
    """spaCy's parse of one sentence, kept for the sentences seen most recently."""
    return _language_model()(sentence)


def merge_requirements(requirements: list[Requirement], indices: list[int]) -> list[Requirement]:
    """Join the requirements at ``indices`` into one, where the first of them stood."""
    chosen = sorted(set(indices))
    if len(chosen) < 2:
        return list(requirements)
    parts = [requirements[index] for index in chosen]
    evidence = " ".join(dict.fromkeys(part.evidence for part in parts if part.evidence))
    merged = Requirement(" and ".join(part.text for part in parts), evidence)
    kept = [requirement for index, requirement in enumerate(requirements) if index not in chosen[1:]]
    kept[chosen[0]] = merged
    return kept
