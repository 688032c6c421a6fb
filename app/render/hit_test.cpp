#include "app/render/hit_test.h"

#include <algorithm>
#include <cmath>

namespace parkatlas::render {

namespace {

geo::Envelope grown(geo::Envelope envelope, double by)
{
    envelope.minX -= by;
    envelope.minY -= by;
    envelope.maxX += by;
    envelope.maxY += by;
    return envelope;
}

bool contains(const geo::Envelope& box, double x, double y)
{
    return x >= box.minX && x <= box.maxX && y >= box.minY && y <= box.maxY;
}

/// Liang–Barsky: does the segment touch the box?
bool segmentTouchesBox(double ax, double ay, double bx, double by, const geo::Envelope& box)
{
    double t0 = 0;
    double t1 = 1;
    const double dx = bx - ax;
    const double dy = by - ay;
    const double p[4] = {-dx, dx, -dy, dy};
    const double q[4] = {ax - box.minX, box.maxX - ax, ay - box.minY, box.maxY - ay};
    for (int i = 0; i < 4; ++i) {
        if (p[i] == 0) {
            if (q[i] < 0)
                return false;
            continue;
        }
        const double t = q[i] / p[i];
        if (p[i] < 0)
            t0 = std::max(t0, t);
        else
            t1 = std::min(t1, t);
        if (t0 > t1)
            return false;
    }
    return true;
}

/// Even-odd crossing count of a horizontal ray from (x, y) over one ring; also reports whether
/// the point lies within `tolerance` of one of its edges.
bool ringCrossings(const geo::RingView& ring, double x, double y, double tolerance, bool closeRing,
                   bool& nearEdge)
{
    bool inside = false;
    const std::size_t count = ring.vertexCount();
    if (count == 0)
        return false;
    const std::size_t edges = closeRing ? count : count - 1;
    for (std::size_t i = 0; i < edges; ++i) {
        const std::size_t j = (i + 1) % count;
        const double ax = ring.x(i);
        const double ay = ring.y(i);
        const double bx = ring.x(j);
        const double by = ring.y(j);
        if ((ay > y) != (by > y) && x < (bx - ax) * (y - ay) / (by - ay) + ax)
            inside = !inside;
        if (!nearEdge && tolerance > 0 && distanceToSegment(x, y, ax, ay, bx, by) <= tolerance)
            nearEdge = true;
    }
    return inside;
}

} // namespace

double distanceToSegment(double x, double y, double ax, double ay, double bx, double by)
{
    const double dx = bx - ax;
    const double dy = by - ay;
    const double lengthSquared = dx * dx + dy * dy;
    double t = lengthSquared > 0 ? ((x - ax) * dx + (y - ay) * dy) / lengthSquared : 0;
    t = std::clamp(t, 0.0, 1.0);
    return std::hypot(x - (ax + t * dx), y - (ay + t * dy));
}

bool featureContains(const geo::GeometryStore& store, std::size_t feature, double x, double y,
                     double tolerance)
{
    if (feature >= store.featureCount() || store.isEmpty(feature) ||
        !contains(grown(store.envelope(feature), tolerance), x, y))
        return false;
    switch (store.kind()) {
    case geo::GeometryKind::Polygon: {
        bool inside = false;
        bool nearEdge = false;
        for (std::size_t part = 0; part < store.partCount(feature); ++part)
            for (std::size_t ring = 0; ring < store.ringCount(feature, part); ++ring)
                if (ringCrossings(store.ring(feature, part, ring), x, y, tolerance, true, nearEdge))
                    inside = !inside;
        return inside || nearEdge;
    }
    case geo::GeometryKind::Line:
        for (std::size_t part = 0; part < store.partCount(feature); ++part)
            for (std::size_t ring = 0; ring < store.ringCount(feature, part); ++ring) {
                const geo::RingView path = store.ring(feature, part, ring);
                for (std::size_t i = 0; i + 1 < path.vertexCount(); ++i)
                    if (distanceToSegment(x, y, path.x(i), path.y(i), path.x(i + 1),
                                          path.y(i + 1)) <= tolerance)
                        return true;
                if (path.vertexCount() == 1 &&
                    std::hypot(x - path.x(0), y - path.y(0)) <= tolerance)
                    return true;
            }
        return false;
    case geo::GeometryKind::Point:
        for (std::size_t part = 0; part < store.partCount(feature); ++part)
            for (std::size_t ring = 0; ring < store.ringCount(feature, part); ++ring) {
                const geo::RingView points = store.ring(feature, part, ring);
                for (std::size_t i = 0; i < points.vertexCount(); ++i)
                    if (std::hypot(x - points.x(i), y - points.y(i)) <= tolerance)
                        return true;
            }
        return false;
    case geo::GeometryKind::None:
        break;
    }
    return false;
}

std::vector<std::size_t> featuresAt(const geo::GeometryStore& store, double x, double y,
                                    double tolerance)
{
    std::vector<std::size_t> hits;
    for (std::size_t feature = 0; feature < store.featureCount(); ++feature)
        if (featureContains(store, feature, x, y, tolerance))
            hits.push_back(feature);
    return hits;
}

bool featureIntersects(const geo::GeometryStore& store, std::size_t feature,
                       const geo::Envelope& box)
{
    if (feature >= store.featureCount() || store.isEmpty(feature) || box.isEmpty())
        return false;
    const geo::Envelope& envelope = store.envelope(feature);
    if (!envelope.intersects(box))
        return false;
    if (envelope.minX >= box.minX && envelope.maxX <= box.maxX && envelope.minY >= box.minY &&
        envelope.maxY <= box.maxY)
        return true; // wholly inside
    const bool polygon = store.kind() == geo::GeometryKind::Polygon;
    for (std::size_t part = 0; part < store.partCount(feature); ++part)
        for (std::size_t ring = 0; ring < store.ringCount(feature, part); ++ring) {
            const geo::RingView path = store.ring(feature, part, ring);
            const std::size_t count = path.vertexCount();
            for (std::size_t i = 0; i < count; ++i) {
                if (contains(box, path.x(i), path.y(i)))
                    return true;
                if (store.kind() == geo::GeometryKind::Point)
                    continue;
                const bool last = i + 1 == count;
                if (last && !polygon)
                    break;
                const std::size_t j = last ? 0 : i + 1;
                if (segmentTouchesBox(path.x(i), path.y(i), path.x(j), path.y(j), box))
                    return true;
            }
        }
    // No vertex inside and no edge crossing: a polygon can still hold the whole box.
    return polygon &&
           featureContains(store, feature, (box.minX + box.maxX) / 2, (box.minY + box.maxY) / 2, 0);
}

std::vector<std::size_t> featuresIntersecting(const geo::GeometryStore& store,
                                              const geo::Envelope& box,
                                              const geo::EnvelopeIndex* index)
{
    std::vector<std::size_t> hits;
    if (index) {
        std::vector<std::uint32_t> candidates;
        index->query(box, candidates);
        std::sort(candidates.begin(), candidates.end());
        for (const std::uint32_t feature : candidates)
            if (featureIntersects(store, feature, box))
                hits.push_back(feature);
        return hits;
    }
    for (std::size_t feature = 0; feature < store.featureCount(); ++feature)
        if (featureIntersects(store, feature, box))
            hits.push_back(feature);
    return hits;
}

} // namespace parkatlas::render

namespace parkatlas::render {

bool featureOutlineNear(const geo::GeometryStore& store, std::size_t feature, double x, double y,
                        double tolerance)
{
    if (store.kind() != geo::GeometryKind::Polygon)
        return featureContains(store, feature, x, y, tolerance);
    if (feature >= store.featureCount() || store.isEmpty(feature) ||
        !contains(grown(store.envelope(feature), tolerance), x, y))
        return false;
    for (std::size_t part = 0; part < store.partCount(feature); ++part)
        for (std::size_t ring = 0; ring < store.ringCount(feature, part); ++ring) {
            const geo::RingView path = store.ring(feature, part, ring);
            const std::size_t count = path.vertexCount();
            for (std::size_t i = 0; i < count; ++i) {
                const std::size_t j = (i + 1) % count;
                if (distanceToSegment(x, y, path.x(i), path.y(i), path.x(j), path.y(j)) <=
                    tolerance)
                    return true;
            }
        }
    return false;
}

} // namespace parkatlas::render
