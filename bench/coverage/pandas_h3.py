"""The Python stack a data engineer would write for `netmon coverage report`: pandas read_csv,
h3.latlng_to_cell per row, groupby medians per cell and technology, h3.geo_to_cells per commune,
coverage = area of covered cells / area of the commune's cells. Prints the same JSON figures
(province and per-commune coverage) so the run can compare them with netmon's.

Usage: pandas_h3.py REPORTS.csv BOUNDARIES.geojson [PRESET]; PRESET `cork-5g` reads the Cork export's columns
as netmon's preset of that name does (network_mode names, the shared RSRP/RSCP column, SS-RSRP on 5G rows only,
-200 and -205 as "no value")."""
import json
import sys

import h3
import pandas as pd

RES, MIN_SAMPLES = 8, 3
FLOORS = {"3G": ("rscp_dbm", -110.0), "4G": ("rsrp_dbm", -115.0), "5G": ("nr_ss_rsrp_dbm", -110.0)}

CORK_TECHNOLOGIES = {"5g": "5G", "lte": "4G", "hspa+": "3G", "hspa": "3G", "hsdpa": "3G", "hsupa": "3G",
                     "umts": "3G", "gprs": "2G", "edge": "2G"}

csv_path, boundaries_path = sys.argv[1], sys.argv[2]
preset = sys.argv[3] if len(sys.argv) > 3 else "canonical"
if preset == "canonical":
    df = pd.read_csv(csv_path, usecols=["lat", "lon", "technology", "rsrp_dbm", "nr_ss_rsrp_dbm", "rscp_dbm"])
elif preset == "cork-5g":
    raw = pd.read_csv(csv_path, usecols=["lat", "lon", "network_mode", "rsrp_or_rscp_dbm", "nr_ss_rsrp_dbm"])
    tech = raw["network_mode"].str.lower().map(CORK_TECHNOLOGIES)
    anchor = raw["rsrp_or_rscp_dbm"].mask(raw["rsrp_or_rscp_dbm"].isin([-200, -205]))
    nr = raw["nr_ss_rsrp_dbm"].mask(raw["nr_ss_rsrp_dbm"].isin([-200, -205]))
    df = pd.DataFrame({"lat": raw["lat"], "lon": raw["lon"], "technology": tech,
                       "rsrp_dbm": anchor.where(tech.isin(["4G", "5G"])), "rscp_dbm": anchor.where(tech == "3G"),
                       "nr_ss_rsrp_dbm": nr.where(tech == "5G")})
else:
    sys.exit("unknown preset " + preset)
df["cell"] = [h3.latlng_to_cell(a, b, RES) for a, b in zip(df["lat"].to_numpy(), df["lon"].to_numpy())]

rows = df.groupby("cell").size()
measured = set(rows[rows >= MIN_SAMPLES].index)
covered = {}
for tech, (metric, floor) in FLOORS.items():
    techs = ["4G", "5G"] if tech == "4G" else [tech]  # 5G NSA rows count for 4G through the LTE anchor
    g = df[df["technology"].isin(techs)].groupby("cell")[metric].agg(["median", "count"])
    covered[tech] = set(g[(g["count"] >= MIN_SAMPLES) & (g["median"] >= floor)].index)
dead = measured - set().union(*covered.values())

with open(boundaries_path) as f:
    features = json.load(f)["features"]
communes, total_area, total_covered = [], 0.0, {t: 0.0 for t in FLOORS}
for feature in features:
    cells = h3.geo_to_cells(feature["geometry"], RES)
    areas = {c: h3.cell_area(c, unit="km^2") for c in cells}
    area = sum(areas.values())
    cov = {t: (sum(a for c, a in areas.items() if c in covered[t]) / area if area else 0.0) for t in FLOORS}
    total_area += area
    for t in FLOORS:
        total_covered[t] += cov[t] * area
    communes.append({"code": "%05d" % int(feature["properties"]["ward_code"]), "cells": len(cells), "area_km2": area,
                     "coverage": cov, "dead_cells": sum(1 for c in cells if c in dead)})
print(json.dumps({"resolution": RES, "province": {"area_km2": total_area,
                  "coverage": {t: total_covered[t] / total_area for t in FLOORS}}, "communes": communes}))
