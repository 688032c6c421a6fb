#pragma once

#include "geo/model/geometry_store.h"

#include <QColor>

#include <cstddef>

namespace parkatlas::render {

/// How one layer is drawn: the simplest style that shows outlines and areas. Widths and sizes
/// are in points at 96 DPI (so 1.0 is one screen pixel); the renderer scales them to the
/// output's DPI. A plain value, safe to copy to a worker.
struct LayerStyle {
    QColor stroke{40, 40, 40};
    double strokeWidth = 1.0;
    QColor fill{0, 0, 0, 0}; // alpha 0: no fill
    double pointDiameter = 5.0;

    /// The default look of the `index`-th layer of a kind: polygons get a translucent fill and
    /// a darker outline of the same hue, lines a solid stroke, points a filled circle; the hue
    /// turns with the index so that neighbouring layers differ.
    static LayerStyle defaultFor(geo::GeometryKind kind, std::size_t index);
};

} // namespace parkatlas::render
