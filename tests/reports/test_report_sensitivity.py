"""`report --goal EXPR`: a sensitivity section in every format, opened and read as a reader would."""
import json
import subprocess
import sys

from helpers import ROOT, parse_html, pdftotext

MISSILES = ROOT / "scenarios" / "missile_crisis.yaml"


def report(tmp_path, name, *extra):
    out = tmp_path / name
    r = subprocess.run([sys.executable, "-m", "explorer", "report", str(MISSILES), "--branch", "baseline",
                        "--branch", "air-strike", "--goal", "war", "-o", str(out), *extra], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return out


def test_json_section_is_valid_and_ranked(tmp_path, validator):
    data = json.loads(report(tmp_path, "r.json").read_text())
    validator.validate(data)
    sens = data["sensitivity"]
    assert sens["goal"] == "war" and sens["kind"] == "condition"
    base = next(b for b in sens["branches"] if b["id"] == "baseline")
    assert base["value"] is False and base["rows"]
    assert all(r["effect"] == "flips to true" for r in base["rows"])
    assert any(c["anchor"] == "sensitivity" for c in data["contents"])
    # without --goal there is no section
    plain = tmp_path / "p.json"
    r = subprocess.run([sys.executable, "-m", "explorer", "report", str(MISSILES), "-o", str(plain)], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and json.loads(plain.read_text())["sensitivity"] is None


def test_html_markdown_and_pdf_show_it(tmp_path, gui):
    page = parse_html(report(tmp_path, "r.html"))
    assert "sensitivity" in page.ids
    assert "Sensitivity" in page.text and "war is false" in page.text and "flips to true" in page.text
    assert any("background:#2f6fd6" in (s.get("style") or "").replace(" ", "") for s in page.tags("span"))
    md = report(tmp_path, "r.md").read_text()
    assert "## Sensitivity" in md and "| Divergence | Effect | Events changed |" in md
    pdf = pdftotext(report(tmp_path, "r.pdf"))
    assert "Sensitivity" in pdf and "flips to true" in pdf
