#include "app/render/marker_path.h"

#include <QPaintEngine>
#include <QPolygonF>

#include <cmath>
#include <numbers>

namespace parkatlas::render {

QPainterPath markerPath(PointShape shape, QPointF centre, double radius)
{
    QPainterPath path;
    switch (shape) {
    case PointShape::Circle:
        path.addEllipse(centre, radius, radius);
        break;
    case PointShape::Square:
        path.addRect(QRectF(centre.x() - radius * 0.85, centre.y() - radius * 0.85, radius * 1.7,
                            radius * 1.7));
        break;
    case PointShape::Triangle:
    case PointShape::Diamond:
    case PointShape::Star: {
        const int corners = shape == PointShape::Triangle  ? 3
                            : shape == PointShape::Diamond ? 4
                                                           : 10;
        QPolygonF polygon;
        for (int i = 0; i < corners; ++i) {
            const double angle = -std::numbers::pi / 2 + 2 * std::numbers::pi * i / corners;
            const double r = shape == PointShape::Star && i % 2 == 1 ? radius * 0.45 : radius;
            polygon.append(centre + QPointF(r * std::cos(angle), r * std::sin(angle)));
        }
        path.addPolygon(polygon);
        path.closeSubpath();
        break;
    }
    case PointShape::Cross:
        path.moveTo(centre + QPointF(-radius, 0));
        path.lineTo(centre + QPointF(radius, 0));
        path.moveTo(centre + QPointF(0, -radius));
        path.lineTo(centre + QPointF(0, radius));
        break;
    }
    return path;
}

bool losesHatching(const QPainter& painter)
{
    const QPaintEngine* engine = painter.paintEngine();
    return engine && engine->type() == QPaintEngine::SVG;
}

QBrush brushFor(const Symbol& symbol, const QPainter& painter)
{
    if (symbol.fill.alpha() == 0 || symbol.fillPattern == Qt::NoBrush)
        return QBrush(Qt::NoBrush);
    if (symbol.fillPattern != Qt::SolidPattern && losesHatching(painter)) {
        QColor translucent = symbol.fill;
        translucent.setAlphaF(0.3f * symbol.fill.alphaF());
        return QBrush(translucent);
    }
    return QBrush(symbol.fill, symbol.fillPattern);
}

} // namespace parkatlas::render
