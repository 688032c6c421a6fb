#pragma once

#include "app/render/layer_style.h"

#include <QPainterPath>
#include <QPointF>

namespace parkatlas::render {

/// A point marker of `shape` centred on `centre`, `radius` device units from centre to tip: the
/// map's point symbols and the legend's use the same path.
QPainterPath markerPath(PointShape shape, QPointF centre, double radius);

} // namespace parkatlas::render
