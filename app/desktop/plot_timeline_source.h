#pragma once

#include "app/desktop/map_canvas.h"
#include "geo/diff/plot_timeline.h"

#include <cstddef>
#include <string>
#include <vector>

namespace parkatlas::desktop {

/// What the identify panel shows of a plot's timeline.
struct PlotTimeline {
    bool applies = false; // a parcel, an acquisition batch or an idle-land case
    std::vector<geo::TimelineStep> steps;
    /// Why the history could not be read ("" when it was, or the park keeps none).
    std::string problem;
};

/// The timeline of feature `feature` of the canvas layer `layerIndex`: its contract fields and
/// the history rows of it kept beside its layer (geo/store/history.h); for a parcel also the
/// idle-land cases naming its parcel_id. `asOf` (YYYY-MM-DD, "" = today) leaves out what the
/// history recorded after that day.
PlotTimeline plotTimelineOf(const std::vector<MapCanvas::CanvasLayer>& layers,
                            std::size_t layerIndex, std::size_t feature, const std::string& asOf);

} // namespace parkatlas::desktop
