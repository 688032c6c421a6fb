#!/usr/bin/python3
"""QGIS 3.22's print-layout export of the committee map, for scripts/bench --map.

    map-qgis.py PARCELS.shp OUT.pdf STYLES_DIR [--dpi N]

The same page as `parkatlas map PARCELS --layers parcels --table none`: A3 landscape, the
parcels categorised by land_use with the colours of styles/landuse.json (a code without its own
colour takes its nearest ancestor's, as ParkAtlas does), fill opacity 0.9, outline #4d4d4d 0.16 mm,
a title, the legend, a scale bar and a north arrow, exported as vector PDF at --dpi (300).
Prints one JSON line: seconds to start QGIS, to load and style, to export, and the file size.
"""
import json
import os
import sys
import time

started = time.monotonic()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import (QgsApplication, QgsCategorizedSymbolRenderer, QgsFillSymbol,  # noqa: E402
                       QgsLayoutExporter, QgsLayoutItemLabel, QgsLayoutItemLegend,
                       QgsLayoutItemMap, QgsLayoutItemPage, QgsLayoutItemPicture,
                       QgsLayoutItemScaleBar, QgsLayoutPoint, QgsLayoutSize, QgsPrintLayout,
                       QgsProject, QgsRendererCategory, QgsUnitTypes, QgsVectorLayer)
from qgis.PyQt.QtGui import QFont  # noqa: E402

shp, out, styles = sys.argv[1:4]
dpi = int(sys.argv[sys.argv.index("--dpi") + 1]) if "--dpi" in sys.argv else 300
QgsApplication.setPrefixPath("/usr", True)
app = QgsApplication([], False)
app.initQgis()
ready = time.monotonic()

colours = {}
parents = {}
for entry in json.load(open(os.path.join(styles, "landuse.json"), encoding="utf-8"))["classes"]:
    code = entry["code"].strip().upper()
    colours[code] = entry.get("colour")
    parents[code] = (entry.get("parent") or "").strip().upper()


def colour_of(code):
    code = code.strip().upper()
    for _ in range(16):
        if not code:
            return "#d9d9d9"
        if colours.get(code):
            return colours[code]
        code = parents.get(code) or (code[:-2] if code.isdigit() else code[:-1])
    return "#d9d9d9"


layer = QgsVectorLayer(shp, "parcels", "ogr")
if not layer.isValid():
    sys.exit("map-qgis.py: cannot open " + shp)
field = layer.fields().indexFromName("land_use")
categories = []
for value in sorted(v for v in layer.uniqueValues(field) if v):
    symbol = QgsFillSymbol.createSimple({"color": colour_of(value), "outline_color": "#4d4d4d",
                                         "outline_width": "0.16", "outline_width_unit": "MM"})
    symbol.setOpacity(0.9)
    categories.append(QgsRendererCategory(value, symbol, value))
layer.setRenderer(QgsCategorizedSymbolRenderer("land_use", categories))
project = QgsProject.instance()
project.addMapLayer(layer)

layout = QgsPrintLayout(project)
layout.initializeDefaults()
layout.pageCollection().page(0).setPageSize("A3", QgsLayoutItemPage.Landscape)
title = QgsLayoutItemLabel(layout)
title.setText("合成开发区现状图")
title.setFont(QFont("Noto Sans CJK SC", 22))
title.attemptMove(QgsLayoutPoint(150, 12, QgsUnitTypes.LayoutMillimeters))
title.attemptResize(QgsLayoutSize(140, 14, QgsUnitTypes.LayoutMillimeters))
layout.addLayoutItem(title)
frame = QgsLayoutItemMap(layout)
frame.attemptMove(QgsLayoutPoint(15, 30, QgsUnitTypes.LayoutMillimeters))
frame.attemptResize(QgsLayoutSize(300, 255, QgsUnitTypes.LayoutMillimeters))
frame.setFrameEnabled(True)
frame.setExtent(layer.extent())
layout.addLayoutItem(frame)
legend = QgsLayoutItemLegend(layout)
legend.setTitle("图例")
legend.setLinkedMap(frame)
legend.attemptMove(QgsLayoutPoint(325, 30, QgsUnitTypes.LayoutMillimeters))
layout.addLayoutItem(legend)
scalebar = QgsLayoutItemScaleBar(layout)
scalebar.setStyle("Single Box")
scalebar.setLinkedMap(frame)
scalebar.applyDefaultSize()
scalebar.attemptMove(QgsLayoutPoint(325, 250, QgsUnitTypes.LayoutMillimeters))
layout.addLayoutItem(scalebar)
arrow = QgsLayoutItemPicture(layout)
arrow.setPicturePath("/usr/share/qgis/svg/arrows/NorthArrow_02.svg")
arrow.attemptMove(QgsLayoutPoint(295, 35, QgsUnitTypes.LayoutMillimeters))
arrow.attemptResize(QgsLayoutSize(12, 18, QgsUnitTypes.LayoutMillimeters))
layout.addLayoutItem(arrow)
styled = time.monotonic()

settings = QgsLayoutExporter.PdfExportSettings()
settings.dpi = dpi
settings.rasterizeWholeImage = False
settings.forceVectorOutput = True
result = QgsLayoutExporter(layout).exportToPdf(out, settings)
done = time.monotonic()
if result != QgsLayoutExporter.Success:
    sys.exit("map-qgis.py: export failed (%s)" % result)
print(json.dumps({"start_s": ready - started, "load_style_s": styled - ready,
                  "export_s": done - styled, "total_s": done - started,
                  "bytes": os.path.getsize(out), "features": layer.featureCount()}))
