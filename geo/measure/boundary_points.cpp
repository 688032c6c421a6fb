#include "geo/measure/boundary_points.h"

#include "geo/error.h"
#include "geo/measure/area.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace parkatlas::geo {

namespace {

/// True when a is a better start than b: nearer the corner, then more northern, then more
/// western. Distances within a relative 1e-12 count as equal (a tie).
bool startsBefore(double distanceA, double xA, double yA, double distanceB, double xB, double yB)
{
    const double tolerance = 1e-12 * std::max({1.0, distanceA, distanceB});
    if (std::fabs(distanceA - distanceB) > tolerance)
        return distanceA < distanceB;
    if (yA != yB)
        return yA > yB;
    return xA < xB;
}

/// The ring's distinct vertices (closing and repeated vertices dropped), clockwise, starting at
/// its north-westernmost vertex. Empty with *problem set when it has fewer than 3.
std::vector<double> normalisedRing(RingView ring, std::string* problem)
{
    std::vector<double> xy;
    xy.reserve(ring.xy.size());
    for (std::size_t i = 0; i < ring.vertexCount(); ++i) {
        const double x = ring.x(i), y = ring.y(i);
        if (!std::isfinite(x) || !std::isfinite(y)) {
            *problem = "a vertex has no finite coordinates";
            return {};
        }
        if (xy.size() >= 2 && xy[xy.size() - 2] == x && xy.back() == y)
            continue;
        xy.push_back(x);
        xy.push_back(y);
    }
    while (xy.size() >= 4 && xy[0] == xy[xy.size() - 2] && xy[1] == xy.back())
        xy.resize(xy.size() - 2);
    const std::size_t count = xy.size() / 2;
    if (count < 3) {
        *problem = "fewer than 3 distinct points";
        return {};
    }
    const double signedArea = planarRingAreaSigned(xy);
    if (signedArea == 0)
        *problem = "the ring has no area (its points lie on a line)";
    if (signedArea > 0) { // counter-clockwise: reverse the points
        for (std::size_t i = 0, j = count - 1; i < j; ++i, --j) {
            std::swap(xy[2 * i], xy[2 * j]);
            std::swap(xy[2 * i + 1], xy[2 * j + 1]);
        }
    }
    double minX = xy[0], maxY = xy[1];
    for (std::size_t i = 1; i < count; ++i) {
        minX = std::min(minX, xy[2 * i]);
        maxY = std::max(maxY, xy[2 * i + 1]);
    }
    std::size_t start = 0;
    double best = std::hypot(xy[0] - minX, maxY - xy[1]);
    for (std::size_t i = 1; i < count; ++i) {
        const double distance = std::hypot(xy[2 * i] - minX, maxY - xy[2 * i + 1]);
        if (startsBefore(distance, xy[2 * i], xy[2 * i + 1], best, xy[2 * start],
                         xy[2 * start + 1])) {
            start = i;
            best = distance;
        }
    }
    std::rotate(xy.begin(), xy.begin() + static_cast<std::ptrdiff_t>(2 * start), xy.end());
    return xy;
}

} // namespace

std::string BoundaryRing::pointName(std::size_t i) const
{
    return "J" + std::to_string(firstNumber + static_cast<int>(i));
}

std::size_t BoundaryPoints::pointCount() const
{
    std::size_t count = 0;
    for (const BoundaryRing& ring : rings)
        count += ring.pointCount();
    return count;
}

BoundaryPoints boundaryPoints(const GeometryStore& store, std::size_t feature, double unitM)
{
    if (store.kind() != GeometryKind::Polygon)
        throw GeometryError(std::string("boundary points need polygons; the layer holds ") +
                            toString(store.kind()));
    BoundaryPoints result;
    struct Part {
        BoundaryRing exterior;
        std::vector<BoundaryRing> holes;
    };
    std::vector<Part> parts;
    const auto before = [](const BoundaryRing& a, const BoundaryRing& b) {
        return a.xy[1] != b.xy[1] ? a.xy[1] > b.xy[1] : a.xy[0] < b.xy[0];
    };
    for (std::size_t part = 0; part < store.partCount(feature); ++part) {
        Part entry;
        bool hasExterior = false;
        for (std::size_t r = 0; r < store.ringCount(feature, part); ++r) {
            std::string problem;
            BoundaryRing ring;
            ring.part = part;
            ring.hole = r > 0;
            ring.xy = normalisedRing(store.ring(feature, part, r), &problem);
            if (!problem.empty())
                result.problems.push_back("part " + std::to_string(part + 1) + ", ring " +
                                          std::to_string(r + 1) +
                                          (ring.xy.empty() ? " left out: " : ": ") + problem);
            if (ring.xy.empty())
                continue;
            if (r == 0) {
                entry.exterior = std::move(ring);
                hasExterior = true;
            } else {
                entry.holes.push_back(std::move(ring));
            }
        }
        if (!hasExterior)
            continue;
        std::stable_sort(entry.holes.begin(), entry.holes.end(), before);
        parts.push_back(std::move(entry));
    }
    std::stable_sort(parts.begin(), parts.end(), [&before](const Part& a, const Part& b) {
        return before(a.exterior, b.exterior);
    });
    int next = 1;
    const auto add = [&](BoundaryRing ring) {
        ring.firstNumber = next;
        const std::size_t count = ring.pointCount();
        next += static_cast<int>(count);
        ring.edgeLengthM.resize(count);
        for (std::size_t i = 0; i < count; ++i) {
            const std::size_t j = (i + 1) % count;
            ring.edgeLengthM[i] = std::hypot(ring.x(j) - ring.x(i), ring.y(j) - ring.y(i)) * unitM;
        }
        result.rings.push_back(std::move(ring));
    };
    for (Part& part : parts) {
        add(std::move(part.exterior));
        for (BoundaryRing& hole : part.holes)
            add(std::move(hole));
    }
    return result;
}

} // namespace parkatlas::geo
