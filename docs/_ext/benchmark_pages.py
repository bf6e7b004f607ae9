"""A docs page per benchmark: ``benchmarks/results/<name>.md`` (the tables
``python -m benchmarks`` writes) and its figures, turned into
``docs/benchmarks/<name>.rst`` when the build starts, so the pages always
show the committed results and a reader needs no repository paths."""

import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[2] / "benchmarks" / "results"


def _inline(text):
    """Markdown text as reStructuredText: code spans kept, the characters
    reStructuredText reads as markup escaped."""
    parts = re.split(r"(`[^`]+`)", text)
    out = []
    for part in parts:
        if part.startswith("`") and part.endswith("`") and len(part) > 1:
            out.append(f"``{part[1:-1]}``")
        else:
            out.append(re.sub(r"([\\*_|`<>\[\]])", r"\\\1", part))
    return "".join(out)


def _table(lines):
    rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in lines]
    rows = [row for row in rows if not all(set(c) <= set("-: ") for c in row)]
    out = [".. list-table::", "   :header-rows: 1", ""]
    for row in rows:
        out.append(f"   * - {_inline(row[0]) or ' '}")
        out += [f"     - {_inline(cell) or ' '}" for cell in row[1:]]
    return out + [""]


def markdown_to_rst(markdown, figures):
    """One results file (title, machine line, tables, bullet lists) and its
    figures as a page."""
    lines = markdown.splitlines()
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("# "):
            title = "Benchmarks: " + _inline(line[2:].strip())
            out += [title, "=" * len(title), ""]
        elif line.startswith("|"):
            block = []
            while i < len(lines) and lines[i].startswith("|"):
                block.append(lines[i])
                i += 1
            out += _table(block)
            continue
        elif line.startswith("- "):
            out += [f"- {_inline(line[2:])}"]
            if i + 1 == len(lines) or not lines[i + 1].startswith("- "):
                out.append("")
        elif line.strip():
            out += [_inline(line), ""]
        i += 1
    for figure in figures:
        out += [
            f".. image:: /../benchmarks/results/{figure.name}",
            "   :width: 100%",
            "",
        ]
    return "\n".join(out) + "\n"


def write_pages(target):
    """Write a page per full (not ``--quick``) results file into ``target``
    (a page is rewritten only when its text changes)."""
    target.mkdir(exist_ok=True)
    for results in sorted(RESULTS.glob("*.md")):
        name = results.stem
        if name.endswith("_quick") or name == "gpu_cpu_only":
            continue
        figures = sorted(
            f
            for f in RESULTS.glob(f"{name}*.png")
            if "_quick" not in f.stem
            and (f.stem == name or f.stem.startswith(name + "_"))
        )
        page = markdown_to_rst(results.read_text(encoding="utf-8"), figures)
        path = target / f"{name}.rst"
        if not path.exists() or path.read_text(encoding="utf-8") != page:
            path.write_text(page, encoding="utf-8")


def _generate(app):
    write_pages(Path(app.srcdir) / "benchmarks")


def setup(app):
    app.connect("builder-inited", _generate)
    return {"parallel_read_safe": True, "version": "1"}
