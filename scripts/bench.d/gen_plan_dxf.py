#!/usr/bin/env python3
"""A 控规 drawing of N labelled plots for timing `parkatlas import` (README, "Importing a park").

    python3 scripts/bench.d/gen_plan_dxf.py N OUT.dxf

R2000 DXF in GBK: N closed 50 m squares on layer 控规地块 in a grid in EPSG:4547 coordinates, each
with an MTEXT label (plot number, M1, 容积率1.0-2.0, 密度≥30%, 绿地率≤20%) at its centre."""

import sys


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    n = int(sys.argv[1])
    side = int(n ** 0.5) + 1
    out = ["0\nSECTION\n2\nHEADER\n9\n$ACADVER\n1\nAC1015\n9\n$DWGCODEPAGE\n3\nANSI_936\n"
           "0\nENDSEC\n0\nSECTION\n2\nENTITIES\n"]
    handle = 0x100
    for k in range(n):
        i, j = divmod(k, side)
        x, y = 497000 + i * 60.0, 3373000 + j * 60.0
        handle += 1
        out.append("0\nLWPOLYLINE\n5\n%X\n8\n控规地块\n90\n4\n70\n1\n10\n%.3f\n20\n%.3f\n10\n%.3f\n"
                   "20\n%.3f\n10\n%.3f\n20\n%.3f\n10\n%.3f\n20\n%.3f\n"
                   % (handle, x, y, x + 50, y, x + 50, y + 50, x, y + 50))
        handle += 1
        out.append("0\nMTEXT\n5\n%X\n8\n控规标注\n10\n%.3f\n20\n%.3f\n40\n3\n1\n"
                   "A%05d\\PM1\\P容积率1.0-2.0\\P密度≥30%%\\P绿地率≤20%%\n" % (handle, x + 25, y + 25, k))
    out.append("0\nENDSEC\n0\nEOF\n")
    with open(sys.argv[2], "wb") as fh:
        fh.write("".join(out).encode("gbk"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
