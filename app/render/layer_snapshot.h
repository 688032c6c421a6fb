#pragma once

#include "app/render/layer_style.h"
#include "geo/model/layer.h"
#include "geo/model/role.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace parkatlas::render {

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
};

} // namespace parkatlas::render
