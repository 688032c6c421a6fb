#include "geo/rules/interior_disjoint.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace parkatlas::geo {

namespace {

constexpr double kEpsilon = std::numeric_limits<double>::epsilon() / 2; // 2^-53
// Shewchuk's orient2d error bound for the plain floating-point determinant.
constexpr double kOrientBound = (3.0 + 16.0 * kEpsilon) * kEpsilon;
constexpr int kUnsure = 2;

struct Point {
    double x, y;
    bool operator==(const Point& o) const { return x == o.x && y == o.y; }
};

struct Edge {
    Point p, q;
    double minX, minY, maxX, maxY;
};

/// The orientation determinant of r against p→q (> 0: r left of the line) and Shewchuk's bound
/// on its rounding error.
struct Determinant {
    double value, bound;
};
Determinant determinant(const Point& p, const Point& q, const Point& r)
{
    const double left = (q.x - p.x) * (r.y - p.y);
    const double right = (q.y - p.y) * (r.x - p.x);
    return {left - right, kOrientBound * (std::abs(left) + std::abs(right))};
}

/// Side of r against the line p→q: +1 left, -1 right, 0 only when r is p or q (exact), kUnsure
/// when the floating-point determinant cannot settle it.
int orientation(const Point& p, const Point& q, const Point& r)
{
    if (r == p || r == q)
        return 0;
    const Determinant d = determinant(p, q, r);
    if (d.value > d.bound)
        return 1;
    if (-d.value > d.bound)
        return -1;
    return kUnsure;
}

/// The edges of a valid single polygon (every ring; zero-length edges dropped), or false.
bool edgesOf(const GeometryStore& store, std::size_t feature, std::vector<Edge>& edges)
{
    edges.clear();
    if (store.kind() != GeometryKind::Polygon || store.partCount(feature) != 1)
        return false;
    const std::size_t rings = store.ringCount(feature, 0);
    for (std::size_t r = 0; r < rings; ++r) {
        const RingView ring = store.ring(feature, 0, r);
        const std::size_t n = ring.vertexCount();
        if (n < 3)
            return false;
        auto add = [&](std::size_t a, std::size_t b) {
            const Point p{ring.x(a), ring.y(a)}, q{ring.x(b), ring.y(b)};
            if (p == q)
                return;
            edges.push_back({p, q, std::min(p.x, q.x), std::min(p.y, q.y), std::max(p.x, q.x),
                             std::max(p.y, q.y)});
        };
        for (std::size_t k = 0; k + 1 < n; ++k)
            add(k, k + 1);
        add(n - 1, 0); // nothing when the ring is stored closed
    }
    return !edges.empty();
}

enum class Where { Inside, Outside, Unsure };

/// Where the point m lies against the polygon of `edges` (crossing number, ray towards +x),
/// refusing when any edge passes so close that the rounding of m (a computed midpoint) could
/// put it on the wrong side.
Where locate(const Point& m, const std::vector<Edge>& edges)
{
    const double scale = std::abs(m.x) + std::abs(m.y);
    const double tolerance = 8 * kEpsilon * scale;
    bool inside = false;
    for (const Edge& e : edges) {
        const bool near = m.x >= e.minX - tolerance && m.x <= e.maxX + tolerance &&
                          m.y >= e.minY - tolerance && m.y <= e.maxY + tolerance;
        Determinant d{0, 0};
        if (near) {
            d = determinant(e.p, e.q, m);
            const double length = std::abs(e.q.x - e.p.x) + std::abs(e.q.y - e.p.y);
            if (std::abs(d.value) <= d.bound + length * tolerance)
                return Where::Unsure;
        }
        if ((e.p.y > m.y) == (e.q.y > m.y))
            continue; // does not straddle the ray's line
        // Straddling with m.x inside the edge's box means `near`, so d is the determinant.
        // d > 0: m left of p→q; the ray crosses when m is left of the edge taken upward.
        const bool crosses = m.x < e.minX   ? true
                             : m.x > e.maxX ? false
                                            : (e.q.y > e.p.y ? d.value > 0 : d.value < 0);
        if (crosses)
            inside = !inside;
    }
    return inside ? Where::Inside : Where::Outside;
}

/// The box of a list of edges.
struct Box {
    double minX, minY, maxX, maxY;
};
Box boxOf(const std::vector<Edge>& edges)
{
    Box box{edges.front().minX, edges.front().minY, edges.front().maxX, edges.front().maxY};
    for (const Edge& e : edges) {
        box.minX = std::min(box.minX, e.minX);
        box.minY = std::min(box.minY, e.minY);
        box.maxX = std::max(box.maxX, e.maxX);
        box.maxY = std::max(box.maxY, e.maxY);
    }
    return box;
}

/// The edges of `edges` whose boxes meet `box` (edges and box closed).
void edgesMeeting(const std::vector<Edge>& edges, const Box& box, std::vector<std::uint32_t>& out)
{
    out.clear();
    for (std::size_t k = 0; k < edges.size(); ++k) {
        const Edge& e = edges[k];
        if (!(box.maxX < e.minX || box.minX > e.maxX || box.maxY < e.minY || box.minY > e.maxY))
            out.push_back(static_cast<std::uint32_t>(k));
    }
}

/// True when every edge of `from` not shared with `against` lies outside `against` (whose
/// box is `box`).
bool edgesStayOutside(const std::vector<Edge>& from, const std::vector<char>& shared,
                      const std::vector<Edge>& against, const Box& box)
{
    for (std::size_t k = 0; k < from.size(); ++k) {
        if (shared[k])
            continue;
        const Point m{(from[k].p.x + from[k].q.x) / 2, (from[k].p.y + from[k].q.y) / 2};
        // Farther from the box than locate's tolerance: no edge of `against` is near m and the
        // ray crosses its closed rings an even number of times, so locate would say Outside.
        const double tolerance = 8 * kEpsilon * (std::abs(m.x) + std::abs(m.y));
        if (m.x < box.minX - tolerance || m.x > box.maxX + tolerance ||
            m.y < box.minY - tolerance || m.y > box.maxY + tolerance)
            continue;
        if (locate(m, against) != Where::Outside)
            return false;
    }
    return true;
}

} // namespace

bool provesInteriorsDisjoint(const GeometryStore& a, std::size_t featureA, const GeometryStore& b,
                             std::size_t featureB)
{
    thread_local std::vector<Edge> edgesA, edgesB;
    thread_local std::vector<char> sharedA, sharedB;
    const Envelope& envA = a.envelope(featureA);
    const Envelope& envB = b.envelope(featureB);
    if (envA.minX == envB.minX && envA.minY == envB.minY && envA.maxX == envB.maxX &&
        envA.maxY == envB.maxY)
        return false; // equal interiors would look like this
    if (!edgesOf(a, featureA, edgesA) || !edgesOf(b, featureB, edgesB))
        return false;
    sharedA.assign(edgesA.size(), 0);
    sharedB.assign(edgesB.size(), 0);
    // Only edges whose boxes meet the other polygon's box can meet one of its edges (the pairs
    // the loop below would skip on their boxes anyway).
    const Box boxA = boxOf(edgesA), boxB = boxOf(edgesB);
    thread_local std::vector<std::uint32_t> nearA, nearB;
    edgesMeeting(edgesA, boxB, nearA);
    edgesMeeting(edgesB, boxA, nearB);
    for (const std::uint32_t k : nearA) {
        const Edge& ea = edgesA[k];
        for (const std::uint32_t l : nearB) {
            const Edge& eb = edgesB[l];
            if (eb.maxX < ea.minX || eb.minX > ea.maxX || eb.maxY < ea.minY || eb.minY > ea.maxY)
                continue;
            const bool pp = ea.p == eb.p, pq = ea.p == eb.q, qp = ea.q == eb.p, qq = ea.q == eb.q;
            if ((pp && qq) || (pq && qp)) { // the same edge, either way round
                sharedA[k] = sharedB[l] = 1;
                continue;
            }
            if (pp || pq || qp || qq) {
                // One common end point s: they meet nowhere else unless they run along each
                // other from s (a street frontage continued by the next plot runs away from s).
                const Point& s = pp || pq ? ea.p : ea.q;
                const Point& u = pp || pq ? ea.q : ea.p;
                const Point& v = pp || qp ? eb.q : eb.p;
                const double tx = (u.x - s.x) * (v.x - s.x), ty = (u.y - s.y) * (v.y - s.y);
                if (tx + ty < -kOrientBound * (std::abs(tx) + std::abs(ty)))
                    continue; // opposite directions from s
                const int side = orientation(s, u, v);
                if (side == 1 || side == -1)
                    continue; // diverging from s
                return false;
            }
            // No common end point: orientations are certain or refused (never zero).
            const int b0 = orientation(ea.p, ea.q, eb.p);
            const int b1 = orientation(ea.p, ea.q, eb.q);
            const int a0 = orientation(eb.p, eb.q, ea.p);
            const int a1 = orientation(eb.p, eb.q, ea.q);
            if (b0 == kUnsure || b1 == kUnsure || a0 == kUnsure || a1 == kUnsure)
                return false;
            if (b0 * b1 < 0 && a0 * a1 < 0)
                return false; // a proper crossing
            // Otherwise they do not meet.
        }
    }
    return edgesStayOutside(edgesA, sharedA, edgesB, boxB) &&
           edgesStayOutside(edgesB, sharedB, edgesA, boxA);
}

bool provesValidSimplePolygon(const GeometryStore& store, std::size_t feature)
{
    // Rings longer than this go to GEOS: the pairwise test below grows with the square.
    constexpr std::size_t kLongestRing = 64;
    if (store.kind() != GeometryKind::Polygon || store.partCount(feature) != 1 ||
        store.ringCount(feature, 0) != 1)
        return false;
    const RingView ring = store.ring(feature, 0, 0);
    if (ring.vertexCount() > kLongestRing + 1)
        return false;
    // The distinct vertices in ring order: repeated ones (the closing vertex among them) left
    // out, as GEOS ignores zero-length segments. fromStore closes an open ring.
    thread_local std::vector<Point> points;
    points.clear();
    for (std::size_t k = 0; k < ring.vertexCount(); ++k) {
        const Point p{ring.x(k), ring.y(k)};
        if (!std::isfinite(p.x) || !std::isfinite(p.y))
            return false;
        if (points.empty() || !(points.back() == p))
            points.push_back(p);
    }
    while (points.size() > 1 && points.back() == points.front())
        points.pop_back();
    const std::size_t n = points.size();
    if (n < 3)
        return false;
    thread_local std::vector<Edge> edges;
    edges.clear();
    for (std::size_t k = 0; k < n; ++k) {
        const Point& p = points[k];
        const Point& q = points[(k + 1) % n];
        edges.push_back({p, q, std::min(p.x, q.x), std::min(p.y, q.y), std::max(p.x, q.x),
                         std::max(p.y, q.y)});
    }
    for (std::size_t k = 0; k < n; ++k) {
        // Consecutive edges u→v, v→w meet only at v unless w turns back along v→u: certain when
        // w is off the line u→v, or when v→w goes on forwards (an obtuse turn).
        const Point& u = edges[k].p;
        const Point& v = edges[k].q;
        const Point& w = edges[(k + 1) % n].q;
        const int side = orientation(u, v, w);
        if (side != 1 && side != -1) {
            const double tx = (v.x - u.x) * (w.x - v.x), ty = (v.y - u.y) * (w.y - v.y);
            if (!(tx + ty > kOrientBound * (std::abs(tx) + std::abs(ty))))
                return false;
        }
        // Edges that are not consecutive must not meet at all.
        for (std::size_t l = k + 2; l < n; ++l) {
            if (k == 0 && l == n - 1)
                continue; // consecutive across the ring's start
            const Edge& a = edges[k];
            const Edge& b = edges[l];
            if (b.maxX < a.minX || b.minX > a.maxX || b.maxY < a.minY || b.minY > a.maxY)
                continue;
            if (a.p == b.p || a.p == b.q || a.q == b.p || a.q == b.q)
                return false; // the ring passes twice through one point
            const int b0 = orientation(a.p, a.q, b.p);
            const int b1 = orientation(a.p, a.q, b.q);
            if ((b0 == 1 && b1 == 1) || (b0 == -1 && b1 == -1))
                continue; // b wholly on one side of a's line
            const int a0 = orientation(b.p, b.q, a.p);
            const int a1 = orientation(b.p, b.q, a.q);
            if ((a0 == 1 && a1 == 1) || (a0 == -1 && a1 == -1))
                continue;
            return false; // they cross, touch, or cannot be told apart here
        }
    }
    return true;
}

struct PolygonOutline::Data {
    std::vector<Edge> edges;
    std::vector<Point> starts; // a vertex of each ring
    Box box{0, 0, -1, -1};
    bool usable = false;
};

PolygonOutline::PolygonOutline() : m_data(std::make_unique<Data>()) {}
PolygonOutline::~PolygonOutline() = default;
PolygonOutline::PolygonOutline(PolygonOutline&&) noexcept = default;
PolygonOutline& PolygonOutline::operator=(PolygonOutline&&) noexcept = default;

void PolygonOutline::clear()
{
    m_data->edges.clear();
    m_data->starts.clear();
    m_data->usable = true;
}

bool PolygonOutline::addRing(const double* xy, std::size_t vertices)
{
    Data& d = *m_data;
    if (vertices < 3) {
        d.usable = false;
        return false;
    }
    for (std::size_t k = 0; k < vertices; ++k) {
        const Point p{xy[2 * k], xy[2 * k + 1]};
        const std::size_t next = k + 1 < vertices ? k + 1 : 0; // nothing when stored closed
        const Point q{xy[2 * next], xy[2 * next + 1]};
        if (!std::isfinite(p.x) || !std::isfinite(p.y)) {
            d.usable = false;
            return false;
        }
        if (p == q)
            continue;
        d.edges.push_back({p, q, std::min(p.x, q.x), std::min(p.y, q.y), std::max(p.x, q.x),
                           std::max(p.y, q.y)});
    }
    d.starts.push_back({xy[0], xy[1]});
    if (d.edges.empty()) {
        d.usable = false;
        return false;
    }
    d.box = boxOf(d.edges);
    return true;
}

bool PolygonOutline::assign(const GeometryStore& store, std::size_t feature)
{
    clear();
    if (store.kind() != GeometryKind::Polygon || store.partCount(feature) != 1) {
        m_data->usable = false;
        return false;
    }
    const std::size_t rings = store.ringCount(feature, 0);
    for (std::size_t r = 0; r < rings; ++r) {
        const RingView ring = store.ring(feature, 0, r);
        if (!addRing(ring.xy.data(), ring.vertexCount()))
            return false;
    }
    return usable();
}

bool PolygonOutline::usable() const
{
    return m_data->usable && !m_data->edges.empty();
}

namespace {

/// Where the ring vertex `s` lies against the polygon of `edges` (box `box`): Outside at once
/// when it is farther from the box than locate's tolerance.
Where locateVertex(const Point& s, const std::vector<Edge>& edges, const Box& box)
{
    const double tolerance = 8 * kEpsilon * (std::abs(s.x) + std::abs(s.y));
    if (s.x < box.minX - tolerance || s.x > box.maxX + tolerance || s.y < box.minY - tolerance ||
        s.y > box.maxY + tolerance)
        return Where::Outside;
    return locate(s, edges);
}

} // namespace

Placement provesPlacement(const PolygonOutline& a, const PolygonOutline& b)
{
    if (!a.usable() || !b.usable())
        return Placement::Unsure;
    const PolygonOutline::Data& da = *a.m_data;
    const PolygonOutline::Data& db = *b.m_data;
    if (da.box.maxX < db.box.minX || da.box.minX > db.box.maxX || da.box.maxY < db.box.minY ||
        da.box.minY > db.box.maxY)
        return Placement::Apart; // closed boxes apart: no common point
    // (1) The boundaries share no point: each pair of edges whose boxes meet has one edge
    // wholly on one side of the other's line (certain orientations, never zero).
    thread_local std::vector<std::uint32_t> nearA, nearB;
    edgesMeeting(da.edges, db.box, nearA);
    edgesMeeting(db.edges, da.box, nearB);
    for (const std::uint32_t k : nearA) {
        const Edge& ea = da.edges[k];
        for (const std::uint32_t l : nearB) {
            const Edge& eb = db.edges[l];
            if (eb.maxX < ea.minX || eb.minX > ea.maxX || eb.maxY < ea.minY || eb.minY > ea.maxY)
                continue;
            const int b0 = orientation(ea.p, ea.q, eb.p);
            const int b1 = orientation(ea.p, ea.q, eb.q);
            if (b0 == b1 && (b0 == 1 || b0 == -1))
                continue;
            const int a0 = orientation(eb.p, eb.q, ea.p);
            const int a1 = orientation(eb.p, eb.q, ea.q);
            if (a0 == a1 && (a0 == 1 || a0 == -1))
                continue;
            return Placement::Unsure; // they meet, or the filter cannot tell
        }
    }
    // (2) Each ring, apart from the other boundary and connected, lies wholly inside or wholly
    // outside the other polygon: one vertex tells which.
    for (const Point& s : db.starts)
        if (locateVertex(s, da.edges, da.box) != Where::Outside)
            return Placement::Unsure;
    bool inside = false, outside = false;
    for (const Point& s : da.starts) {
        const Where w = locateVertex(s, db.edges, db.box);
        if (w == Where::Unsure)
            return Placement::Unsure;
        (w == Where::Inside ? inside : outside) = true;
    }
    if (inside && !outside)
        return Placement::Inside;
    if (outside && !inside)
        return Placement::Apart;
    return Placement::Unsure;
}

} // namespace parkatlas::geo
