#include "app/render/map_settings.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace parkatlas::render {

MapSettings::MapSettings(geo::Envelope extent, QSize outputSize, double dpi, QColor background,
                         std::vector<LayerSnapshot> layers, geo::Crs crs, double devicePixelRatio)
    : m_extent(extent), m_outputSize(outputSize), m_dpi(dpi), m_devicePixelRatio(devicePixelRatio),
      m_background(std::move(background)), m_layers(std::move(layers)), m_crs(std::move(crs)),
      m_mapToPixel(MapToPixel::fitting(extent, outputSize))
{
}

MapSettings MapSettings::withExtent(const geo::Envelope& extent) const
{
    MapSettings changed(extent, m_outputSize, m_dpi, m_background, m_layers, m_crs,
                        m_devicePixelRatio);
    changed.m_labelObstacles = m_labelObstacles;
    changed.m_levelOfDetail = m_levelOfDetail;
    changed.m_bands = m_bands;
    return changed;
}

MapSettings MapSettings::withOutputSize(QSize outputSize) const
{
    MapSettings changed(m_extent, outputSize, m_dpi, m_background, m_layers, m_crs,
                        m_devicePixelRatio);
    changed.m_labelObstacles = m_labelObstacles;
    changed.m_levelOfDetail = m_levelOfDetail;
    changed.m_bands = m_bands;
    return changed;
}

MapSettings MapSettings::withLayers(std::vector<LayerSnapshot> layers) const
{
    MapSettings changed(m_extent, m_outputSize, m_dpi, m_background, std::move(layers), m_crs,
                        m_devicePixelRatio);
    changed.m_labelObstacles = m_labelObstacles;
    changed.m_levelOfDetail = m_levelOfDetail;
    changed.m_bands = m_bands;
    return changed;
}

MapSettings MapSettings::withLabelObstacles(std::vector<QRectF> obstacles) const
{
    MapSettings changed = *this;
    changed.m_labelObstacles = std::move(obstacles);
    return changed;
}

MapSettings MapSettings::withLevelOfDetail(bool on) const
{
    MapSettings changed = *this;
    changed.m_levelOfDetail = on;
    return changed;
}

MapSettings MapSettings::withBands(int bands) const
{
    MapSettings changed = *this;
    changed.m_bands = std::max(0, bands);
    return changed;
}

MapSettings MapSettings::rows(int first, int count) const
{
    MapSettings band = *this;
    band.m_mapToPixel = m_mapToPixel.rows(first, count);
    band.m_outputSize.setHeight(count);
    band.m_extent = band.m_mapToPixel.visibleExtent();
    band.m_underlay = QImage();
    band.m_bands = 1;
    return band;
}

MapSettings MapSettings::withUnderlay(QImage underlay) const
{
    MapSettings changed = *this;
    changed.m_underlay = std::move(underlay);
    return changed;
}

double scaleDenominator(const MapToPixel& view, const geo::Crs& crs, double dpi)
{
    if (crs.isEmpty() || !view.isValid())
        return 0;
    double metresPerUnit = crs.linearUnitM();
    if (crs.isGeographic()) {
        const double latitude = view.centerY() * std::numbers::pi / 180.0;
        metresPerUnit = crs.semiMajorM() * std::numbers::pi / 180.0 * std::cos(latitude);
    }
    const double metresPerInch = 0.0254;
    return view.mapUnitsPerPixel() * metresPerUnit * dpi / metresPerInch;
}

geo::Envelope combinedExtent(const std::vector<LayerSnapshot>& layers)
{
    geo::Envelope extent;
    for (const LayerSnapshot& snapshot : layers)
        if (const geo::Envelope layerExtent = snapshot.extent(); !layerExtent.isEmpty())
            extent.expand(layerExtent);
    return extent;
}

} // namespace parkatlas::render
