#pragma once

#include "app/render/layer_style.h"

#include <QBrush>
#include <QPainter>
#include <QPainterPath>
#include <QPointF>

namespace parkatlas::render {

/// A point marker of `shape` centred on `centre`, `radius` device units from centre to tip: the
/// map's point symbols and the legend's use the same path.
QPainterPath markerPath(PointShape shape, QPointF centre, double radius);

/// The fill of `symbol` on `painter`'s device. SVG has no hatch patterns in Qt's generator (it
/// would write no fill at all), so there a hatch becomes a translucent fill of its colour.
QBrush brushFor(const Symbol& symbol, const QPainter& painter);

/// True when a hatched fill cannot be written as a hatch on this painter's device (SVG).
bool losesHatching(const QPainter& painter);

} // namespace parkatlas::render
