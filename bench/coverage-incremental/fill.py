#!/usr/bin/env python3
"""Fills a migrated netmon SQLite store with N signal reports (complete uploads of UPLOAD rows each), bounded:
rows are generated and inserted in batches of 50,000, so memory stays flat whatever N.

Reports fall anywhere in a box over Hưng Yên: three operators and none, 2G/3G/4G/5G/none, whole-dBm metrics,
one in eight 4G/5G reports with rates, one in ten from a gateway modem. Seeded: the same N gives the same store.
Usage: fill.py STORE.sqlite N [--upload 1000000] [--seed 17]
"""
import argparse
import random
import sqlite3

p = argparse.ArgumentParser()
p.add_argument("db")
p.add_argument("n", type=int)
p.add_argument("--upload", type=int, default=1_000_000)
p.add_argument("--seed", type=int, default=17)
a = p.parse_args()
rng = random.Random(a.seed)
db = sqlite3.connect(a.db)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=OFF")
ops = ["452-01", "452-02", "452-04", None]
techs = ["4G", "4G", "5G", "3G", "2G", "none"]
insert = (
    "INSERT INTO signal_report (upload_id, ordinal, time_at, lat, lon, technology, operator, rsrp_dbm, "
    "nr_ss_rsrp_dbm, rscp_dbm, rssi_dbm, dl_kbps, ul_kbps, device) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
done = 0
u = 0
while done < a.n:
    rows = min(a.upload, a.n - done)
    uid = f"20260101T0000{u:02d}Z-bench{u:04d}"
    db.execute(
        "INSERT INTO report_upload (upload_id, uploaded_at, uploaded_by, format, preset, rows_read, rows_accepted, "
        "rows_rejected, state) VALUES (?, ?, 'bench', 'csv', 'canonical', ?, ?, 0, 'complete')",
        (uid, 1_767_200_000 + u, rows, rows),
    )
    ordinal = 0
    while ordinal < rows:
        batch = []
        for _ in range(min(50_000, rows - ordinal)):
            t = rng.choice(techs)
            rsrp = nr = rscp = rssi = dl = ul = None
            if t == "4G":
                rsrp = rng.randint(-135, -70)
            elif t == "5G":
                rsrp = rng.randint(-130, -75)
                nr = rng.randint(-130, -75)
            elif t == "3G":
                rscp = rng.randint(-120, -60)
            elif t == "2G":
                rssi = rng.randint(-110, -52)
            if t in ("4G", "5G") and rng.randrange(8) == 0:
                dl = float(rng.randint(100, 60_000))
                ul = float(rng.randint(50, 20_000))
            device = "gateway:10001" if rng.randrange(10) == 0 else None
            batch.append((uid, ordinal, 1_767_200_000 + ordinal, rng.uniform(20.55, 21.05), rng.uniform(105.85, 106.35),
                          t, rng.choice(ops), rsrp, nr, rscp, rssi, dl, ul, device))
            ordinal += 1
        db.executemany(insert, batch)
    db.commit()
    done += rows
    u += 1
print(f"{done} reports in {u} uploads")
