#include "geo/measure/area.h"

#include "geo/ascii.h"
#include "geo/crs/transform.h"
#include "geo/error.h"
#include "geo/issue.h"
#include "geo/measure/transverse_mercator.h"

#include <geodesic.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <cstdint>
#include <cmath>
#include <numbers>
#include <optional>
#include <vector>

namespace parkatlas::geo {

namespace {

constexpr double kDegree = std::numbers::pi / 180.0;

/// Vertex count of a ring without its repeated closing vertex.
std::size_t openVertexCount(std::span<const double> xy)
{
    std::size_t n = xy.size() / 2;
    if (n >= 2 && xy[0] == xy[2 * n - 2] && xy[1] == xy[2 * n - 1])
        --n;
    return n;
}

bool allFinite(std::span<const double> values)
{
    return std::all_of(values.begin(), values.end(), [](double v) { return std::isfinite(v); });
}

/// Planar moments of one ring about (ox, oy): twice the signed area, and 6∫x, 6∫y, 12∫x² dA.
struct RingMoments {
    double twiceArea = 0;
    double sixFirstX = 0;
    double sixFirstY = 0;
    double twelveSecondX = 0;
};

RingMoments ringMoments(std::span<const double> xy, double ox, double oy)
{
    RingMoments m;
    const std::size_t n = xy.size() / 2;
    if (n < 3)
        return m;
    const double firstX = xy[0] - ox;
    const double firstY = xy[1] - oy;
    double px = firstX;
    double py = firstY;
    auto edge = [&m](double x0, double y0, double x1, double y1) {
        const double c = x0 * y1 - x1 * y0;
        m.twiceArea += c;
        m.sixFirstX += (x0 + x1) * c;
        m.sixFirstY += (y0 + y1) * c;
        m.twelveSecondX += (x0 * x0 + x0 * x1 + x1 * x1) * c;
    };
    for (std::size_t i = 1; i < n; ++i) {
        const double x = xy[2 * i] - ox;
        const double y = xy[2 * i + 1] - oy;
        edge(px, py, x, y);
        px = x;
        py = y;
    }
    edge(px, py, firstX, firstY); // closing edge (zero when the ring is stored closed)
    return m;
}

/// The 2008 survey constants A…E from e² (国土调查办发〔2008〕32号, 二).
struct SurveyConstants {
    double a, b, c, d, e;
    explicit SurveyConstants(double e2)
    {
        const double e4 = e2 * e2;
        const double e6 = e4 * e2;
        const double e8 = e4 * e4;
        a = 1 + (3.0 / 6) * e2 + (30.0 / 80) * e4 + (35.0 / 112) * e6 + (630.0 / 2304) * e8;
        b = (1.0 / 6) * e2 + (15.0 / 80) * e4 + (21.0 / 112) * e6 + (420.0 / 2304) * e8;
        c = (3.0 / 80) * e4 + (7.0 / 112) * e6 + (180.0 / 2304) * e8;
        d = (1.0 / 112) * e6 + (45.0 / 2304) * e8;
        e = (5.0 / 2304) * e8;
    }
};

double surveyRingArea(std::span<const double> lonLatDeg, double b2, const SurveyConstants& k)
{
    const std::size_t n = openVertexCount(lonLatDeg);
    if (n < 3)
        return 0;
    // Reference meridian: the first vertex, so the strips stay narrow and nothing cancels.
    const double l0 = lonLatDeg[0];
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t j = i + 1 == n ? 0 : i + 1;
        const double l1 = lonLatDeg[2 * i];
        const double b1 = lonLatDeg[2 * i + 1] * kDegree;
        const double l2 = lonLatDeg[2 * j];
        const double b2r = lonLatDeg[2 * j + 1] * kDegree;
        const double deltaB = b2r - b1;
        if (deltaB == 0)
            continue;
        const double bm = (b1 + b2r) / 2;
        const double deltaL = ((l1 + l2) / 2 - l0) * kDegree;
        const double series = k.a * std::sin(0.5 * deltaB) * std::cos(bm) -
                              k.b * std::sin(1.5 * deltaB) * std::cos(3 * bm) +
                              k.c * std::sin(2.5 * deltaB) * std::cos(5 * bm) -
                              k.d * std::sin(3.5 * deltaB) * std::cos(7 * bm) +
                              k.e * std::sin(4.5 * deltaB) * std::cos(9 * bm);
        sum += 2 * b2 * deltaL * series;
    }
    return sum;
}

double geodesicRingArea(std::span<const double> lonLatDeg, const geod_geodesic& g)
{
    const std::size_t n = openVertexCount(lonLatDeg);
    if (n < 3)
        return 0;
    geod_polygon polygon;
    geod_polygon_init(&polygon, 0);
    for (std::size_t i = 0; i < n; ++i)
        geod_polygon_addpoint(&g, &polygon, lonLatDeg[2 * i + 1], lonLatDeg[2 * i]);
    double area = 0;
    // reverse = 0: counter-clockwise positive; sign = 1: a clockwise ring gives a negative area
    // rather than the rest of the Earth.
    geod_polygon_compute(&g, &polygon, 0, 1, &area, nullptr);
    return area;
}

double geodesicPathLength(std::span<const double> lonLatDeg, const geod_geodesic& g)
{
    const std::size_t n = lonLatDeg.size() / 2;
    double length = 0;
    for (std::size_t i = 1; i < n; ++i) {
        double s12 = 0;
        geod_inverse(&g, lonLatDeg[2 * i - 1], lonLatDeg[2 * i - 2], lonLatDeg[2 * i + 1],
                     lonLatDeg[2 * i], &s12, nullptr, nullptr);
        length += s12;
    }
    return length;
}

geod_geodesic makeGeodesic(const Ellipsoid& ellipsoid)
{
    geod_geodesic g;
    geod_init(&g, ellipsoid.semiMajorM, ellipsoid.flattening());
    return g;
}

} // namespace

const char* toString(AreaMethod method)
{
    switch (method) {
    case AreaMethod::Ellipsoidal:
        return "ellipsoidal";
    case AreaMethod::Survey:
        return "survey";
    case AreaMethod::Planar:
        return "planar";
    }
    return "ellipsoidal";
}

std::optional<AreaMethod> areaMethodFromString(std::string_view text)
{
    const std::string t = lowerAscii(text);
    if (t == "ellipsoidal")
        return AreaMethod::Ellipsoidal;
    if (t == "survey")
        return AreaMethod::Survey;
    if (t == "planar")
        return AreaMethod::Planar;
    return std::nullopt;
}

const char* toString(LengthMethod method)
{
    return method == LengthMethod::Planar ? "planar" : "geodesic";
}

std::optional<LengthMethod> lengthMethodFromString(std::string_view text)
{
    const std::string t = lowerAscii(text);
    if (t == "geodesic")
        return LengthMethod::Geodesic;
    if (t == "planar")
        return LengthMethod::Planar;
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Ring-level functions

double planarRingAreaSigned(std::span<const double> xy)
{
    if (xy.size() < 6)
        return 0;
    return ringMoments(xy, xy[0], xy[1]).twiceArea / 2;
}

double planarPathLength(std::span<const double> xy)
{
    double length = 0;
    for (std::size_t i = 2; i + 1 < xy.size(); i += 2)
        length += std::hypot(xy[i] - xy[i - 2], xy[i + 1] - xy[i - 1]);
    return length;
}

double geodesicRingAreaSignedM2(std::span<const double> lonLatDeg, const Ellipsoid& ellipsoid)
{
    const geod_geodesic g = makeGeodesic(ellipsoid);
    return geodesicRingArea(lonLatDeg, g);
}

double geodesicPathLengthM(std::span<const double> lonLatDeg, const Ellipsoid& ellipsoid)
{
    const geod_geodesic g = makeGeodesic(ellipsoid);
    return geodesicPathLength(lonLatDeg, g);
}

double surveyRingAreaSignedM2(std::span<const double> lonLatDeg, const Ellipsoid& ellipsoid)
{
    const double b = ellipsoid.semiMinorM();
    return surveyRingArea(lonLatDeg, b * b, SurveyConstants(ellipsoid.eccentricitySquared()));
}

double zoneAreaM2(double latDeg, const Ellipsoid& ellipsoid)
{
    const double e2 = ellipsoid.eccentricitySquared();
    const double b = ellipsoid.semiMinorM();
    const double s = std::sin(latDeg * kDegree);
    if (e2 == 0)
        return 2 * std::numbers::pi * b * b * s;
    const double e = std::sqrt(e2);
    return std::numbers::pi * b * b *
           (s / (1 - e2 * s * s) + std::log((1 + e * s) / (1 - e * s)) / (2 * e));
}

// ---------------------------------------------------------------------------------------------
// AreaCalculator

namespace {

/// A polygon feature as the calculator reads it: a feature of a GeometryStore, or one ring
/// given alone (a shapefile record measured where it lies). Both go through the same code, so
/// the same coordinates give the same bits.
struct StoreFeature {
    const GeometryStore& store;
    std::size_t feature;
    bool isEmpty() const { return store.isEmpty(feature); }
    const Envelope& envelope() const { return store.envelope(feature); }
    std::size_t partCount() const { return store.partCount(feature); }
    std::size_t ringCount(std::size_t part) const { return store.ringCount(feature, part); }
    std::span<const double> ring(std::size_t part, std::size_t ring) const
    {
        return store.ring(feature, part, ring).xy;
    }
};

struct OneRing {
    std::span<const double> xy;
    const Envelope& bounds;
    bool isEmpty() const { return xy.empty(); }
    const Envelope& envelope() const { return bounds; }
    std::size_t partCount() const { return xy.empty() ? 0 : 1; }
    std::size_t ringCount(std::size_t) const { return 1; }
    std::span<const double> ring(std::size_t, std::size_t) const { return xy; }
};

} // namespace

struct AreaCalculator::Impl {
    Crs crs;
    AreaMethod method;
    AreaOptions options;
    Ellipsoid ellipsoid;
    bool geographic = false;
    double unitM = 1; // metres per CRS unit (projected CRSs)
    geod_geodesic geodesic{};
    SurveyConstants survey{0};
    std::optional<TransverseMercatorScale> tm;
    // Layer CRS → its own geographic CRS (same datum, no shift): its forward direction is the
    // inverse projection. Made on first need.
    std::optional<Transform> toGeographic;
    std::vector<double> buffer; // densified / inverse-projected ring, reused

    IssueSink* issues = nullptr;
    std::string path;
    std::string layer;

    const Transform& transform()
    {
        if (!toGeographic)
            toGeographic.emplace(crs, crs.geographic());
        return *toGeographic;
    }

    /// Fills `buffer` with the ring as longitude/latitude degrees, open (no closing vertex).
    /// In a projected CRS, edges longer than `stepM` are split first (0: no split). Returns
    /// false when a vertex is not finite or cannot be inverse-projected.
    bool ringToLonLat(std::span<const double> xy, double stepM)
    {
        const std::size_t n = openVertexCount(xy);
        buffer.clear();
        if (geographic) {
            buffer.assign(xy.begin(), xy.begin() + static_cast<std::ptrdiff_t>(2 * n));
            return allFinite(buffer);
        }
        double step = stepM > 0 ? stepM / unitM : 0;
        if (step > 0 && n >= 2) {
            // At most kMaxDensifiedVertices a ring: a perimeter over 3000 km (a country,
            // or coordinates that do not belong to the CRS) gets longer steps instead of
            // millions of PROJ calls. The bulge error shrinks with the square of the step
            // over the size of the polygon, so for such rings it stays negligible.
            constexpr double kMaxDensifiedVertices = 1e5;
            double perimeter = 0;
            for (std::size_t i = 0; i < n; ++i) {
                const std::size_t j = i + 1 == n ? 0 : i + 1;
                perimeter += std::hypot(xy[2 * j] - xy[2 * i], xy[2 * j + 1] - xy[2 * i + 1]);
            }
            if (!std::isfinite(perimeter))
                return false;
            step = std::max(step, perimeter / kMaxDensifiedVertices);
        }
        for (std::size_t i = 0; i < n; ++i) {
            const double x0 = xy[2 * i];
            const double y0 = xy[2 * i + 1];
            buffer.push_back(x0);
            buffer.push_back(y0);
            if (step <= 0 || n < 2)
                continue;
            const std::size_t j = i + 1 == n ? 0 : i + 1;
            const double dx = xy[2 * j] - x0;
            const double dy = xy[2 * j + 1] - y0;
            const double length = std::hypot(dx, dy);
            if (!(length > step)) // also false for NaN
                continue;
            const double pieces = std::ceil(length / step);
            if (!(pieces < 1e7))
                return false; // absurd coordinates: do not try to allocate for them
            const auto count = static_cast<std::size_t>(pieces);
            for (std::size_t k = 1; k < count; ++k) {
                const double t = static_cast<double>(k) / static_cast<double>(count);
                buffer.push_back(x0 + t * dx);
                buffer.push_back(y0 + t * dy);
            }
        }
        if (!allFinite(buffer))
            return false;
        const std::size_t failed = transform().forward(buffer.data(), buffer.size() / 2);
        return failed == 0 && allFinite(buffer);
    }

    double generalRingArea(std::span<const double> xy)
    {
        switch (method) {
        case AreaMethod::Planar:
            return planarRingAreaSigned(xy) * unitM * unitM;
        case AreaMethod::Ellipsoidal:
            if (!ringToLonLat(xy, options.densifyStepM))
                return std::nan("");
            return geodesicRingArea(buffer, geodesic);
        case AreaMethod::Survey:
            if (!ringToLonLat(xy, options.densifyStepM))
                return std::nan("");
            return surveyRingArea(buffer, ellipsoid.semiMinorM() * ellipsoid.semiMinorM(), survey);
        }
        return std::nan("");
    }

    template <typename Feature> bool fastPathApplies(const Feature& feature) const
    {
        if (!tm || method != AreaMethod::Ellipsoidal || !options.allowFastPath)
            return false;
        const Envelope& env = feature.envelope();
        if (env.isEmpty())
            return false;
        const double fe = tm->parameters().falseEastingM;
        const bool small = env.width() * unitM <= options.fastPathMaxExtentM &&
                           env.height() * unitM <= options.fastPathMaxExtentM;
        const bool nearMeridian = std::fabs(env.minX * unitM - fe) <= options.fastPathMaxOffsetM &&
                                  std::fabs(env.maxX * unitM - fe) <= options.fastPathMaxOffsetM;
        return small && nearMeridian;
    }

    /// What fastPathAreaM2 knows before the scale: the area drawn in the plane (CRS units²),
    /// its centroid and its second moment across the zone about it, and the ring's first vertex
    /// (the origin of the moments).
    struct PlaneMoments {
        double area = 0;
        double cx = 0;
        double cy = 0;
        double centralSecondX = 0;
        double ox = 0;
        double oy = 0;
    };

    /// Where fastPathAreaM2 takes the scale: the centroid, in metres.
    double centroidEastingM(const PlaneMoments& m) const { return (m.ox + m.cx) * unitM; }
    double centroidNorthingM(const PlaneMoments& m) const { return (m.oy + m.cy) * unitM; }

    /// The area of a plot from its moments and the scale at its centroid, g = 1/k² and its
    /// second derivative across the zone (fastPathAreaM2's last step).
    double scaledArea(const PlaneMoments& m, double g, double gEastEast) const
    {
        const double u2 = unitM * unitM;
        return m.area * u2 * g + 0.5 * gEastEast * m.centralSecondX * u2 * u2;
    }

    double scaledArea(const PlaneMoments& m) const
    {
        double g = 0;
        double gEastEast = 0;
        tm->inverseSquareScale(centroidEastingM(m), centroidNorthingM(m), g, gEastEast);
        return scaledArea(m, g, gEastEast);
    }

    /// ∫∫ dA / k² over the feature as drawn in the plane: with g = 1/k² expanded about the
    /// area centroid c, ∫∫ g dA = A g(c) + ½ g_EE(c) ∫∫ (E − c_E)² dA + (terms ≤ 1e-11 of A
    /// for extents up to 20 km). The first-order terms vanish about the centroid.
    template <typename Feature> double fastPathAreaM2(const Feature& feature) const
    {
        PlaneMoments m;
        if (!planeMoments(feature, m))
            return m.area;
        return scaledArea(m);
    }

    /// fastPathAreaM2 up to the scale. False when the area is zero or not finite (then
    /// `m.area` is the feature's area: 0 for an empty or degenerate one, NaN for NaN
    /// coordinates).
    template <typename Feature> bool planeMoments(const Feature& feature, PlaneMoments& out) const
    {
        double area = 0;
        double firstX = 0;
        double firstY = 0;
        double secondX = 0;
        double ox = 0;
        double oy = 0;
        bool haveOrigin = false;
        const std::size_t parts = feature.partCount();
        for (std::size_t p = 0; p < parts; ++p) {
            const std::size_t rings = feature.ringCount(p);
            for (std::size_t r = 0; r < rings; ++r) {
                const std::span<const double> xy = feature.ring(p, r);
                if (xy.empty())
                    continue;
                if (!haveOrigin) {
                    ox = xy[0];
                    oy = xy[1];
                    haveOrigin = true;
                }
                const RingMoments m = ringMoments(xy, ox, oy);
                // Exterior positive, holes negative, whatever the stored orientation.
                const double sign = (m.twiceArea < 0 ? -1.0 : 1.0) * (r == 0 ? 1.0 : -1.0);
                area += sign * m.twiceArea / 2;
                firstX += sign * m.sixFirstX / 6;
                firstY += sign * m.sixFirstY / 6;
                secondX += sign * m.twelveSecondX / 12;
            }
        }
        out.area = area;
        if (area == 0 || !std::isfinite(area))
            return false; // empty/degenerate gives 0, NaN coordinates give NaN
        out.cx = firstX / area;
        out.cy = firstY / area;
        out.centralSecondX = secondX - area * out.cx * out.cx;
        out.ox = ox;
        out.oy = oy;
        return true;
    }

    /// Plots measured by areaM2Into whose scale is not yet evaluated (see flushScales).
    struct PendingScale {
        PlaneMoments moments;
        double* out;
        std::size_t index;
        std::int64_t fid;
    };
    static constexpr std::size_t kScaleBatch = 32;
    std::array<PendingScale, kScaleBatch> pending{};
    std::size_t pendingCount = 0;

    /// The pending plots' scales, one after another with nothing between and two at a time
    /// (TransverseMercatorScale::inverseSquareScales): each is a long chain of dependent steps
    /// (two sincos, a dozen divisions), and independent chains side by side are what the
    /// processor overlaps. The same arithmetic on the same numbers as scaledArea.
    void flushScales()
    {
        std::array<double, kScaleBatch> east, north, g, gEastEast;
        for (std::size_t i = 0; i < pendingCount; ++i) {
            east[i] = centroidEastingM(pending[i].moments);
            north[i] = centroidNorthingM(pending[i].moments);
        }
        tm->inverseSquareScales(pendingCount, east.data(), north.data(), g.data(),
                                gEastEast.data());
        for (std::size_t i = 0; i < pendingCount; ++i) {
            const PendingScale& p = pending[i];
            const double area = scaledArea(p.moments, g[i], gEastEast[i]);
            if (std::isfinite(area)) {
                *p.out = area;
            } else {
                // The coordinates are finite (planeMoments said so): the scale is what failed.
                reportUnknown(OneRing{{}, Envelope()}, p.index, p.fid, "area");
                *p.out = std::nan("");
            }
        }
        pendingCount = 0;
    }

    template <typename Feature>
    void reportUnknown(const Feature& feature, std::size_t index, std::int64_t fid,
                       const char* what)
    {
        if (!issues)
            return;
        bool finite = true;
        const std::size_t parts = feature.partCount();
        for (std::size_t p = 0; p < parts && finite; ++p)
            for (std::size_t r = 0; r < feature.ringCount(p) && finite; ++r)
                finite = allFinite(feature.ring(p, r));
        Issue issue;
        issue.severity = Issue::Severity::Warning;
        issue.path = path;
        issue.layer = layer;
        issue.fid = fid;
        issue.setMessage(message(finite ? "vertex_not_geographic" : "coordinates_not_finite",
                                 std::string(finite ? "a vertex could not be converted to "
                                                      "longitude/latitude by PROJ"
                                                    : "coordinates include NaN or infinity") +
                                     ": {what} unknown (feature index {index})",
                                 {{"what", what}, {"index", std::to_string(index)}}));
        issues->report(std::move(issue));
    }

    /// areaM2 of a polygon feature (see AreaCalculator::areaM2); `index` names it in issues.
    template <typename Feature>
    double polygonAreaM2(const Feature& feature, std::size_t index, std::int64_t fid)
    {
        if (feature.isEmpty())
            return 0;
        double area = 0;
        if (fastPathApplies(feature)) {
            area = fastPathAreaM2(feature);
        } else if (crs.isEmpty()) {
            throw CrsError("a calculator made from Transverse Mercator parameters alone measures "
                           "only what its fast path takes (feature index " +
                           std::to_string(index) + ")");
        } else {
            const std::size_t parts = feature.partCount();
            for (std::size_t p = 0; p < parts; ++p) {
                const std::size_t rings = feature.ringCount(p);
                for (std::size_t r = 0; r < rings; ++r) {
                    const double ringArea = std::fabs(generalRingArea(feature.ring(p, r)));
                    area += r == 0 ? ringArea : -ringArea;
                }
            }
        }
        if (!std::isfinite(area)) {
            reportUnknown(feature, index, fid, "area");
            return std::nan("");
        }
        return area;
    }
};

AreaCalculator::AreaCalculator(const Crs& crs, AreaMethod method, AreaOptions options)
    : m_impl(std::make_unique<Impl>())
{
    if (crs.isEmpty())
        throw CrsError("cannot measure areas: the layer's coordinate reference system is unknown");
    Impl& d = *m_impl;
    d.crs = crs;
    d.method = method;
    d.options = options;
    d.geographic = crs.isGeographic();
    if (method == AreaMethod::Planar && d.geographic)
        throw GeometryError("planar area refused: " + crs.label() +
                            " is geographic (degrees); use the ellipsoidal method");
    d.unitM = d.geographic ? 1.0 : crs.linearUnitM();
    d.ellipsoid = Ellipsoid::of(crs);
    d.geodesic = makeGeodesic(d.ellipsoid);
    d.survey = SurveyConstants(d.ellipsoid.eccentricitySquared());
    if (!d.geographic)
        if (const auto tm = TransverseMercatorParameters::of(crs))
            d.tm.emplace(*tm);
}

AreaCalculator::AreaCalculator(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

AreaCalculator AreaCalculator::forTransverseMercator(const TransverseMercatorParameters& parameters,
                                                     AreaOptions options)
{
    auto impl = std::make_unique<Impl>();
    impl->method = AreaMethod::Ellipsoidal;
    impl->options = options;
    impl->geographic = false;
    impl->unitM = parameters.linearUnitM;
    impl->ellipsoid = parameters.ellipsoid;
    impl->geodesic = makeGeodesic(impl->ellipsoid);
    impl->survey = SurveyConstants(impl->ellipsoid.eccentricitySquared());
    impl->tm.emplace(parameters);
    return AreaCalculator(std::move(impl));
}

bool AreaCalculator::measuresAs(const AreaCalculator& other) const
{
    const Impl& a = *m_impl;
    const Impl& b = *other.m_impl;
    auto same = [](double x, double y) {
        return std::bit_cast<std::uint64_t>(x) == std::bit_cast<std::uint64_t>(y);
    };
    auto sameEllipsoid = [&](const Ellipsoid& x, const Ellipsoid& y) {
        return same(x.semiMajorM, y.semiMajorM) && same(x.inverseFlattening, y.inverseFlattening);
    };
    if (a.method != b.method || a.geographic != b.geographic || !same(a.unitM, b.unitM) ||
        !sameEllipsoid(a.ellipsoid, b.ellipsoid) ||
        a.options.allowFastPath != b.options.allowFastPath ||
        !same(a.options.fastPathMaxExtentM, b.options.fastPathMaxExtentM) ||
        !same(a.options.fastPathMaxOffsetM, b.options.fastPathMaxOffsetM) ||
        !same(a.options.densifyStepM, b.options.densifyStepM) || a.tm.has_value() != b.tm.has_value())
        return false;
    if (!a.tm)
        return true;
    const TransverseMercatorParameters& p = a.tm->parameters();
    const TransverseMercatorParameters& q = b.tm->parameters();
    return sameEllipsoid(p.ellipsoid, q.ellipsoid) &&
           same(p.centralMeridianDeg, q.centralMeridianDeg) &&
           same(p.latitudeOfOriginDeg, q.latitudeOfOriginDeg) &&
           same(p.scaleFactor, q.scaleFactor) && same(p.falseEastingM, q.falseEastingM) &&
           same(p.falseNorthingM, q.falseNorthingM) && same(p.linearUnitM, q.linearUnitM);
}

AreaCalculator AreaCalculator::clone() const
{
    const Impl& d = *m_impl;
    auto copy = std::make_unique<Impl>();
    copy->crs = d.crs;
    copy->method = d.method;
    copy->options = d.options;
    copy->ellipsoid = d.ellipsoid;
    copy->geographic = d.geographic;
    copy->unitM = d.unitM;
    copy->geodesic = d.geodesic;
    copy->survey = d.survey;
    copy->tm = d.tm;
    return AreaCalculator(std::move(copy));
}

AreaCalculator::~AreaCalculator() = default;
AreaCalculator::AreaCalculator(AreaCalculator&&) noexcept = default;
AreaCalculator& AreaCalculator::operator=(AreaCalculator&&) noexcept = default;

AreaMethod AreaCalculator::method() const
{
    return m_impl->method;
}
const Crs& AreaCalculator::crs() const
{
    return m_impl->crs;
}
const Ellipsoid& AreaCalculator::ellipsoid() const
{
    return m_impl->ellipsoid;
}

void AreaCalculator::setIssueSink(IssueSink* sink, std::string path, std::string layer)
{
    m_impl->issues = sink;
    m_impl->path = std::move(path);
    m_impl->layer = std::move(layer);
}

bool AreaCalculator::usesFastPath(const GeometryStore& store, std::size_t feature) const
{
    return m_impl->fastPathApplies(StoreFeature{store, feature});
}

bool AreaCalculator::usesFastPath(std::span<const double> ring, const Envelope& envelope) const
{
    return m_impl->fastPathApplies(OneRing{ring, envelope});
}

double AreaCalculator::areaM2(const GeometryStore& store, std::size_t feature, std::int64_t fid)
{
    if (store.kind() == GeometryKind::Point || store.kind() == GeometryKind::Line)
        throw GeometryError(std::string("area asked of a layer of ") + geo::toString(store.kind()) +
                            "s; only polygons have an area");
    return m_impl->polygonAreaM2(StoreFeature{store, feature}, feature, fid);
}

double AreaCalculator::areaM2(std::span<const double> ring, const Envelope& envelope,
                              std::size_t index, std::int64_t fid)
{
    return m_impl->polygonAreaM2(OneRing{ring, envelope}, index, fid);
}

bool AreaCalculator::fastPathAreaM2Into(std::span<const double> ring, const Envelope& envelope,
                                        std::size_t index, std::int64_t fid, double& out)
{
    Impl& d = *m_impl;
    const OneRing feature{ring, envelope};
    if (feature.isEmpty() || !d.fastPathApplies(feature))
        return false;
    Impl::PlaneMoments moments;
    if (!d.planeMoments(feature, moments)) {
        out = d.polygonAreaM2(feature, index, fid); // 0, or NaN said as unknown
        return true;
    }
    d.pending[d.pendingCount++] = {moments, &out, index, fid};
    if (d.pendingCount == Impl::kScaleBatch)
        d.flushScales();
    return true;
}

void AreaCalculator::areaM2Into(std::span<const double> ring, const Envelope& envelope,
                                std::size_t index, std::int64_t fid, double& out)
{
    if (!fastPathAreaM2Into(ring, envelope, index, fid, out))
        out = m_impl->polygonAreaM2(OneRing{ring, envelope}, index, fid);
}

void AreaCalculator::flush()
{
    m_impl->flushScales();
}

double AreaCalculator::ringAreaM2(RingView ring)
{
    return std::fabs(m_impl->generalRingArea(ring.xy));
}

double AreaCalculator::lengthM(const GeometryStore& store, std::size_t feature, LengthMethod method,
                               std::int64_t fid)
{
    Impl& d = *m_impl;
    if (method == LengthMethod::Planar && d.geographic)
        throw GeometryError("planar length refused: " + d.crs.label() +
                            " is geographic (degrees); use the geodesic method");
    if (store.kind() == GeometryKind::Point || store.isEmpty(feature))
        return 0;
    const bool closeRings = store.kind() == GeometryKind::Polygon;
    double length = 0;
    bool ok = true;
    const std::size_t parts = store.partCount(feature);
    for (std::size_t p = 0; p < parts; ++p) {
        const std::size_t rings = store.ringCount(feature, p);
        for (std::size_t r = 0; r < rings; ++r) {
            const std::span<const double> xy = store.ring(feature, p, r).xy;
            if (xy.size() < 4)
                continue;
            // A polygon ring stored open still has its closing edge.
            const bool addClosing = closeRings && openVertexCount(xy) == xy.size() / 2;
            if (method == LengthMethod::Planar) {
                double planar = planarPathLength(xy);
                if (addClosing)
                    planar += std::hypot(xy[0] - xy[xy.size() - 2], xy[1] - xy[xy.size() - 1]);
                length += planar * d.unitM;
                continue;
            }
            d.buffer.assign(xy.begin(), xy.end());
            if (addClosing) {
                d.buffer.push_back(xy[0]);
                d.buffer.push_back(xy[1]);
            }
            if (!allFinite(d.buffer)) {
                ok = false;
                continue;
            }
            if (!d.geographic && d.transform().forward(d.buffer.data(), d.buffer.size() / 2) != 0)
                ok = false;
            length += geodesicPathLength(d.buffer, d.geodesic);
        }
    }
    if (!ok || !std::isfinite(length)) {
        d.reportUnknown(StoreFeature{store, feature}, feature, fid, "length");
        return std::nan("");
    }
    return length;
}

} // namespace parkatlas::geo
