"""Silver section benchmark: the section kinds a JATS XML states, against trialex's sections of
the plain-text rendering of the same article (and of trialex's own text of the XML).

    python bench/sections_silver.py                     # both forms, summary
    python bench/sections_silver.py --form txt --worst 15 --show 20
    python bench/sections_silver.py --form jats --json
    python OLD/bench/sections_silver.py --rules src/trialex/resources   # an older splitter,
                                                                        # today's silver kinds

``../shared/corpus/pmc_oa_oncology`` holds, for each article, ``nxml/PMCn.nxml`` and the PMC
plain-text rendering ``txt/PMCn.txt``. The XML says what every block is:

* the article title is ``front_matter``; every ``<abstract>``/``<trans-abstract>`` block is
  ``abstract`` (author highlights are ``key_points``);
* a top-level ``<sec>`` of the body or back takes the kind its title names by trialex's own
  heading rules, else the kind of its ``sec-type`` (the title first: PLOS tags a "Discussion"
  ``sec-type="conclusions"``); a nested ``<sec>`` takes its parent's kind
  (GUIDELINES §5: subsections belong to their parent), except that a section titled as back
  matter keeps that kind outside the abstract and the methods ("Conflicts of interest" under
  "Conclusions" or inside ``<ack>`` is ``references``); a note opening with a back-matter
  label ("Funding: ...") or typed
  ``fn-type="financial-disclosure"`` is ``acknowledgments``;
  a top-level section whose kind neither says (a "Case presentation") is *undetermined* and
  not scored;
* ``<table-wrap>`` (caption, cells, footnotes) is ``table``; ``<fig>`` captions and
  ``<supplementary-material>`` outside a supplementary section are ``other``;
* ``<ack>`` is ``acknowledgments``; ``<ref-list>``, ``<fn-group>``, ``<notes>`` and
  ``<glossary>`` are ``references`` (GUIDELINES §5: author notes, disclosures, contributions);
  ``<app>`` is ``other`` unless its title names a kind.

Each block (title, paragraph, list, table, caption) is located in the text by its normalised
characters (letters and digits, case-folded): its first 40 from where the previous block ended,
else anywhere when they occur once (in the text and among the blocks); its end by its last 40,
else where it stops matching character for character. The share of blocks (and of their
characters) located is reported. Located blocks are scored against the kinds of
:func:`trialex.sections.split_sections` per character (the confusion matrix is per character)
and per block (the kind holding most of its characters). Corpus copies of the gold-dev check
documents are skipped; only figures, file names and (with ``--show``) block openings of
non-check documents are printed.
"""

from __future__ import annotations

import argparse
import bisect
import json
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))

from _split import is_check_copy  # noqa: E402
from lxml import etree  # noqa: E402

from trialex.jats import BLOCKS, inline_text, jats_to_text, local, parse_xml  # noqa: E402
from trialex.records import Section  # noqa: E402
from trialex.sections import SectionRules, default_rules, split_sections  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "corpus" / "pmc_oa_oncology"
ANCHOR = 40  # normalised characters that locate a block's start (and its end)
TITLE_WINDOW = 400  # a short block (a title) is only looked for this close after the last one
SHORT = 12  # blocks with fewer normalised characters are short
MIN_BLOCK = 4  # blocks with fewer normalised characters are not located at all

# sec-type tokens (JATS 1.x recommended values and what publishers write)
SEC_TYPES = {
    "intro": "introduction",
    "introduction": "introduction",
    "background": "introduction",
    "objective": "introduction",
    "objectives": "introduction",
    "methods": "methods",
    "method": "methods",
    "materials": "methods",
    "materials and methods": "methods",
    "subjects": "methods",
    "results": "results",
    "discussion": "discussion",
    "conclusions": "conclusion",
    "conclusion": "conclusion",
    "supplementary-material": "references",
    "coi-statement": "references",
    "conflict": "references",
    "disclosure": "references",
    "data-availability": "references",
    "author-contributions": "references",
    "display-objects": "",  # tables and figures only: their own kinds
}
NOTE_TAGS = frozenset({"ref-list", "fn-group", "notes", "glossary"})
UNDETERMINED = "?"
BACK_KINDS = frozenset({"acknowledgments", "references", "boilerplate"})


@dataclass(frozen=True)
class Block:
    kind: str  # a section kind, "" (the container's own kind is not stated) or UNDETERMINED
    tag: str
    text: str


# ---- the XML's blocks -----------------------------------------------------------------------


def sec_type_kind(node: etree._Element) -> str | None:
    value = (node.get("sec-type") or node.get("notes-type") or "").strip().lower()
    if not value:
        return None
    kinds = {SEC_TYPES.get(token.strip()) for token in value.split("|")}
    kinds.discard(None)
    if len(kinds) == 1:
        return kinds.pop()
    if kinds == {"results", "discussion"}:
        return "results"  # "Results and Discussion": trialex's heading rules say results
    return None


def _title(node: etree._Element) -> str:
    for child in node:
        if local(child) == "title":
            return inline_text(child)
    return ""


_TITLE_RULES: list[SectionRules] = []


def title_rules() -> SectionRules:
    """The heading rules that read the XML's titles: trialex's own, or those of ``--rules``
    (to score another version of the splitter against the same silver kinds)."""
    return _TITLE_RULES[0] if _TITLE_RULES else default_rules()


def use_title_rules(folder: Path) -> None:
    rules = SectionRules()
    for path in sorted(folder.glob("*/sections.json")):
        rules.add(json.loads(path.read_text(encoding="utf-8")), str(path))
    _TITLE_RULES[:] = [rules]


def title_kind(title: str) -> str | None:
    if not title:
        return None
    rule, _ = title_rules().heading(title)
    return rule.kind if rule is not None else None


def blocks_of(root: etree._Element) -> list[Block]:
    """The article's blocks in reading order with the kind the XML states."""
    out: list[Block] = []
    front = next((c for c in root if local(c) == "front"), None)
    meta = (
        next((c for c in front if local(c) == "article-meta"), None) if front is not None else None
    )
    if meta is not None:
        for node in meta.iter():
            if local(node) == "article-title":
                out.append(Block("front_matter", "title", inline_text(node)))
                break
        for node in meta:
            if local(node) in {"abstract", "trans-abstract"}:
                kind = (
                    "key_points" if "highlight" in (node.get("abstract-type") or "") else "abstract"
                )
                _walk(node, kind, out, top=False)
    for child in root:
        tag = local(child)
        if tag == "body":
            _walk(child, UNDETERMINED, out, top=True)
        elif tag in {"floats-group", "floats-wrap"}:
            _walk(child, "other", out, top=False)
        elif tag == "back":
            _walk(child, UNDETERMINED, out, top=True, back=True)
    return out


def _walk(
    parent: etree._Element, kind: str, out: list[Block], *, top: bool, back: bool = False
) -> None:
    for node in parent:
        tag = local(node)
        if not tag or tag in {"label", "sec-meta", "graphic", "media", "alt-text", "object-id"}:
            continue
        if tag == "title":
            out.append(Block(kind, "title", inline_text(node)))
        elif tag in {"sec", "app", "ack", "notes", "bio", *NOTE_TAGS} and (top or back):
            own = _container_kind(node, tag)
            if own is None:
                own = kind if not top else UNDETERMINED
            _walk(node, own, out, top=False, back=False)
        elif (
            tag in {"sec", "notes"}
            and kind not in {"abstract", "methods"}
            and title_kind(_title(node)) in BACK_KINDS
        ):
            # a disclosure, contribution or funding note printed at the end of the body is back
            # matter ("Conflicts of interest" under "Conclusions", GUIDELINES §5: references);
            # under methods ("Ethics statement", "Role of the funding source") it is methods
            _walk(node, title_kind(_title(node)) or kind, out, top=False)
        elif tag in {"sec", "notes"} and kind in BACK_KINDS:
            # under back matter a titled note keeps its own back kind ("Conflict of interest"
            # inside <ack> is a disclosure, GUIDELINES §5: references); in an abstract every
            # part (a "Funding" note too) stays the abstract
            own = title_kind(_title(node))
            _walk(node, own if own in BACK_KINDS else kind, out, top=False)
        elif tag in {"sec", "boxed-text", "app-group", "notes", "statement", "disp-quote"}:
            _walk(node, kind, out, top=False)
        elif tag == "ack":
            _walk(node, "acknowledgments", out, top=False)
        elif tag in NOTE_TAGS:
            _walk_notes(node, "references", out)
        elif tag == "p":
            if kind not in {"abstract", UNDETERMINED, ""}:
                # "Conflict of Interest: None declared." in an <ack>, "Author contributions:
                # ..." closing the conclusions: a back-matter note
                kind_p = note_kind(node, inline_text(node, skip_blocks=True), kind)
                _paragraph(node, kind_p, out)
            else:
                _paragraph(node, kind, out)
        elif tag in {"table-wrap", "table-wrap-group"}:
            out.append(Block("table", "table", _table_text(node)))
        elif tag in {"fig", "fig-group"}:
            for fig in [node] if tag == "fig" else [c for c in node if local(c) == "fig"]:
                out.append(Block("other", "fig", _caption(fig)))
        elif tag == "supplementary-material":
            out.append(
                Block("references" if kind == "references" else "other", "supp", _caption(node))
            )
        elif tag in {"list", "def-list", "disp-formula", "array", "preformat", "verse-group"}:
            out.append(Block(kind, tag, inline_text(node)))
        elif tag == "fn":
            text = inline_text(node)
            out.append(
                Block(note_kind(node, text, kind) if kind in BACK_KINDS else kind, tag, text)
            )
        else:
            text = inline_text(node)
            if text:
                out.append(Block(kind, tag, text))


def _container_kind(node: etree._Element, tag: str) -> str | None:
    if tag == "ack":  # Springer titles an <ack> "Conflict of interest" too
        own = title_kind(_title(node))
        return own if own in BACK_KINDS else "acknowledgments"
    if tag in NOTE_TAGS:
        own = title_kind(_title(node))
        return own or "references"
    if tag == "app":
        return title_kind(_title(node)) or "other"
    # the printed title first: PLOS tags its "Discussion" sec-type="conclusions"
    own = title_kind(_title(node))
    if own is None:
        own = sec_type_kind(node)
    if own == "":
        return "other"
    if own is None and tag == "notes":
        own = "references"
    return own


FN_TYPES = {"financial-disclosure": "acknowledgments", "supported-by": "acknowledgments"}


def note_kind(node: etree._Element, text: str, kind: str) -> str:
    """A note's own kind: its ``fn-type`` ("financial-disclosure" is the funding statement),
    else the back-matter label it opens with ("Funding: ..."), else ``kind``."""
    own = FN_TYPES.get((node.get("fn-type") or "").lower())
    if own is not None:
        return own
    label = title_rules().inline_label(text)
    if label is not None and label[0].kind in BACK_KINDS:
        return label[0].kind
    return kind


def _walk_notes(node: etree._Element, kind: str, out: list[Block]) -> None:
    for child in node:
        tag = local(child)
        if tag == "title":
            out.append(Block(kind, "title", inline_text(child)))
        elif tag in {"fn", "p"}:
            text = inline_text(child)
            out.append(Block(note_kind(child, text, kind), tag, text))
        elif tag in {"ref", "def-item"}:
            out.append(Block(kind, tag, inline_text(child)))
        elif tag in {"ref-list", "fn-group", "def-list", "glossary", "sec"}:
            _walk_notes(child, kind, out)


def _paragraph(node: etree._Element, kind: str, out: list[Block]) -> None:
    """A paragraph; the blocks inside it (tables, figures, lists) follow it."""
    text = inline_text(node, skip_blocks=True)
    if text:
        out.append(Block(kind, "p", text))
    inner = etree.Element("p")
    for child in node:
        if local(child) in BLOCKS and local(child) != "p":
            inner.append(_copy(child))
    _walk(inner, kind, out, top=False)


def _copy(node: etree._Element) -> etree._Element:
    from copy import deepcopy

    return deepcopy(node)


def _caption(node: etree._Element) -> str:
    parts = [inline_text(c) for c in node if local(c) in {"label", "caption"}]
    return " ".join(p for p in parts if p)


def _table_text(node: etree._Element) -> str:
    parts = []
    for child in node.iter():
        tag = local(child)
        parent = child.getparent()
        own = tag in {"label", "caption"} and parent is not None and local(parent) == "table-wrap"
        if own or tag in {"td", "th", "table-wrap-foot"}:
            parts.append(inline_text(child))
    return " ".join(p for p in parts if p)


# ---- location in a text ---------------------------------------------------------------------


def normalised(text: str) -> tuple[str, list[int]]:
    """Letters and digits of ``text`` case-folded, with the offset of each in ``text``."""
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if ch.isalnum():
            low = ch.casefold()
            chars.append(low)
            where.extend([i] * len(low))
    return "".join(chars), where


def norm_only(text: str) -> str:
    return "".join(ch.casefold() for ch in text if ch.isalnum())


def locate(blocks: list[Block], text: str) -> list[tuple[Block, int, int] | None]:
    """Each block's ``(block, start, end)`` in ``text`` (raw offsets), or None when not found."""
    norm, where = normalised(text)
    cursor = 0
    found: list[tuple[Block, int, int] | None] = []
    spans: list[tuple[int, int] | None] = []
    # a block is looked for out of order only when no other block opens the same way (BMC
    # repeats its "Ethics approval" text under "Declarations")
    heads = Counter(norm_only(b.text)[:ANCHOR] for b in blocks)
    for block in blocks:
        nb = norm_only(block.text)
        if len(nb) < MIN_BLOCK:
            spans.append(None)
            continue
        head = nb[:ANCHOR]
        if len(nb) <= SHORT:
            at = norm.find(head, cursor, cursor + TITLE_WINDOW + len(head))
        else:
            at = norm.find(head, cursor)
            if at < 0 and heads[head] == 1:
                first = norm.find(head)
                at = first if first >= 0 and norm.find(head, first + 1) < 0 else -1
                if at >= 0:  # out of order: located, the cursor stays
                    end = _end(norm, nb, at)
                    spans.append((at, end))
                    continue
        if at < 0:
            spans.append(None)
            continue
        end = _end(norm, nb, at)
        spans.append((at, end))
        cursor = end
    for block, span in zip(blocks, spans, strict=True):
        if span is None:
            found.append(None)
            continue
        a, b = span
        found.append((block, where[a], where[b - 1] + 1))
    return found


def _end(norm: str, nb: str, at: int) -> int:
    """Where a block found at ``at`` ends: after its last characters when they follow within
    reach, else after the part of it that matches character for character (a rendering that
    prints only a table's title must not stretch the table over the prose after it)."""
    if len(nb) > ANCHOR:
        tail = nb[-ANCHOR:]
        limit = at + int(len(nb) * 1.3) + 100
        pos = norm.find(tail, at + max(len(nb) - ANCHOR - 50, 0), limit)
        if pos >= 0:
            return pos + ANCHOR
    n = 0
    for a, b in zip(nb, norm[at : at + len(nb)]):  # noqa: B905 - the text may be shorter
        if a != b:
            break
        n += 1
    return at + n


# ---- scoring --------------------------------------------------------------------------------


@dataclass
class Score:
    blocks: int = 0
    located: int = 0
    block_chars: int = 0
    located_chars: int = 0
    scored_blocks: int = 0
    agree_blocks: int = 0
    scored_chars: int = 0
    agree_chars: int = 0
    undetermined_chars: int = 0

    def add(self, other: Score) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def char_accuracy(self) -> float:
        return self.agree_chars / self.scored_chars if self.scored_chars else 1.0

    @property
    def block_accuracy(self) -> float:
        return self.agree_blocks / self.scored_blocks if self.scored_blocks else 1.0


def overlaps(
    sections: list[Section], starts: list[int], a: int, b: int
) -> Iterator[tuple[str, int]]:
    k = max(bisect.bisect_right(starts, a) - 1, 0)
    while k < len(sections) and sections[k].start < b:
        s = sections[k]
        n = min(b, s.end) - max(a, s.start)
        if n > 0:
            yield s.kind, n
        k += 1


def score(
    blocks: list[Block],
    text: str,
    confusion: Counter[tuple[str, str]],
    samples: list[tuple[str, str, str, str]],
    doc: str,
) -> Score:
    sections = split_sections(text)
    starts = [s.start for s in sections]
    result = Score(blocks=len(blocks))
    for block, place in zip(blocks, locate(blocks, text), strict=True):
        n = len(norm_only(block.text))
        result.block_chars += n
        if place is None:
            continue
        result.located += 1
        result.located_chars += n
        _, a, b = place
        if block.kind in (UNDETERMINED, ""):
            result.undetermined_chars += b - a
            continue
        got: Counter[str] = Counter()
        for kind, size in overlaps(sections, starts, a, b):
            got[kind] += size
            confusion[(block.kind, kind)] += size
            result.scored_chars += size
            if kind == block.kind:
                result.agree_chars += size
        if not got:
            continue
        result.scored_blocks += 1
        top = got.most_common(1)[0][0]
        if top == block.kind:
            result.agree_blocks += 1
        else:
            samples.append((doc, block.kind, top, text[a : min(b, a + 120)].replace("\n", " | ")))
    return result


def pairs(folder: Path) -> list[tuple[str, Path, Path]]:
    out = []
    for nxml in sorted((folder / "nxml").glob("*.nxml")):
        txt = folder / "txt" / f"{nxml.stem}.txt"
        if is_check_copy(nxml) or is_check_copy(txt):
            continue  # a gold-dev check document: never inspected
        out.append((nxml.stem, nxml, txt))
    return out


def run(folder: Path, form: str) -> dict[str, Any]:
    from trialex.ingest import load_path

    total = Score()
    confusion: Counter[tuple[str, str]] = Counter()
    samples: list[tuple[str, str, str, str]] = []
    per_doc: list[tuple[str, Score]] = []
    for doc, nxml, txt in pairs(folder):
        root = parse_xml(nxml.read_bytes(), str(nxml))
        blocks = blocks_of(root)
        if form == "txt":
            if not txt.is_file():
                continue
            text = load_path(txt).text
        else:
            text = jats_to_text(root, source=str(nxml)).text
        s = score(blocks, text, confusion, samples, doc)
        total.add(s)
        per_doc.append((doc, s))
    kinds = sorted({k for k, _ in confusion} | {k for _, k in confusion})
    per_kind = {}
    for kind in kinds:
        row = sum(v for (g, _), v in confusion.items() if g == kind)
        if row:
            per_kind[kind] = {
                "chars": row,
                "agree": round(confusion[(kind, kind)] / row, 4),
                "as": {
                    p: v
                    for (g, p), v in sorted(confusion.items(), key=lambda x: -x[1])
                    if g == kind and p != kind
                },
            }
    worst = sorted(per_doc, key=lambda d: d[1].char_accuracy)
    return {
        "form": form,
        "documents": len(per_doc),
        "blocks": total.blocks,
        "located_share_blocks": round(total.located / max(total.blocks, 1), 4),
        "located_share_chars": round(total.located_chars / max(total.block_chars, 1), 4),
        "undetermined_chars": total.undetermined_chars,
        "char_accuracy": round(total.char_accuracy, 4),
        "block_accuracy": round(total.block_accuracy, 4),
        "mean_doc_char_accuracy": round(
            sum(s.char_accuracy for _, s in per_doc) / max(len(per_doc), 1), 4
        ),
        "per_kind": per_kind,
        "worst": [
            (d, round(s.char_accuracy, 3), s.scored_chars, s.scored_blocks - s.agree_blocks)
            for d, s in worst
        ],
        "samples": samples,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT)
    parser.add_argument("--form", choices=("txt", "jats", "both"), default="both")
    parser.add_argument("--worst", type=int, default=10, help="worst documents listed")
    parser.add_argument("--show", type=int, default=0, help="disagreeing blocks printed")
    parser.add_argument("--kind", default=None, help="only show disagreements of this XML kind")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--rules",
        type=Path,
        default=None,
        help="resources folder whose heading rules read the XML titles (default: this checkout's)",
    )
    args = parser.parse_args(argv)
    if not (args.corpus / "nxml").is_dir():
        print(f"{args.corpus}/nxml: no such folder", file=sys.stderr)
        return 2
    if args.rules is not None:
        use_title_rules(args.rules)
    forms = ("txt", "jats") if args.form == "both" else (args.form,)
    for form in forms:
        figures = run(args.corpus, form)
        samples = figures.pop("samples")
        if args.kind:
            samples = [s for s in samples if s[1] == args.kind]
        figures["worst"] = figures["worst"][: args.worst]
        if args.json:
            print(json.dumps(figures, indent=2))
        else:
            print(f"== {form}: {figures['documents']} documents, {figures['blocks']} blocks")
            print(
                f"   located: {figures['located_share_blocks']:.1%} of blocks, "
                f"{figures['located_share_chars']:.1%} of their characters"
                f" (undetermined kind: {figures['undetermined_chars']} characters)"
            )
            print(
                f"   agreement: characters {figures['char_accuracy']:.4f}, blocks "
                f"{figures['block_accuracy']:.4f}, mean per document "
                f"{figures['mean_doc_char_accuracy']:.4f}"
            )
            for kind, row in figures["per_kind"].items():
                confused = ", ".join(f"{k} {v}" for k, v in list(row["as"].items())[:4])
                print(f"   {kind:16} {row['chars']:>9}  {row['agree']:.3f}  {confused}")
            print(
                "   worst: " + "; ".join(f"{d} {a} ({n} blocks)" for d, a, _, n in figures["worst"])
            )
        for doc, want, got, opening in samples[: args.show]:
            print(f"   {doc}\t{want} -> {got}\t{opening}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
