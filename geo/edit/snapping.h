#pragma once

#include "geo/edit/edit_geometry.h"

#include <cstddef>
#include <span>
#include <vector>

namespace parkatlas::geo {

class EnvelopeIndex;

/// A layer the cursor may snap to: its geometry and (when there is one) an index over its
/// features' envelopes. `id` is the caller's (the canvas's layer index) and comes back in hits.
struct SnapLayer {
    const GeometryStore* store = nullptr;
    const EnvelopeIndex* index = nullptr; // null: every feature is looked at
    int id = 0;
};

struct SnapOptions {
    bool vertices = true;
    bool segments = true;
};

/// Where the cursor snapped: a vertex (preferred when one is within the tolerance) or the
/// nearest point of a segment. `vertex` is the vertex, or the first vertex of the segment, in
/// ring `ring` of part `part` of `feature` (a line: ring 0).
struct SnapHit {
    enum class Kind { None, Vertex, Segment };
    Kind kind = Kind::None;
    EditPoint point;
    int layer = 0;
    std::size_t feature = 0;
    std::size_t part = 0;
    std::size_t ring = 0;
    std::size_t vertex = 0;
    double distance = 0;

    explicit operator bool() const { return kind != Kind::None; }
};

/// Snaps `p` to the nearest vertex within `tolerance` (map units) of any feature of `layers`,
/// else to the nearest segment point within it; Kind::None when nothing is that close.
SnapHit snapPoint(std::span<const SnapLayer> layers, EditPoint p, double tolerance,
                  const SnapOptions& options = {});

/// Snaps `p` as snapPoint does, but only to the ring or line `on` lies on (`store` is its
/// layer). For the second click of a trace: where neighbours share an edge or a vertex,
/// snapPoint may answer with the neighbour, and traceBetween needs both hits on one boundary.
SnapHit snapOnBoundaryOf(const GeometryStore& store, const SnapHit& on, EditPoint p,
                         double tolerance, const SnapOptions& options = {});

/// Tracing: the vertices of the boundary `from` and `to` both lie on (the same layer, feature,
/// part and ring, or the same line), strictly between them, in order from `from` to `to`. On a
/// ring the shorter way round (by length); on a line the way between them. Empty when they are
/// not on the same ring or line, or when no vertex lies between them. `store` is the layer both
/// hits came from.
std::vector<EditPoint> traceBetween(const GeometryStore& store, const SnapHit& from,
                                    const SnapHit& to);

} // namespace parkatlas::geo
