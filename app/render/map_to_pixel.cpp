#include "app/render/map_to_pixel.h"

#include <algorithm>
#include <cmath>

namespace parkatlas::render {

MapToPixel::MapToPixel(double centerX, double centerY, double mapUnitsPerPixel, QSize outputSize)
    : m_centerX(centerX), m_centerY(centerY), m_mapUnitsPerPixel(mapUnitsPerPixel),
      m_outputSize(outputSize)
{
    update();
}

MapToPixel MapToPixel::fitting(const geo::Envelope& extent, QSize outputSize)
{
    const int width = std::max(1, outputSize.width());
    const int height = std::max(1, outputSize.height());
    if (extent.isEmpty())
        return MapToPixel(0, 0, 1, QSize(width, height));
    double unitsPerPixel = std::max(extent.width() / width, extent.height() / height);
    if (!(unitsPerPixel > 0)) // a single point, or one horizontal / vertical line
        unitsPerPixel = std::max({extent.width(), extent.height(), 1.0}) / std::max(width, height);
    return MapToPixel((extent.minX + extent.maxX) / 2, (extent.minY + extent.maxY) / 2,
                      unitsPerPixel, QSize(width, height));
}

bool MapToPixel::isValid() const
{
    return m_outputSize.width() > 0 && m_outputSize.height() > 0 &&
           std::isfinite(m_mapUnitsPerPixel) && m_mapUnitsPerPixel > 0 &&
           std::isfinite(m_centerX) && std::isfinite(m_centerY);
}

geo::Envelope MapToPixel::visibleExtent() const
{
    geo::Envelope extent;
    extent.minX = m_left;
    extent.maxY = m_top - m_firstRow * m_mapUnitsPerPixel;
    extent.maxX = m_left + m_outputSize.width() * m_mapUnitsPerPixel;
    extent.minY = m_top - (m_firstRow + m_outputSize.height()) * m_mapUnitsPerPixel;
    return extent;
}

MapToPixel MapToPixel::pannedByPixels(QPointF pixels) const
{
    return MapToPixel(m_centerX - pixels.x() * m_mapUnitsPerPixel,
                      m_centerY + pixels.y() * m_mapUnitsPerPixel, m_mapUnitsPerPixel,
                      m_outputSize);
}

MapToPixel MapToPixel::zoomedAt(double factor, QPointF anchorPixel) const
{
    if (!(factor > 0))
        return *this;
    const QPointF anchor = toMap(anchorPixel);
    const double unitsPerPixel = m_mapUnitsPerPixel / factor;
    // Keep `anchor` under `anchorPixel`: centre = anchor + (centrePixel - anchorPixel) * upp.
    const double centerX =
        anchor.x() + (m_outputSize.width() / 2.0 - anchorPixel.x()) * unitsPerPixel;
    const double centerY =
        anchor.y() - (m_outputSize.height() / 2.0 - anchorPixel.y()) * unitsPerPixel;
    return MapToPixel(centerX, centerY, unitsPerPixel, m_outputSize);
}

MapToPixel MapToPixel::resized(QSize outputSize) const
{
    return MapToPixel(m_centerX, m_centerY, m_mapUnitsPerPixel, outputSize);
}

MapToPixel MapToPixel::rows(int first, int count) const
{
    MapToPixel band = *this;
    band.m_firstRow = m_firstRow + first;
    band.m_outputSize.setHeight(count);
    return band;
}

void MapToPixel::update()
{
    m_left = m_centerX - m_outputSize.width() / 2.0 * m_mapUnitsPerPixel;
    m_top = m_centerY + m_outputSize.height() / 2.0 * m_mapUnitsPerPixel;
}

} // namespace parkatlas::render
