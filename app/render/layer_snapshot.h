#pragma once

#include "app/render/layer_style.h"
#include "geo/model/layer.h"

#include <memory>

namespace parkatlas::render {

/// What a render job needs of one layer, taken on the GUI thread and handed to a worker: the
/// layer's data (shared and immutable, so the GUI may drop or replace the layer while a job
/// still draws it) and its style at the moment of the snapshot. Safe to copy across threads.
struct LayerSnapshot {
    std::shared_ptr<const geo::Layer> layer;
    LayerStyle style;
};

} // namespace parkatlas::render
