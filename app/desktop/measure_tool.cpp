#include "app/desktop/measure_tool.h"

#include "geo/measure/area.h"
#include "geo/model/geometry_store.h"
#include "geo/units.h"

#include <cmath>
#include <exception>

namespace parkatlas::desktop {

MeasureTool::MeasureTool(QObject* parent) : QObject(parent) {}

void MeasureTool::setCrs(geo::Crs crs)
{
    m_crs = std::move(crs);
    clear();
}

void MeasureTool::setMode(Mode mode)
{
    if (mode == m_mode)
        return;
    m_mode = mode;
    update();
}

void MeasureTool::addPoint(QPointF mapPoint)
{
    m_points.push_back(mapPoint);
    update();
}

void MeasureTool::setFloatingPoint(std::optional<QPointF> mapPoint)
{
    m_floating = mapPoint;
    update();
}

void MeasureTool::clear()
{
    m_points.clear();
    m_floating.reset();
    update();
}

std::vector<QPointF> MeasureTool::pathWithFloatingPoint() const
{
    std::vector<QPointF> path = m_points;
    if (m_floating && !path.empty())
        path.push_back(*m_floating);
    return path;
}

void MeasureTool::update()
{
    const std::vector<QPointF> path = pathWithFloatingPoint();
    m_lengthM = 0;
    m_areaM2 = 0;
    if (m_crs.isEmpty()) {
        m_lengthM = m_areaM2 = std::nan("");
        emit changed();
        return;
    }
    try {
        geo::AreaCalculator calculator(m_crs, geo::AreaMethod::Ellipsoidal);
        if (path.size() >= 2) {
            geo::GeometryStore line(geo::GeometryKind::Line);
            line.beginFeature();
            line.beginPart();
            line.beginRing();
            for (const QPointF& point : path)
                line.addVertex(point.x(), point.y());
            line.endFeature();
            m_lengthM = calculator.lengthM(line, 0);
        }
        if (path.size() >= 3) {
            geo::GeometryStore polygon(geo::GeometryKind::Polygon);
            polygon.beginFeature();
            polygon.beginPart();
            polygon.beginRing();
            for (const QPointF& point : path)
                polygon.addVertex(point.x(), point.y());
            polygon.addVertex(path.front().x(), path.front().y());
            polygon.endFeature();
            m_areaM2 = calculator.areaM2(polygon, 0);
            if (m_mode == Mode::Area) // the perimeter, closing edge included
                m_lengthM = calculator.lengthM(polygon, 0);
        }
    } catch (const std::exception&) {
        m_lengthM = m_areaM2 = std::nan("");
    }
    emit changed();
}

QString MeasureTool::summary() const
{
    if (m_crs.isEmpty())
        return tr("Measuring needs a map coordinate system.");
    if (m_points.empty())
        return m_mode == Mode::Distance ? tr("Distance: click points on the map; Esc clears.")
                                        : tr("Area: click the corners on the map; Esc clears.");
    const auto fixed = [](double value, int decimals) {
        return QString::fromStdString(geo::formatForDisplay(value, decimals));
    };
    const QString length = m_lengthM >= 1000 ? tr("%1 km").arg(fixed(m_lengthM / 1000, 3))
                                             : tr("%1 m").arg(fixed(m_lengthM, 2));
    if (m_mode == Mode::Distance)
        return tr("Distance (ellipsoidal): %1").arg(length);
    return tr("Area (ellipsoidal): %1 m² = %2 mu = %3 ha; perimeter %4")
        .arg(fixed(m_areaM2, 2), fixed(geo::muFromM2(m_areaM2), 2),
             fixed(geo::hectaresFromM2(m_areaM2), 4), length);
}

} // namespace parkatlas::desktop
