#include "geo/measure/four_sides.h"

#include "geo/error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace parkatlas::geo {

namespace {

constexpr double kNoHit = std::numeric_limits<double>::infinity();

/// Even-odd test over every ring of a polygon feature (holes and parts included).
bool contains(const GeometryStore& store, std::size_t feature, double x, double y)
{
    bool inside = false;
    for (std::size_t part = 0; part < store.partCount(feature); ++part)
        for (std::size_t r = 0; r < store.ringCount(feature, part); ++r) {
            const RingView ring = store.ring(feature, part, r);
            const std::size_t count = ring.vertexCount();
            for (std::size_t i = 0, j = count - 1; i < count; j = i++) {
                const double xi = ring.x(i), yi = ring.y(i), xj = ring.x(j), yj = ring.y(j);
                if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
                    inside = !inside;
            }
        }
    return inside;
}

/// The distance t ≥ 0 along the ray (sx, sy) + t (nx, ny) (unit normal) to segment a–b, or
/// kNoHit when the ray misses it.
double rayHit(double sx, double sy, double nx, double ny, double ax, double ay, double bx,
              double by)
{
    const double ex = bx - ax, ey = by - ay;
    const double denominator = nx * ey - ny * ex;
    if (denominator == 0)
        return kNoHit; // parallel
    const double wx = ax - sx, wy = ay - sy;
    const double t = (wx * ey - wy * ex) / denominator;
    const double u = (wx * ny - wy * nx) / denominator;
    if (t < 0 || u < 0 || u > 1)
        return kNoHit;
    return t;
}

/// The nearest crossing of the ray with any ring or path of `feature`, or kNoHit.
double nearestCrossing(const GeometryStore& store, std::size_t feature, double sx, double sy,
                       double nx, double ny, bool closedRings)
{
    double best = kNoHit;
    for (std::size_t part = 0; part < store.partCount(feature); ++part)
        for (std::size_t r = 0; r < store.ringCount(feature, part); ++r) {
            const RingView ring = store.ring(feature, part, r);
            const std::size_t count = ring.vertexCount();
            if (count < 2)
                continue;
            const std::size_t edges = closedRings ? count : count - 1;
            for (std::size_t i = 0; i < edges; ++i) {
                const std::size_t j = (i + 1) % count;
                best = std::min(best, rayHit(sx, sy, nx, ny, ring.x(i), ring.y(i), ring.x(j),
                                             ring.y(j)));
            }
        }
    return best;
}

} // namespace

const char* chineseName(Side side)
{
    switch (side) {
    case Side::East:
        return "东至";
    case Side::South:
        return "南至";
    case Side::West:
        return "西至";
    case Side::North:
        return "北至";
    }
    return "";
}

FourSidesFinder::FourSidesFinder(const GeometryStore& plots, std::vector<std::string> plotNames,
                                 const GeometryStore* roads, std::vector<std::string> roadNames,
                                 double unitM, FourSidesOptions options)
    : m_plots(plots), m_plotNames(std::move(plotNames)), m_roads(roads),
      m_roadNames(std::move(roadNames)), m_unitM(unitM > 0 ? unitM : 1), m_options(options),
      m_plotIndex(plots, [](std::size_t) { return true; })
{
    if (plots.kind() != GeometryKind::Polygon)
        throw GeometryError(std::string("a 四至 needs plots (polygons); the layer holds ") +
                            toString(plots.kind()));
    m_plotNames.resize(plots.featureCount());
    if (m_roads) {
        m_roadIndex = EnvelopeIndex(*m_roads, [](std::size_t) { return true; });
        m_roadNames.resize(m_roads->featureCount());
    }
}

FourSides FourSidesFinder::find(std::size_t plot, const BoundaryPoints& points) const
{
    FourSides result;
    const double reach = m_options.reachM / m_unitM;
    const double step = std::max(m_options.sampleStepM / m_unitM, 1e-9);
    const double nudge = 0.005 / m_unitM; // 5 mm out: off the shared edge, into the neighbour
    // Facing lengths per side: plots by feature, roads by name (one road, many segments).
    std::array<std::map<std::size_t, double>, 4> plotLengths;
    std::array<std::map<std::string, std::pair<std::size_t, double>>, 4> roadLengths;
    std::vector<std::uint32_t> candidates;
    for (const BoundaryRing& ring : points.rings) {
        if (ring.hole)
            continue;
        const std::size_t count = ring.pointCount();
        for (std::size_t i = 0; i < count; ++i) {
            const std::size_t j = (i + 1) % count;
            const double ax = ring.x(i), ay = ring.y(i);
            const double dx = ring.x(j) - ax, dy = ring.y(j) - ay;
            const double length = std::hypot(dx, dy);
            if (!(length > 0))
                continue;
            // Clockwise ring: the plot lies to the right, outward is to the left.
            const double nx = -dy / length, ny = dx / length;
            // An edge faces the sides its normal points to, shared by the squares of the
            // normal's components (a 45° corner cut counts half south, half west).
            const std::array<double, 4> share = {
                nx > 0 ? nx * nx : 0, ny < 0 ? ny * ny : 0, nx < 0 ? nx * nx : 0,
                ny > 0 ? ny * ny : 0}; // Side order: east, south, west, north
            const int samples =
                std::clamp(static_cast<int>(std::ceil(length / step)), 1, 64);
            const double weightM = length * m_unitM / samples;
            for (std::size_t s = 0; s < 4; ++s)
                result.sideLengthM[s] += share[s] * length * m_unitM;
            // Every candidate near this edge's probes at once.
            Envelope reachBox;
            reachBox.expand(ax, ay);
            reachBox.expand(ax + dx, ay + dy);
            reachBox.expand(ax + nx * reach, ay + ny * reach);
            reachBox.expand(ax + dx + nx * reach, ay + dy + ny * reach);
            candidates.clear();
            m_plotIndex.query(reachBox, candidates);
            std::vector<std::uint32_t> plotCandidates;
            for (const std::uint32_t c : candidates)
                if (c != plot)
                    plotCandidates.push_back(c);
            std::vector<std::uint32_t> roadCandidates;
            if (m_roads)
                m_roadIndex.query(reachBox, roadCandidates);
            for (int k = 0; k < samples; ++k) {
                const double t = (k + 0.5) / samples;
                const double sx = ax + dx * t + nx * nudge, sy = ay + dy * t + ny * nudge;
                double bestDistance = kNoHit;
                bool bestIsRoad = false;
                std::size_t bestFeature = 0;
                for (const std::uint32_t c : plotCandidates) {
                    const double distance = contains(m_plots, c, sx, sy)
                                                ? 0
                                                : nearestCrossing(m_plots, c, sx, sy, nx, ny, true);
                    if (distance < bestDistance) {
                        bestDistance = distance;
                        bestFeature = c;
                    }
                }
                for (const std::uint32_t c : roadCandidates) {
                    const double distance = nearestCrossing(*m_roads, c, sx, sy, nx, ny, false);
                    if (distance < bestDistance) {
                        bestDistance = distance;
                        bestFeature = c;
                        bestIsRoad = true;
                    }
                }
                for (std::size_t s = 0; s < 4; ++s) {
                    if (share[s] == 0)
                        continue;
                    const double w = share[s] * weightM;
                    if (!(bestDistance <= reach)) {
                        result.facingNothingM[s] += w;
                    } else if (bestIsRoad) {
                        auto& entry = roadLengths[s][m_roadNames[bestFeature]];
                        if (entry.second == 0)
                            entry.first = bestFeature;
                        entry.second += w;
                    } else {
                        plotLengths[s][bestFeature] += w;
                    }
                }
            }
        }
    }
    for (std::size_t s = 0; s < 4; ++s) {
        std::vector<SideNeighbour>& neighbours = result.sides[s];
        for (const auto& [feature, lengthM] : plotLengths[s])
            neighbours.push_back({SideNeighbour::Kind::Plot, feature, m_plotNames[feature], lengthM});
        for (const auto& [name, entry] : roadLengths[s])
            neighbours.push_back({SideNeighbour::Kind::Road, entry.first,
                                  name.empty() ? std::string("道路") : name, entry.second});
        std::stable_sort(neighbours.begin(), neighbours.end(),
                         [](const SideNeighbour& a, const SideNeighbour& b) {
                             return a.facingLengthM > b.facingLengthM;
                         });
        const double least = m_options.minShare * result.sideLengthM[s];
        std::erase_if(neighbours,
                      [least](const SideNeighbour& n) { return n.facingLengthM < least; });
    }
    return result;
}

std::vector<std::uint32_t> FourSidesFinder::plotsNear(const Envelope& envelope,
                                                      std::size_t except) const
{
    std::vector<std::uint32_t> found;
    m_plotIndex.query(envelope, found);
    std::erase(found, static_cast<std::uint32_t>(except));
    std::sort(found.begin(), found.end());
    return found;
}

std::vector<std::uint32_t> FourSidesFinder::roadsNear(const Envelope& envelope) const
{
    std::vector<std::uint32_t> found;
    if (m_roads)
        m_roadIndex.query(envelope, found);
    std::sort(found.begin(), found.end());
    return found;
}

} // namespace parkatlas::geo
