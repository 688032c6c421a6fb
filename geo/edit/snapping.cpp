#include "geo/edit/snapping.h"

#include "geo/model/envelope_index.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace parkatlas::geo {

namespace {

/// A stored ring or path as the editor indexes it: a polygon ring without its closing vertex.
struct OpenPath {
    RingView view;
    std::size_t count = 0; // vertices, the closing one not counted
    bool ring = false;     // the segment from the last vertex back to the first counts

    EditPoint at(std::size_t i) const { return {view.x(i), view.y(i)}; }
    std::size_t segmentCount() const
    {
        if (count < 2)
            return 0;
        return ring ? count : count - 1;
    }
};

OpenPath openPath(const GeometryStore& store, std::size_t feature, std::size_t part,
                  std::size_t ring)
{
    OpenPath path;
    path.view = store.ring(feature, part, ring);
    path.count = path.view.vertexCount();
    path.ring = store.kind() == GeometryKind::Polygon;
    if (path.ring && path.count > 1 && path.view.x(0) == path.view.x(path.count - 1) &&
        path.view.y(0) == path.view.y(path.count - 1))
        --path.count;
    return path;
}

double squaredDistance(EditPoint a, EditPoint b)
{
    const double dx = a.x - b.x;
    const double dy = a.y - b.y;
    return dx * dx + dy * dy;
}

double distance(EditPoint a, EditPoint b)
{
    return std::sqrt(squaredDistance(a, b));
}

/// The nearest vertex and the nearest segment point within a tolerance, over the paths shown
/// to it. Strictly nearer wins, so among equals the first shown does: snapPoint shows features
/// in (layer, feature, part, ring) order with or without an index, and gets the same answer.
class NearestHits {
public:
    NearestHits(EditPoint p, double tolerance, const SnapOptions& options)
        : m_p(p), m_vertexBest(tolerance * tolerance), m_segmentBest(tolerance * tolerance),
          m_options(options)
    {
    }

    /// `where` names the path (layer, feature, part, ring).
    void consider(const OpenPath& path, const SnapHit& where)
    {
        auto record = [&](SnapHit& hit, SnapHit::Kind kind, EditPoint at, std::size_t v) {
            hit = where;
            hit.kind = kind;
            hit.point = at;
            hit.vertex = v;
        };
        if (m_options.vertices) {
            for (std::size_t v = 0; v < path.count; ++v) {
                const double d = squaredDistance(path.at(v), m_p);
                if (better(m_vertex, d, m_vertexBest)) {
                    m_vertexBest = d;
                    record(m_vertex, SnapHit::Kind::Vertex, path.at(v), v);
                }
            }
        }
        if (m_options.segments) {
            for (std::size_t s = 0; s < path.segmentCount(); ++s) {
                const EditPoint at =
                    nearestOnSegment(path.at(s), path.at((s + 1) % path.count), m_p);
                const double d = squaredDistance(at, m_p);
                if (better(m_segment, d, m_segmentBest)) {
                    m_segmentBest = d;
                    record(m_segment, SnapHit::Kind::Segment, at, s);
                }
            }
        }
    }

    /// The vertex when there is one, else the segment point, else Kind::None.
    SnapHit result() const
    {
        SnapHit hit = m_vertex ? m_vertex : m_segment;
        if (hit)
            hit.distance = std::sqrt(m_vertex ? m_vertexBest : m_segmentBest);
        return hit;
    }

private:
    static bool better(const SnapHit& hit, double d, double best)
    {
        return hit.kind == SnapHit::Kind::None ? d <= best : d < best;
    }

    EditPoint m_p;
    double m_vertexBest;
    double m_segmentBest;
    SnapOptions m_options;
    SnapHit m_vertex;
    SnapHit m_segment;
};

} // namespace

SnapHit snapPoint(std::span<const SnapLayer> layers, EditPoint p, double tolerance,
                  const SnapOptions& options)
{
    NearestHits nearest(p, tolerance, options);
    Envelope box;
    box.expand(p.x - tolerance, p.y - tolerance);
    box.expand(p.x + tolerance, p.y + tolerance);
    std::vector<std::uint32_t> candidates;
    for (const SnapLayer& layer : layers) {
        if (!layer.store || layer.store->kind() == GeometryKind::None)
            continue;
        const GeometryStore& store = *layer.store;
        candidates.clear();
        if (layer.index) {
            layer.index->query(box, candidates);
            std::sort(candidates.begin(), candidates.end());
        } else {
            for (std::size_t f = 0; f < store.featureCount(); ++f)
                if (store.envelope(f).intersects(box))
                    candidates.push_back(static_cast<std::uint32_t>(f));
        }
        for (const std::uint32_t feature : candidates) {
            if (feature >= store.featureCount())
                continue;
            for (std::size_t part = 0; part < store.partCount(feature); ++part)
                for (std::size_t r = 0; r < store.ringCount(feature, part); ++r)
                    nearest.consider(openPath(store, feature, part, r),
                                     {SnapHit::Kind::None, {}, layer.id, feature, part, r, 0, 0});
        }
    }
    return nearest.result();
}

SnapHit snapOnBoundaryOf(const GeometryStore& store, const SnapHit& on, EditPoint p,
                         double tolerance, const SnapOptions& options)
{
    if (!on || on.feature >= store.featureCount() || on.part >= store.partCount(on.feature) ||
        on.ring >= store.ringCount(on.feature, on.part))
        return {};
    NearestHits nearest(p, tolerance, options);
    nearest.consider(openPath(store, on.feature, on.part, on.ring), on);
    return nearest.result();
}

std::vector<EditPoint> traceBetween(const GeometryStore& store, const SnapHit& from,
                                    const SnapHit& to)
{
    if (!from || !to || from.layer != to.layer || from.feature != to.feature ||
        from.part != to.part || from.ring != to.ring)
        return {};
    if (store.kind() != GeometryKind::Polygon && store.kind() != GeometryKind::Line)
        return {};
    if (from.feature >= store.featureCount() || from.part >= store.partCount(from.feature) ||
        from.ring >= store.ringCount(from.feature, from.part))
        return {};
    const OpenPath path = openPath(store, from.feature, from.part, from.ring);
    const std::size_t n = path.count;
    // Positions along the path: vertex v is 2v, a point of the segment from v is 2v + 1.
    auto position = [&](const SnapHit& hit) -> std::ptrdiff_t {
        const bool onSegment = hit.kind == SnapHit::Kind::Segment;
        if (hit.vertex >= n || (onSegment && hit.vertex >= path.segmentCount()))
            return -1;
        return static_cast<std::ptrdiff_t>(2 * hit.vertex + (onSegment ? 1 : 0));
    };
    const std::ptrdiff_t start = position(from);
    const std::ptrdiff_t end = position(to);
    if (start < 0 || end < 0 || start == end)
        return {};
    // The vertices met walking from `start` to `end` one way (step +1 or -1), wrapping round a
    // ring; on a line only the way that does not leave it.
    const std::ptrdiff_t cycle = static_cast<std::ptrdiff_t>(2 * n);
    auto walk = [&](int step) {
        std::vector<EditPoint> vertices;
        for (std::ptrdiff_t at = start + step;; at += step) {
            if (path.ring)
                at = (at + cycle) % cycle;
            if (at == end)
                break;
            if (at % 2 == 0)
                vertices.push_back(path.at(static_cast<std::size_t>(at / 2)));
        }
        return vertices;
    };
    auto lengthOf = [&](const std::vector<EditPoint>& vertices) {
        double lengthM = 0;
        EditPoint last = from.point;
        for (const EditPoint& v : vertices) {
            lengthM += distance(last, v);
            last = v;
        }
        return lengthM + distance(last, to.point);
    };
    if (!path.ring)
        return walk(start < end ? 1 : -1);
    std::vector<EditPoint> forward = walk(1);
    std::vector<EditPoint> backward = walk(-1);
    return lengthOf(backward) < lengthOf(forward) ? backward : forward;
}

} // namespace parkatlas::geo
