#pragma once

#include "geo/model/envelope_index.h"
#include "geo/model/geometry_store.h"

#include <cstddef>
#include <vector>

namespace parkatlas::render {

/// Hit-testing on a flat GeometryStore, in the store's coordinates: an envelope prefilter, then
/// the exact test. No allocation per feature, no PROJ or GEOS: cheap enough for the GUI thread
/// on a click (every feature's envelope is looked at once). Thread-safety: reads only.

/// True when (x, y) is inside the polygon feature (even-odd over all its rings, so holes are
/// outside) or within `tolerance` of its outline; for lines, within `tolerance` of a segment;
/// for points, within `tolerance` of a point.
bool featureContains(const geo::GeometryStore& store, std::size_t feature, double x, double y,
                     double tolerance);

/// The features at (x, y) with featureContains(…, tolerance), in ascending order.
std::vector<std::size_t> featuresAt(const geo::GeometryStore& store, double x, double y,
                                    double tolerance);

/// True when the feature touches the box: a vertex inside it, an edge crossing it, or (polygons)
/// the box lying inside the feature.
bool featureIntersects(const geo::GeometryStore& store, std::size_t feature,
                       const geo::Envelope& box);

/// The features that touch the box, in ascending order. With `index` (an EnvelopeIndex over
/// the store) only the features whose envelopes touch the box are looked at.
std::vector<std::size_t> featuresIntersecting(const geo::GeometryStore& store,
                                              const geo::Envelope& box,
                                              const geo::EnvelopeIndex* index = nullptr);

/// Distance from (x, y) to the segment (ax, ay)–(bx, by).
double distanceToSegment(double x, double y, double ax, double ay, double bx, double by);

} // namespace parkatlas::render

namespace parkatlas::render {

/// True when (x, y) lies within `tolerance` of the outline of a polygon feature (any ring),
/// of a line, or of a point: what can be seen of a feature drawn without a fill.
bool featureOutlineNear(const geo::GeometryStore& store, std::size_t feature, double x, double y,
                        double tolerance);

} // namespace parkatlas::render
