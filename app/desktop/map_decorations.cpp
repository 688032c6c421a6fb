#include "app/desktop/map_decorations.h"

#include "geo/crs/transform.h"
#include "geo/measure/area.h"
#include "geo/measure/ellipsoid.h"

#include <QFontMetricsF>
#include <QLocale>
#include <QPainter>
#include <QPainterPath>

#include <array>
#include <cmath>
#include <exception>
#include <numbers>

namespace parkatlas::desktop {

namespace {

constexpr double kMargin = 12;       // from the canvas's edges, in pixels
constexpr double kMaxBarWidth = 160; // the longest the bar may be, in pixels
constexpr double kBarHeight = 6;
constexpr double kArrowWidth = 22;
constexpr double kArrowHeight = 44; // the arrow and its N

} // namespace

double roundScaleBarLengthM(double maxLengthM)
{
    if (!(maxLengthM > 0) || !std::isfinite(maxLengthM))
        return 0;
    const double power = std::pow(10.0, std::floor(std::log10(maxLengthM)));
    for (const double step : {5.0, 2.0, 1.0})
        if (step * power <= maxLengthM * (1 + 1e-12))
            return step * power;
    return power / 2; // not reached: 1 × 10ⁿ ≤ maxLengthM by the floor
}

QString scaleBarLabel(double lengthM)
{
    const QLocale c = QLocale::c();
    if (lengthM >= 1000)
        return c.toString(lengthM / 1000, 'g', 6) + QStringLiteral(" km");
    return c.toString(lengthM, 'g', 6) + QStringLiteral(" m");
}

MapDecorations::MapDecorations() = default;
MapDecorations::~MapDecorations() = default;

void MapDecorations::setCrs(const geo::Crs& crs)
{
    m_crs = crs;
    m_toDegrees.reset();
    if (crs.isEmpty() || crs.isGeographic())
        return;
    try {
        m_toDegrees = std::make_unique<geo::Transform>(crs, crs.geographic());
    } catch (const std::exception&) {
        m_crs = {}; // nothing honest to draw
    }
}

bool MapDecorations::toDegrees(double xy[2]) const
{
    if (m_crs.isEmpty())
        return false;
    if (m_toDegrees && m_toDegrees->forward(xy, 1) > 0)
        return false;
    return std::isfinite(xy[0]) && std::isfinite(xy[1]);
}

std::optional<MapDecorationLayout> MapDecorations::layout(const render::MapToPixel& view) const
{
    if (m_crs.isEmpty() || !view.isValid())
        return std::nullopt;
    const QSize size = view.outputSize();
    MapDecorationLayout layout;
    // The metres per pixel at the bar, from the geodesic length of a short probe along its row
    // (short: a long one along a parallel would cut poleward of it at national scales).
    const double barY = size.height() - kMargin - kBarHeight;
    const double left = kMargin;
    const double maxWidthPx = std::min(kMaxBarWidth, std::max(1.0, size.width() - 2 * kMargin));
    constexpr double kProbePx = 10;
    const double probeX = left + maxWidthPx / 2;
    const QPointF a = view.toMap({probeX - kProbePx / 2, barY + kBarHeight / 2});
    const QPointF b = view.toMap({probeX + kProbePx / 2, barY + kBarHeight / 2});
    std::array<double, 4> lonLat = {a.x(), a.y(), b.x(), b.y()};
    if (!toDegrees(&lonLat[0]) || !toDegrees(&lonLat[2]))
        return std::nullopt;
    const double probeM = geo::geodesicPathLengthM(lonLat, geo::Ellipsoid::of(m_crs));
    if (!(probeM > 0) || !std::isfinite(probeM))
        return std::nullopt;
    const double metresPerPixel = probeM / kProbePx;
    layout.lengthM = roundScaleBarLengthM(metresPerPixel * maxWidthPx);
    layout.lengthPx = layout.lengthM / metresPerPixel;
    layout.label = scaleBarLabel(layout.lengthM);
    layout.scaleBar = QRectF(left, barY, layout.lengthPx, kBarHeight);

    // True north at the arrow: a step north in degrees, back into the map.
    layout.northArrow =
        QRectF(size.width() - kMargin - kArrowWidth, kMargin, kArrowWidth, kArrowHeight);
    const QPointF centre = layout.northArrow.center();
    const QPointF here = view.toMap(centre);
    double point[2] = {here.x(), here.y()};
    if (m_toDegrees && toDegrees(point)) {
        const double stepDeg = std::max(1e-6, view.mapUnitsPerPixel() * 10 / 111000.0);
        double north[4] = {point[0], point[1], point[0], std::min(89.9, point[1] + stepDeg)};
        if (m_toDegrees->inverse(north, 2) == 0) {
            const QPointF from = view.toPixel(north[0], north[1]);
            const QPointF to = view.toPixel(north[2], north[3]);
            layout.northDeg =
                std::atan2(to.x() - from.x(), from.y() - to.y()) * 180 / std::numbers::pi;
        }
    }
    return layout;
}

void MapDecorations::paint(QPainter& painter, const MapDecorationLayout& layout, bool showScaleBar,
                           bool showNorthArrow)
{
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, false);
    const QColor ink(30, 30, 30);
    if (showScaleBar && layout.lengthPx > 0) {
        const QRectF bar = layout.scaleBar;
        QFont font = painter.font();
        font.setPixelSize(11);
        painter.setFont(font);
        const QFontMetricsF metrics(font);
        const QRectF text(bar.left(), bar.top() - metrics.height() - 2,
                          std::max(bar.width(), metrics.horizontalAdvance(layout.label) + 2),
                          metrics.height());
        // A pale backing so the bar reads over any map.
        painter.fillRect(text.united(bar).adjusted(-4, -2, 4, 3), QColor(255, 255, 255, 200));
        // Two halves, black then white, outlined: the bar's ends are its length.
        const QRectF first(bar.left(), bar.top(), bar.width() / 2, bar.height());
        const QRectF second(bar.left() + bar.width() / 2, bar.top(), bar.width() / 2, bar.height());
        painter.fillRect(first, ink);
        painter.fillRect(second, Qt::white);
        painter.setPen(QPen(ink, 1));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(bar.adjusted(0, 0, -1, -1));
        painter.drawText(text, Qt::AlignLeft | Qt::AlignVCenter, layout.label);
    }
    if (showNorthArrow && !layout.northArrow.isEmpty()) {
        const QRectF box = layout.northArrow;
        painter.setRenderHint(QPainter::Antialiasing, true);
        painter.fillRect(box.adjusted(-3, -3, 3, 3), QColor(255, 255, 255, 200));
        painter.translate(box.center().x(), box.top() + box.height() * 0.68);
        painter.rotate(layout.northDeg);
        const double half = box.width() / 2;
        const double tall = box.height() * 0.55;
        QPainterPath left;
        left.moveTo(0, -tall / 2 - 4);
        left.lineTo(-half + 3, tall / 2);
        left.lineTo(0, tall / 4);
        left.closeSubpath();
        QPainterPath right;
        right.moveTo(0, -tall / 2 - 4);
        right.lineTo(half - 3, tall / 2);
        right.lineTo(0, tall / 4);
        right.closeSubpath();
        painter.setPen(QPen(ink, 1));
        painter.setBrush(ink);
        painter.drawPath(left);
        painter.setBrush(Qt::white);
        painter.drawPath(right);
        QFont font = painter.font();
        font.setPixelSize(12);
        font.setBold(true);
        painter.setFont(font);
        painter.setPen(ink);
        painter.drawText(QRectF(-half, -tall / 2 - 20, 2 * half, 16), Qt::AlignCenter,
                         QStringLiteral("N"));
    }
    painter.restore();
}

} // namespace parkatlas::desktop
