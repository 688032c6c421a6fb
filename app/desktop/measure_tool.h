#pragma once

#include "geo/crs/crs.h"

#include <QObject>
#include <QPointF>

#include <limits>
#include <optional>
#include <vector>

namespace parkatlas::desktop {

/// The measure tool's state: the points clicked on the map (map CRS), an optional floating
/// point (the cursor, for the live figure), and what they measure. Distances and areas are
/// ellipsoidal, by geo::AreaCalculator over a temporary GeometryStore in the map CRS: the path's
/// geodesic length, and the area on the datum's ellipsoid of the polygon as drawn. Lives on the
/// GUI thread; each figure is a few microseconds.
class MeasureTool : public QObject {
    Q_OBJECT
public:
    enum class Mode { Distance, Area };

    explicit MeasureTool(QObject* parent = nullptr);

    void setCrs(geo::Crs crs);
    const geo::Crs& crs() const { return m_crs; }
    void setMode(Mode mode);
    Mode mode() const { return m_mode; }

    void addPoint(QPointF mapPoint);
    /// The cursor's position while measuring (nullopt: none), counted as a last point.
    void setFloatingPoint(std::optional<QPointF> mapPoint);
    /// Forgets every point (Esc).
    void clear();

    const std::vector<QPointF>& points() const { return m_points; }
    const std::optional<QPointF>& floatingPoint() const { return m_floating; }
    /// The clicked points and the floating one.
    std::vector<QPointF> pathWithFloatingPoint() const;

    /// Geodesic length of the path in metres (NaN without a CRS); 0 below two points.
    double lengthM() const { return m_lengthM; }
    /// Ellipsoidal area of the closed polygon in m² (NaN without a CRS); 0 below three points.
    double areaM2() const { return m_areaM2; }
    /// What the figures say, for the status bar: "1.234 km" or "10000.00 m² = 15.00 亩 = 1.0000
    /// ha (ellipsoidal)"; translated.
    QString summary() const;

signals:
    void changed();

private:
    void update();

    geo::Crs m_crs;
    Mode m_mode = Mode::Distance;
    std::vector<QPointF> m_points;
    std::optional<QPointF> m_floating;
    double m_lengthM = 0;
    double m_areaM2 = 0;
};

} // namespace parkatlas::desktop
