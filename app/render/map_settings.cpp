#include "app/render/map_settings.h"

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
    return changed;
}

MapSettings MapSettings::withOutputSize(QSize outputSize) const
{
    MapSettings changed(m_extent, outputSize, m_dpi, m_background, m_layers, m_crs,
                        m_devicePixelRatio);
    changed.m_labelObstacles = m_labelObstacles;
    return changed;
}

MapSettings MapSettings::withLayers(std::vector<LayerSnapshot> layers) const
{
    MapSettings changed(m_extent, m_outputSize, m_dpi, m_background, std::move(layers), m_crs,
                        m_devicePixelRatio);
    changed.m_labelObstacles = m_labelObstacles;
    return changed;
}

MapSettings MapSettings::withLabelObstacles(std::vector<QRectF> obstacles) const
{
    MapSettings changed = *this;
    changed.m_labelObstacles = std::move(obstacles);
    return changed;
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
