"""The role spawn-spored, evaluated by a real IAM policy simulator (@cloud-copilot/iam-simulate):
each row of spored_calls.json is a call spored makes (or one it must not be able to make), signed
with an instance's role credentials, against the policy spawn's own builder writes for the row's
grants. All rows go through one node process (about a second).

What a row proves: its decision, and its reason: an allowed call is allowed by the statement the
row names alone; a refused one fails on the resource, on exactly the condition keys the row names,
or finds no statement about its action at all. Also that the simulator used every context key it
was given (a key it drops as not applying to the action is a row testing something else than it
says), that no condition failed on a key missing from the context unless the row says the key is
absent on purpose, and that every policy variable resolved unless the row is marked "undecided". Every statement of every policy here must have at least
one allowed and one refused row, and a line in docs/spored.md citing one of each by name: a new
statement without them fails.
"""
import os
import re
import unittest

from iam_simulator import DECISIONS, SimulatorError, evaluate_rows, load_calls, simulator_version

HERE = os.path.dirname(os.path.abspath(__file__))
CALLS = os.path.join(HERE, "spored_calls.json")
SOURCE = os.environ.get("SPAWN_SOURCE_DIR", os.path.join(HERE, "..", ".."))


class SporedRoleCallsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.calls = load_calls(CALLS)
        try:
            cls.version = simulator_version()
            cls.policies, cls.results = evaluate_rows(cls.calls)
        except SimulatorError as e:
            raise AssertionError(str(e)) from None

    def test_rows_are_well_formed(self):
        names = [row["name"] for row in self.calls["calls"]]
        self.assertEqual(len(names), len(set(names)), "row names are unique")
        for row in self.calls["calls"]:
            with self.subTest(row=row["name"]):
                self.assertIn(row["expect"], DECISIONS)
                self.assertTrue(row.get("why"), "every row says why")
                self.assertIn(row["grants"], self.calls["grants"])

    def test_each_call_gets_its_decision_for_its_reason(self):
        for row, decision, parts in self.results:
            with self.subTest(row=row["name"]):
                detail = f"{row['why']}\nsimulator answers: {parts}"
                self.assertEqual(decision, row["expect"], detail)
                for part in parts:
                    self.assertEqual(part["ignored_context_keys"], [],
                                     f"the simulator dropped context keys as not applying to the action: "
                                     f"the row does not test what it says\n{detail}")
                    self.assertEqual(part["missing_context_keys"], sorted(row.get("absent", [])),
                                     f"conditions failed on keys the request lacks (\"absent\" lists those it "
                                     f"lacks on purpose)\n{detail}")
                    if row.get("undecided"):
                        self.assertNotEqual(part["unresolved"], [], f"marked undecided, but decided\n{detail}")
                    else:
                        self.assertEqual(part["unresolved"], [], detail)
                if decision == "Allowed":
                    for part in parts:
                        self.assertEqual(part["allowed_by"], [row["statement"]], detail)
                else:
                    self.assertIn("refused_because", row, "a refused row says why, so that it is refused for that")
                    self.assertEqual(self.refusal(row, parts), "as said", detail)

    @staticmethod
    def refusal(row, parts):
        """'as said' when a part of the call is refused for the row's reason."""
        because = row["refused_because"]
        for part in parts:
            if part["decision"] == "Allowed":
                continue
            if because == "no statement":
                if part["not_applied"] == {} and part["allowed_by"] == [] and part["denied_by"] == []:
                    return "as said"
            elif part["not_applied"].get(row.get("statement")) == because:
                return "as said"
        return f"refused otherwise than {because!r}"

    def test_every_statement_has_an_allowed_and_a_refused_row(self):
        sids = {s["Sid"] for policy in self.policies.values() for s in policy["Statement"]}
        allowed = {row["statement"] for row, decision, _ in self.results if decision == "Allowed" and "statement" in row}
        refused = {row["statement"] for row, decision, _ in self.results if decision != "Allowed" and "statement" in row}
        self.assertEqual(sids - allowed, set(), "statements no row shows allowing the call they are for")
        self.assertEqual(sids - refused, set(), "statements no row shows refusing a neighbouring call")

    def test_docs_list_each_statement_with_its_rows(self):
        with open(os.path.join(SOURCE, "docs", "spored.md"), encoding="utf-8") as f:
            doc = f.read()
        for sid in sorted({s["Sid"] for policy in self.policies.values() for s in policy["Statement"]}):
            with self.subTest(statement=sid):
                line = re.search(r"^\| `" + re.escape(sid) + r"` \|.*$", doc, re.MULTILINE)
                self.assertIsNotNone(line, f"docs/spored.md has no table line for {sid}")
                cited = {name for name in re.findall(r"`([a-z0-9-]+)`", line.group(0))}
                outcomes = {decision == "Allowed" for row, decision, _ in self.results
                            if row.get("statement") == sid and row["name"] in cited}
                self.assertEqual(outcomes, {True, False},
                                 f"the line of {sid} in docs/spored.md cites an allowed and a refused row by name")


if __name__ == "__main__":
    unittest.main()
