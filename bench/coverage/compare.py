"""Compares netmon's --json figures with the pandas+h3 stack's: the two must agree (exit status 1 when a commune's
cell count or any coverage figure differs by more than netmon's
rounding to six decimals)."""
import json
import sys

a = json.load(open(sys.argv[1]))
b = json.load(open(sys.argv[2]))
bc = {c["code"]: c for c in b["communes"]}
worst, differing_cells = 0.0, 0
for c in a["communes"]:
    o = bc[c["code"]]
    differing_cells += c["cells"] != o["cells"]
    for t in ("3G", "4G", "5G"):
        worst = max(worst, abs(c["coverage"][t] - o["coverage"][t]))
missing = len(bc) - len(a["communes"])
print("communes: %d; communes whose cell count differs: %d; largest coverage difference: %.6f; "
      "province 4G %.4f vs %.4f, 5G %.4f vs %.4f" % (
          len(a["communes"]), differing_cells, worst, a["province"]["coverage"]["4G"], b["province"]["coverage"]["4G"],
          a["province"]["coverage"]["5G"], b["province"]["coverage"]["5G"]))
if differing_cells or worst > 5e-7 + 1e-12 or missing:  # netmon prints six decimals
    print("the figures differ", file=sys.stderr)
    sys.exit(1)
