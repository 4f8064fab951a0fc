"""The committed notebooks carry no outputs: every code cell has no outputs and no execution count
(CTest executes each notebook afresh, so nothing committed can disagree with a fresh run).

    /usr/bin/python3 tests/notebooks/test_notebooks_clean.py -v
Strip a notebook before committing it:
    jupyter nbconvert --clear-output --inplace notebooks/NAME.ipynb
"""
import json
import pathlib
import unittest

NOTEBOOKS = pathlib.Path(__file__).resolve().parent.parent.parent / "notebooks"
EXPECTED = ["01-the-bestboy-storm", "02-mistakes-and-safeguards", "03-calibration-and-theory"]


class NotebooksClean(unittest.TestCase):
    def notebooks(self):
        return sorted(NOTEBOOKS.glob("*.ipynb"))

    def test_the_three_notebooks_are_there(self):
        names = [p.stem for p in self.notebooks()]
        for name in EXPECTED:
            self.assertIn(name, names)

    def test_no_outputs_and_no_execution_counts(self):
        for path in self.notebooks():
            with self.subTest(notebook=path.name):
                nb = json.loads(path.read_text(encoding="utf-8"))
                self.assertEqual(nb.get("nbformat"), 4, f"{path}: not an nbformat 4 notebook")
                code = [c for c in nb["cells"] if c["cell_type"] == "code"]
                self.assertTrue(code, f"{path}: no code cell")
                for i, cell in enumerate(nb["cells"]):
                    if cell["cell_type"] != "code":
                        continue
                    self.assertEqual(cell.get("outputs"), [], f"{path}: cell {i} has outputs")
                    self.assertIsNone(cell.get("execution_count"), f"{path}: cell {i} has an execution count")

    def test_kernel_is_python3(self):
        for path in self.notebooks():
            with self.subTest(notebook=path.name):
                nb = json.loads(path.read_text(encoding="utf-8"))
                self.assertEqual(nb["metadata"].get("kernelspec", {}).get("name"), "python3")


if __name__ == "__main__":
    unittest.main()
