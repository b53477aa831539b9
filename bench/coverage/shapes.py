"""Writes drive-test CSV files shaped unlike `netmon coverage simulate`'s, for the coverage benchmark.

Usage: shapes.py SHAPE ROWS SEED BOUNDARIES.geojson CORK.csv OUT.csv

Every shape drives cars along random tracks (one row a second, 5-25 m a step) and takes the radio side of
each track from a run of consecutive rows of the real Cork drive test (technology changes, RSRP/RSCP/SS-RSRP
values and their gaps as the field measured them), weakened by 0-28 dB per track so that some cells fall
below the floors. Values are clipped to the ranges netmon accepts, so both tools read the same numbers.

  outside    canonical columns in another order with extra columns; tracks over the province's box widened by
             0.25 degrees on each side, so about three rows in four fall outside the province; one of three
             operators per track
  operators  four phones in each car, one per operator, logging the same second: the operator changes every row
  unsorted   tracks inside the province's box, rows shuffled (times in no order, neighbours in no cell)
  cork       the Cork export's own columns and spellings (`--preset cork-5g`): local times without an offset,
             `LTE`/`HSPA+` names, -200 "no value" sentinels, stale SS-RSRP on non-5G rows, no operator column

Deterministic for a seed; ROWS is capped at 5,000,000.
"""
import json
import sys

import numpy as np
import pandas as pd

SHAPES = ("outside", "operators", "unsorted", "cork")
TRACK_ROWS = 1800  # half an hour of one-second samples
OPERATORS = np.array(["45204", "45202", "45201", "45205"])  # Viettel, VinaPhone, MobiFone, Vietnamobile
RANGES = {"rsrp": (-140, -44), "nr": (-156, -31), "rscp": (-120, -25)}
CORK_TECH = {"5G": "5G", "LTE": "4G", "HSPA+": "3G", "HSDPA": "3G", "HSUPA": "3G", "UMTS": "3G",
             "GPRS": "2G", "EDGE": "2G"}


def province_box(path):
    with open(path) as f:
        doc = json.load(f)
    xs, ys = [], []
    for feature in doc["features"]:
        g = feature["geometry"]
        polygons = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        for polygon in polygons:
            for ring in polygon:
                xs += [p[0] for p in ring]
                ys += [p[1] for p in ring]
    return min(xs), min(ys), max(xs), max(ys)


def tracks(rng, count, box):
    """count tracks of TRACK_ROWS positions: (lat, lon) arrays of shape (count, TRACK_ROWS)."""
    west, south, east, north = box
    lat0 = rng.uniform(south, north, count)
    lon0 = rng.uniform(west, east, count)
    heading = rng.uniform(0, 2 * np.pi, (count, 1)) + np.cumsum(rng.normal(0, 0.08, (count, TRACK_ROWS)), axis=1)
    step = rng.uniform(5, 25, (count, 1)) * np.ones((1, TRACK_ROWS))
    step[:, 0] = 0
    north_m = np.cumsum(step * np.cos(heading), axis=1)
    east_m = np.cumsum(step * np.sin(heading), axis=1)
    lat = lat0[:, None] + north_m / 111_320.0
    lon = lon0[:, None] + east_m / (111_320.0 * np.cos(np.radians(lat)))
    return lat, lon


def radio(rng, cork, count):
    """count runs of TRACK_ROWS consecutive Cork rows, weakened per run: arrays of shape (count, TRACK_ROWS)."""
    n = len(cork)
    start = rng.integers(0, n, count)
    index = (start[:, None] + np.arange(TRACK_ROWS)[None, :]) % n
    loss = rng.integers(0, 29, (count, 1)).astype(float)
    mode = cork["network_mode"].to_numpy()[index]
    anchor = cork["rsrp_or_rscp_dbm"].to_numpy(dtype=float)[index]
    nr = cork["nr_ss_rsrp_dbm"].to_numpy(dtype=float)[index]
    anchor = np.where(anchor <= -200, anchor, anchor - loss)
    nr = nr - loss
    return mode, anchor, nr


def canonical(mode, anchor, nr):
    """Canonical technology and metric columns from Cork modes and weakened values (NaN: empty field)."""
    tech = np.vectorize(CORK_TECH.get)(mode)
    lte = np.isin(tech, ["4G", "5G"])
    valid = anchor > -200
    rsrp = np.where(lte & valid, np.clip(anchor, *RANGES["rsrp"]), np.nan)
    rscp = np.where((tech == "3G") & valid, np.clip(anchor, *RANGES["rscp"]), np.nan)
    nr_ss = np.where(tech == "5G", np.clip(nr, *RANGES["nr"]), np.nan)
    return tech, rsrp, rscp, nr_ss


def iso_times(seconds, offset):
    text = pd.to_datetime(seconds, unit="s").strftime("%Y-%m-%dT%H:%M:%S")
    return text + offset if offset else text


def main():
    if len(sys.argv) != 7 or sys.argv[1] not in SHAPES:
        sys.exit("usage: shapes.py {%s} ROWS SEED BOUNDARIES CORK OUT" % "|".join(SHAPES))
    shape, rows, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    if not 0 < rows <= 5_000_000:
        sys.exit("ROWS must be 1..5000000")
    boundaries, cork_path, out = sys.argv[4], sys.argv[5], sys.argv[6]
    rng = np.random.default_rng([seed, SHAPES.index(shape)])
    cork = pd.read_csv(cork_path, usecols=["network_mode", "rsrp_or_rscp_dbm", "nr_ss_rsrp_dbm"])
    box = province_box(boundaries)
    if shape == "outside":
        box = (box[0] - 0.25, box[1] - 0.25, box[2] + 0.25, box[3] + 0.25)
    phones = 4 if shape == "operators" else 1
    count = -(-rows // (TRACK_ROWS * phones))
    lat, lon = tracks(rng, count, box)
    # One car a track, starting at a random second of the winter of 2025-26 (no clock change).
    start = rng.integers(1_764_547_200, 1_771_977_600, (count, 1)) + np.arange(TRACK_ROWS)[None, :]
    if phones > 1:  # each position logged by every phone, one row per operator, in operator order
        lat, lon, start = (np.repeat(a, phones, axis=1) for a in (lat, lon, start))
        ops = np.tile(OPERATORS, (count, TRACK_ROWS))
        mode, anchor, nr = radio(rng, cork, count * phones)
        mode, anchor, nr = (a.reshape(count, phones, TRACK_ROWS).transpose(0, 2, 1).reshape(count, -1)
                            for a in (mode, anchor, nr))
    else:
        ops = np.repeat(rng.choice(OPERATORS[:3], count, p=[0.5, 0.3, 0.2])[:, None], TRACK_ROWS, axis=1)
        mode, anchor, nr = radio(rng, cork, count)
    flat = [a.reshape(-1)[:rows] for a in (lat, lon, start, ops, mode, anchor, nr)]
    lat, lon, seconds, ops, mode, anchor, nr = flat
    if shape == "unsorted":
        order = rng.permutation(rows)
        lat, lon, seconds, ops, mode, anchor, nr = (a[order] for a in flat)

    if shape == "cork":
        # The export's columns: stale SS-RSRP stays on non-5G rows, a -200 sentinel where LTE gave none.
        nr_out = np.where(np.isnan(nr), np.nan, np.clip(nr, *RANGES["nr"]))
        tech, rsrp, rscp, _ = canonical(mode, anchor, nr)
        anchor_out = np.where(anchor <= -200, -200.0, np.where(tech == "3G", rscp, rsrp))
        frame = pd.DataFrame({
            "trace": "Download/generated", "timestamp_local": iso_times(seconds, ""), "lon": lon, "lat": lat,
            "speed_kmh": rng.integers(0, 90, rows), "network_mode": mode, "rsrp_or_rscp_dbm": anchor_out,
            "rsrq_or_ecio_db": rng.integers(-20, -3, rows), "snr_db": np.round(rng.normal(5, 8, rows), 1),
            "nr_ss_rsrp_dbm": nr_out})
    else:
        tech, rsrp, rscp, nr_ss = canonical(mode, anchor, nr)
        frame = pd.DataFrame({
            "device": "phone", "speed_kmh": rng.integers(0, 90, rows), "operator": ops, "lon": lon, "lat": lat,
            "time": iso_times(seconds, "+07:00"), "technology": tech, "sinr_db": np.round(rng.normal(5, 8, rows), 1),
            "rscp_dbm": rscp, "nr_ss_rsrp_dbm": nr_ss, "rsrp_dbm": rsrp})
    frame["lat"] = frame["lat"].round(6)
    frame["lon"] = frame["lon"].round(6)
    frame.to_csv(out, index=False, float_format="%.10g")


main()
