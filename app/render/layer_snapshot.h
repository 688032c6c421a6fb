#pragma once

#include "app/render/layer_style.h"
#include "geo/io/raster.h"
#include "geo/model/envelope_index.h"
#include "geo/model/layer.h"
#include "geo/model/role.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace parkatlas::render {

/// An orthophoto on the map: the raster's header and its extent in the map CRS. Immutable and
/// shared; each render opens the file itself (see geo::readRaster).
struct RasterLayer {
    geo::RasterInfo info;
    geo::Envelope extent; // in the map CRS
};

/// What a render job needs of one layer, taken on the GUI thread and handed to a worker: the
/// layer's data (shared and immutable, so the GUI may drop or replace the layer while a job
/// still draws it) and its style at the moment of the snapshot. Safe to copy across threads.
struct LayerSnapshot {
    LayerSnapshot() = default;
    LayerSnapshot(std::shared_ptr<const geo::Layer> layer, LayerStyle style,
                  std::optional<geo::Role> role = std::nullopt,
                  std::shared_ptr<const std::vector<std::uint32_t>> features = nullptr)
        : layer(std::move(layer)), style(std::move(style)), role(role),
          features(std::move(features))
    {
    }

    std::shared_ptr<const geo::Layer> layer;
    LayerStyle style;
    /// The layer's role in the park, when its name (or file name) says one.
    std::optional<geo::Role> role;
    /// When set, only these features (indices into the layer, ascending) are drawn: a
    /// selection overlay. Null: every feature.
    std::shared_ptr<const std::vector<std::uint32_t>> features;
    /// Set for a raster layer, whose `layer` then holds no features but names it (name,
    /// sourcePath, crs). Drawn under the vectors.
    std::shared_ptr<const RasterLayer> raster;
    /// How opaque the layer is drawn, 0 (invisible) to 1: the layer is drawn as one picture
    /// and that picture blended, so overlapping features of one layer do not darken.
    double opacity = 1.0;
    /// An R-tree over the features' envelopes, built on the worker that loaded the layer, for
    /// hit-testing and box selection (null: none yet; callers then look at every feature).
    std::shared_ptr<const geo::EnvelopeIndex> index;

    bool isRaster() const { return raster != nullptr; }
    /// The layer's extent in the map CRS (empty when it has nothing to draw).
    geo::Envelope extent() const
    {
        if (raster)
            return raster->extent;
        return layer ? layer->geometry.extent() : geo::Envelope{};
    }
};

} // namespace parkatlas::render
