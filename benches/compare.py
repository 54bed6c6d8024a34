#!/usr/bin/env python3
"""The equivalent job in Python, for the benchmark: pandas reading every
returned form with openpyxl, concatenating, computing planned progress and
lag against the ledger, ranking units, and writing one workbook with openpyxl.

    python3 benches/compare.py <ledger.xlsx> <returns-dir> <as-of YYYY-MM-DD> <out.xlsx>

Requires: pip install pandas openpyxl
"""
import os
import sys
from datetime import date, datetime

import pandas as pd

HEADER_KEYS = {"编号", "当前状态", "完成进度（%）", "完成进度", "进展情况"}


def find_header(raw):
    for i in range(min(len(raw), 30)):
        vals = {str(v).strip() for v in raw.iloc[i].tolist() if isinstance(v, str)}
        if "编号" in vals and len(vals & HEADER_KEYS) >= 2:
            return i
    return None


def read_form(path):
    try:
        raw = pd.read_excel(path, sheet_name=0, header=None, engine="openpyxl")
    except Exception:
        return None
    h = find_header(raw)
    if h is None:
        return None
    df = raw.iloc[h + 1:].copy()
    df.columns = [str(c).strip() for c in raw.iloc[h].tolist()]
    df = df[df["编号"].notna()]
    df["file"] = os.path.relpath(path)
    return df


def to_date(v):
    if isinstance(v, (datetime, pd.Timestamp)):
        return v.date()
    try:
        return datetime.strptime(str(v)[:10], "%Y-%m-%d").date()
    except Exception:
        return None


def main():
    ledger_path, returns, as_of, out = sys.argv[1:5]
    as_of = datetime.strptime(as_of, "%Y-%m-%d").date()
    raw = pd.read_excel(ledger_path, sheet_name="台账", header=None, engine="openpyxl")
    h = find_header(raw) if find_header(raw) is not None else 1
    for i in range(min(len(raw), 10)):
        if "编号" in [str(v).strip() for v in raw.iloc[i].tolist()]:
            h = i
            break
    ledger = raw.iloc[h + 1:].copy()
    ledger.columns = [str(c).strip() for c in raw.iloc[h].tolist()]
    units = pd.read_excel(ledger_path, sheet_name="单位", header=None, engine="openpyxl")

    files = []
    for root, _, names in os.walk(returns):
        for n in sorted(names):
            if n.endswith(".xlsx") and not n.startswith("~$"):
                files.append(os.path.join(root, n))
    frames = [f for f in (read_form(p) for p in sorted(files)) if f is not None]
    forms = pd.concat(frames, ignore_index=True)
    pct_col = "完成进度（%）" if "完成进度（%）" in forms.columns else "完成进度"
    forms["actual"] = pd.to_numeric(
        forms[pct_col].astype(str).str.rstrip("%％"), errors="coerce"
    )
    forms["编号"] = forms["编号"].astype(str).str.strip()
    forms = forms.drop_duplicates("编号", keep="last")

    def planned(row):
        start, end = to_date(row.get("开始日期")), to_date(row.get("完成时限"))
        if not start or not end or end <= start:
            return 100.0 if end and as_of >= end else 0.0
        if as_of <= start:
            return 0.0
        if as_of >= end:
            return 100.0
        return (as_of - start).days / (end - start).days * 100.0

    ledger["编号"] = ledger["编号"].astype(str).str.strip()
    ledger["planned"] = ledger.apply(planned, axis=1)
    merged = ledger.merge(forms[["编号", "actual", "file"]], on="编号", how="left")
    merged["lag"] = merged["planned"] - merged["actual"]
    score = merged.groupby("牵头单位").agg(
        tasks=("编号", "count"), lag=("lag", "mean"), actual=("actual", "mean")
    )
    score["score"] = (100 - score["lag"].clip(lower=0)).clip(lower=0)
    score["rank"] = score["score"].rank(method="min", ascending=False)
    with pd.ExcelWriter(out, engine="openpyxl") as xw:
        merged.to_excel(xw, sheet_name="台账汇总", index=False)
        score.sort_values("rank").to_excel(xw, sheet_name="单位排名")
    print(f"{len(frames)} forms, {len(forms)} rows, {len(merged)} tasks -> {out}")


if __name__ == "__main__":
    main()
