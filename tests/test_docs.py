"""The repository stands alone: what the code cites of the assessment model is in docs/, not elsewhere."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).parents[1]
MODEL = ROOT / "docs" / "assessment-model.md"
CITATION = re.compile(r"docs/assessment-model\.md`?\s*(?:§|section )(\d+)")


def tracked_files() -> list[Path]:
    names = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / name for name in names.splitlines()
            if name.endswith((".py", ".yaml", ".md", ".html", ".txt")) and (ROOT / name).is_file()]


def sections() -> set[str]:
    return set(re.findall(r"^## (\d+)\. ", MODEL.read_text(encoding="utf-8"), flags=re.M))


def test_every_cited_section_exists():
    cited = {}
    for path in tracked_files():
        for number in CITATION.findall(path.read_text(encoding="utf-8", errors="replace")):
            cited.setdefault(number, path.relative_to(ROOT))
    assert cited, "the code cites the model: the pattern must find those citations"
    missing = {number: str(path) for number, path in cited.items() if number not in sections()}
    assert not missing, f"cited sections missing from docs/assessment-model.md: {missing}"


def test_nothing_cites_a_file_outside_the_repository():
    outside = [str(path.relative_to(ROOT)) for path in tracked_files()
               if path != Path(__file__) and "FRAMEWORK.md" in path.read_text(encoding="utf-8", errors="replace")]
    assert not outside


def test_the_model_names_every_stable_id_of_the_item_bank():
    from questionnaire import item_bank

    text = MODEL.read_text(encoding="utf-8")
    ids = {*item_bank.GROUPS, *item_bank.MODELS, *item_bank.SCALES, *item_bank.CHOICES, *item_bank.MULTI,
           *item_bank.LINKAGES, *item_bank.ENABLERS, *item_bank.GAPS,
           *item_bank.TEXT}
    ids |= {option for options in (*item_bank.CHOICES.values(), *item_bank.MULTI.values()) for option in options}
    missing = sorted(i for i in ids if f"`{i}`" not in text and f"`{i.split('.')[-1]}`" not in text)
    assert not missing, f"ids the model does not describe: {missing}"
