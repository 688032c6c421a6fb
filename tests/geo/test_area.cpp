#include "geo/crs/crs.h"
#include "geo/crs/transform.h"
#include "geo/error.h"
#include "geo/issue.h"
#include "geo/measure/area.h"
#include "geo/measure/transverse_mercator.h"
#include "geo/model/geometry_store.h"
#include "geo/units.h"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <proj.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <new>
#include <numbers>
#include <string>
#include <vector>

using namespace parkatlas::geo;

// Counts heap allocations on the calling thread, to prove that the fast path allocates nothing.
// (A global replacement: it forwards to malloc/free and changes nothing else in this binary.)
namespace {
thread_local std::size_t t_allocations = 0;
}
// GCC pairs the inlined allocator's `new` with this `free` and warns; they do match here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t size)
{
    ++t_allocations;
    if (void* p = std::malloc(size ? size : 1))
        return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept
{
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept
{
    std::free(p);
}
#pragma GCC diagnostic pop

namespace {

constexpr double kDegree = std::numbers::pi / 180.0;

using Ring = std::vector<double>; // interleaved x,y
using Part = std::vector<Ring>;   // exterior, then holes
using Feature = std::vector<Part>;

GeometryStore storeOf(const std::vector<Feature>& features,
                      GeometryKind kind = GeometryKind::Polygon)
{
    GeometryStore store(kind);
    for (const Feature& feature : features) {
        store.beginFeature();
        for (const Part& part : feature) {
            store.beginPart();
            for (const Ring& ring : part) {
                store.beginRing();
                for (std::size_t i = 0; i + 1 < ring.size(); i += 2)
                    store.addVertex(ring[i], ring[i + 1]);
            }
        }
        store.endFeature();
    }
    return store;
}

/// Closed counter-clockwise rectangle (clockwise when asked).
Ring rectangle(double x0, double y0, double width, double height, bool clockwise = false)
{
    Ring ring{x0, y0, x0 + width, y0, x0 + width, y0 + height, x0, y0 + height, x0, y0};
    if (clockwise)
        for (std::size_t i = 0, j = ring.size() - 2; i < j; i += 2, j -= 2) {
            std::swap(ring[i], ring[j]);
            std::swap(ring[i + 1], ring[j + 1]);
        }
    return ring;
}

/// A plot-like, non-convex, closed ring of about `size` metres across, centred on (cx, cy).
Ring plot(double cx, double cy, double size)
{
    static const double shape[] = {-0.50, -0.45, 0.10, -0.50, 0.48,  -0.30, 0.50,  0.20,
                                   0.15,  0.10,  0.20, 0.50,  -0.35, 0.45,  -0.50, 0.05};
    Ring ring;
    for (std::size_t i = 0; i < std::size(shape); i += 2) {
        ring.push_back(cx + shape[i] * size);
        ring.push_back(cy + shape[i + 1] * size);
    }
    ring.push_back(ring[0]);
    ring.push_back(ring[1]);
    return ring;
}

double relative(double value, double reference)
{
    return std::fabs(value - reference) / std::fabs(reference);
}

/// Projected coordinates (EPSG code) of a longitude/latitude on the same datum.
void project(int geographicEpsg, int projectedEpsg, double lonDeg, double latDeg, double& x,
             double& y)
{
    Transform forward(Crs::fromEpsg(geographicEpsg), Crs::fromEpsg(projectedEpsg));
    double xy[2] = {lonDeg, latDeg};
    ASSERT_EQ(forward.forward(xy, 1), 0u);
    x = xy[0];
    y = xy[1];
}

/// Reads WKT through OGR into a one-feature store.
GeometryStore storeFromWkt(const char* wkt)
{
    OGRGeometry* geometry = nullptr;
    EXPECT_EQ(OGRGeometryFactory::createFromWkt(wkt, nullptr, &geometry), OGRERR_NONE) << wkt;
    OGRGeometryUniquePtr owned(geometry);
    std::vector<unsigned char> wkb(owned->WkbSize());
    owned->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
    GeometryStore store(GeometryKind::Polygon);
    EXPECT_TRUE(store.appendWkb(wkb.data(), wkb.size()));
    return store;
}

double ellipsoidalAreaM2(int epsg, const GeometryStore& store, std::size_t feature = 0,
                         AreaOptions options = {})
{
    AreaCalculator calculator(Crs::fromEpsg(epsg), AreaMethod::Ellipsoidal, options);
    return calculator.areaM2(store, feature);
}

AreaOptions geodesicOnly(double densifyStepM = 30)
{
    AreaOptions options;
    options.allowFastPath = false;
    options.densifyStepM = densifyStepM;
    return options;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Names and refusals

TEST(AreaTest, MethodNamesRoundTrip)
{
    for (AreaMethod method : {AreaMethod::Ellipsoidal, AreaMethod::Survey, AreaMethod::Planar})
        EXPECT_EQ(areaMethodFromString(toString(method)), method);
    EXPECT_EQ(std::string(toString(AreaMethod::Ellipsoidal)), "ellipsoidal");
    EXPECT_EQ(std::string(toString(AreaMethod::Survey)), "survey");
    EXPECT_EQ(std::string(toString(AreaMethod::Planar)), "planar");
    EXPECT_EQ(areaMethodFromString("Planar"), AreaMethod::Planar);
    EXPECT_FALSE(areaMethodFromString("geodesic"));
    EXPECT_EQ(lengthMethodFromString("geodesic"), LengthMethod::Geodesic);
    EXPECT_EQ(lengthMethodFromString(toString(LengthMethod::Planar)), LengthMethod::Planar);
}

TEST(AreaTest, PlanarIsRefusedForGeographicCrs)
{
    EXPECT_THROW(AreaCalculator(Crs::fromEpsg(4490), AreaMethod::Planar), GeometryError);
    EXPECT_THROW(AreaCalculator(Crs::fromEpsg(4326), AreaMethod::Planar), GeometryError);
    AreaCalculator geodesic(Crs::fromEpsg(4490));
    const GeometryStore line = storeOf({{{{114.0, 30.0, 114.1, 30.0}}}}, GeometryKind::Line);
    EXPECT_THROW(geodesic.lengthM(line, 0, LengthMethod::Planar), GeometryError);
    EXPECT_GT(geodesic.lengthM(line, 0), 9000.0);
}

TEST(AreaTest, UnknownCrsIsRefused)
{
    EXPECT_THROW(AreaCalculator(Crs(), AreaMethod::Planar), CrsError);
    EXPECT_THROW(AreaCalculator{Crs()}, CrsError);
}

TEST(AreaTest, LinesHaveNoArea)
{
    const GeometryStore line =
        storeOf({{{{500000, 3375000, 500100, 3375000}}}}, GeometryKind::Line);
    AreaCalculator calculator(Crs::fromEpsg(4547));
    EXPECT_THROW(calculator.areaM2(line, 0), GeometryError);
}

// ---------------------------------------------------------------------------------------------
// Planar: exact values

TEST(AreaTest, SquareOfHundredMetresIsFifteenMu)
{
    // 8-digit zone-prefixed eastings (zone 38): the shoelace about the first vertex loses nothing.
    EXPECT_EQ(planarRingAreaSigned(rectangle(38500000.0, 3375000.0, 100, 100)), 10000.0);
    EXPECT_EQ(planarRingAreaSigned(rectangle(38500000.0, 3375000.0, 100, 100, true)), -10000.0);

    const GeometryStore store = storeOf({{{rectangle(500000.0, 3375000.0, 100, 100)}}});
    AreaCalculator planar(Crs::fromEpsg(4547), AreaMethod::Planar);
    const double areaM2 = planar.areaM2(store, 0);
    EXPECT_EQ(areaM2, 10000.0);
    EXPECT_EQ(muFromM2(areaM2), 15.0);
}

TEST(AreaTest, HolesSubtractAndPartsAddWhateverTheOrientation)
{
    // 100 m × 60 m with a 20 m × 10 m hole, plus a 30 m × 30 m second part.
    for (bool exteriorClockwise : {false, true})
        for (bool holeClockwise : {false, true}) {
            const Feature feature{{rectangle(500000, 3375000, 100, 60, exteriorClockwise),
                                   rectangle(500010, 3375010, 20, 10, holeClockwise)},
                                  {rectangle(500200, 3375000, 30, 30, !exteriorClockwise)}};
            const GeometryStore store = storeOf({feature});
            AreaCalculator planar(Crs::fromEpsg(4547), AreaMethod::Planar);
            EXPECT_EQ(planar.areaM2(store, 0), 6000.0 - 200.0 + 900.0);
            // The other methods obey the same rule (values differ by the scale, ~1e-4 here).
            const double ellipsoidal = ellipsoidalAreaM2(4547, store);
            const double geodesic = ellipsoidalAreaM2(4547, store, 0, geodesicOnly());
            AreaCalculator survey(Crs::fromEpsg(4547), AreaMethod::Survey);
            EXPECT_NEAR(ellipsoidal, 6700.0, 6700.0 * 1e-3);
            EXPECT_LT(relative(geodesic, ellipsoidal), 1e-9);
            EXPECT_LT(relative(survey.areaM2(store, 0), ellipsoidal), 1e-7);
        }
}

TEST(AreaTest, OpenAndClosedRingsMeasureTheSame)
{
    Ring closed = plot(529000, 3375700, 300);
    Ring open(closed.begin(), closed.end() - 2);
    const GeometryStore store = storeOf({{{closed}}, {{open}}});
    for (AreaMethod method : {AreaMethod::Planar, AreaMethod::Ellipsoidal, AreaMethod::Survey}) {
        AreaCalculator calculator(Crs::fromEpsg(4547), method);
        EXPECT_DOUBLE_EQ(calculator.areaM2(store, 0), calculator.areaM2(store, 1))
            << toString(method);
    }
    AreaCalculator geodesic(Crs::fromEpsg(4547), AreaMethod::Ellipsoidal, geodesicOnly());
    EXPECT_DOUBLE_EQ(geodesic.areaM2(store, 0), geodesic.areaM2(store, 1));
    // Perimeter: the open ring still has its closing edge.
    EXPECT_DOUBLE_EQ(geodesic.lengthM(store, 0), geodesic.lengthM(store, 1));
}

TEST(AreaTest, UsFeetCrsGivesSquareMetres)
{
    // EPSG:2284, NAD83 / Virginia South (ftUS): 1 ftUS = 1200/3937 m.
    const GeometryStore store = storeOf({{{rectangle(11230000.0, 3780000.0, 1000, 1000)}}});
    AreaCalculator planar(Crs::fromEpsg(2284), AreaMethod::Planar);
    const double footM = 1200.0 / 3937.0;
    EXPECT_LT(relative(planar.areaM2(store, 0), 1.0e6 * footM * footM), 1e-12);
    EXPECT_LT(relative(planar.lengthM(store, 0, LengthMethod::Planar), 4000 * footM), 1e-12);
    // Lambert conformal conic: no fast path, the geodesic path; the scale is near 1 there.
    AreaCalculator ellipsoidal(Crs::fromEpsg(2284));
    EXPECT_FALSE(ellipsoidal.usesFastPath(store, 0));
    EXPECT_LT(relative(ellipsoidal.areaM2(store, 0), 1.0e6 * footM * footM), 2e-4);
}

TEST(AreaTest, EmptyFeatureMeasuresZero)
{
    GeometryStore store = storeOf({{{rectangle(500000, 3375000, 10, 10)}}});
    store.appendEmpty();
    for (AreaMethod method : {AreaMethod::Planar, AreaMethod::Ellipsoidal, AreaMethod::Survey}) {
        AreaCalculator calculator(Crs::fromEpsg(4547), method);
        EXPECT_EQ(calculator.areaM2(store, 1), 0.0);
        EXPECT_EQ(calculator.lengthM(store, 1), 0.0);
    }
}

TEST(AreaTest, InvalidGeometryIsMeasuredAsGiven)
{
    // A symmetric bow-tie: the shoelace's lobes cancel; two identical parts count twice.
    const Ring bowTie{500000,  3375000, 500100,  3375100, 500100,
                      3375000, 500000,  3375100, 500000,  3375000};
    const Ring square = rectangle(500000, 3375000, 100, 100);
    const GeometryStore store = storeOf({{{bowTie}}, {{square}, {square}}});
    for (AreaMethod method : {AreaMethod::Planar, AreaMethod::Ellipsoidal, AreaMethod::Survey}) {
        AreaCalculator calculator(Crs::fromEpsg(4547), method);
        EXPECT_NEAR(calculator.areaM2(store, 0), 0.0, 1e-6) << toString(method);
        EXPECT_NEAR(calculator.areaM2(store, 1), 20000.0, 20000.0 * 1e-3) << toString(method);
    }
}

TEST(AreaTest, NanCoordinateGivesUnknownAreaAndAnIssue)
{
    const double nan = std::nan("");
    const GeometryStore store = storeOf(
        {{{{500000, 3375000, 500100, 3375000, nan, 3375100, 500000, 3375100, 500000, 3375000}}},
         {{rectangle(500000, 3375000, 100, 100)}}});
    for (AreaMethod method : {AreaMethod::Planar, AreaMethod::Ellipsoidal, AreaMethod::Survey})
        for (bool fastPath : {true, false}) {
            IssueList issues;
            AreaOptions options;
            options.allowFastPath = fastPath;
            AreaCalculator calculator(Crs::fromEpsg(4547), method, options);
            calculator.setIssueSink(&issues, "parcels.shp", "parcels");
            EXPECT_TRUE(std::isnan(calculator.areaM2(store, 0, 17))) << toString(method);
            EXPECT_TRUE(std::isnan(calculator.lengthM(store, 0, LengthMethod::Geodesic, 17)));
            EXPECT_GT(calculator.areaM2(store, 1, 18), 9999.0); // the next feature is fine
            const std::vector<Issue> reported = issues.issues();
            ASSERT_EQ(reported.size(), 2u);
            EXPECT_EQ(reported[0].fid, 17);
            EXPECT_EQ(reported[0].layer, "parcels");
            EXPECT_EQ(reported[0].path, "parcels.shp");
            EXPECT_NE(reported[0].message.find("NaN"), std::string::npos) << reported[0].message;
        }
    // Without a sink: NaN all the same, nothing else happens.
    AreaCalculator quiet(Crs::fromEpsg(4547));
    EXPECT_TRUE(std::isnan(quiet.areaM2(store, 0)));
}

// ---------------------------------------------------------------------------------------------
// Closed forms

TEST(AreaTest, OneDegreeCellMatchesTheClosedFormOnCgcs2000)
{
    // S(φ) = π b² [sin φ/(1 − e² sin²φ) + (1/2e) ln((1 + e sin φ)/(1 − e sin φ))] over 360°.
    const Ellipsoid cgcs = Ellipsoid::cgcs2000();
    const double expected = (zoneAreaM2(31.0, cgcs) - zoneAreaM2(30.0, cgcs)) / 360.0;
    EXPECT_NEAR(expected, 1.0e10, 0.1e10); // about 10 700 km²

    // Survey: the 2008 trapezoid formula is this integral, truncated at e⁸.
    const Ring cell{114, 30, 115, 30, 115, 31, 114, 31, 114, 30};
    EXPECT_LT(relative(surveyRingAreaSignedM2(cell, cgcs), expected), 1e-12);

    // Geodesic (geod_polygonarea): geodesics are not parallels, so the cell's north and south
    // edges are followed with 20 000 vertices each (sliver error ~1e-12 then).
    Ring dense;
    const int n = 20000;
    for (int i = 0; i <= n; ++i)
        dense.insert(dense.end(), {114.0 + static_cast<double>(i) / n, 30.0});
    for (int i = 0; i <= n; ++i)
        dense.insert(dense.end(), {115.0 - static_cast<double>(i) / n, 31.0});
    EXPECT_LT(relative(geodesicRingAreaSignedM2(dense, cgcs), expected), 1e-9);

    // The same through AreaCalculator on an EPSG:4490 layer.
    const GeometryStore store = storeOf({{{dense}}});
    EXPECT_LT(relative(ellipsoidalAreaM2(4490, store), expected), 1e-9);
    AreaCalculator survey(Crs::fromEpsg(4490), AreaMethod::Survey);
    EXPECT_LT(relative(survey.areaM2(store, 0), expected), 1e-12);
}

TEST(AreaTest, ClosedFormScaleFactorMatchesProj)
{
    // The fast path's k (Snyder's series from plane coordinates) against PROJ's exact
    // Transverse Mercator (Poder/Engsager) for EPSG:4547's projection, over 18°N–54°N and up to
    // 3.5° off the central meridian. Reference k: a 4th-order central difference of PROJ's
    // forward projection along the parallel (|∂(E,N)/∂λ| / (ν cos φ), step 1e-4 rad: ~1e-13).
    // proj_factors is no reference at this level: it differentiates to ~1e-10 (h ≠ k by that).
    const Crs crs = Crs::fromEpsg(4547);
    const auto parameters = TransverseMercatorParameters::of(crs);
    ASSERT_TRUE(parameters);
    EXPECT_EQ(parameters->centralMeridianDeg, 114.0);
    EXPECT_EQ(parameters->falseEastingM, 500000.0);
    EXPECT_EQ(parameters->scaleFactor, 1.0);
    const TransverseMercatorScale scale(*parameters);

    PJ_CONTEXT* context = proj_context_create();
    PJ* projection = proj_create(
        context, "+proj=tmerc +lat_0=0 +lon_0=114 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80");
    ASSERT_NE(projection, nullptr);
    const double a = 6378137.0;
    const double e2 = Ellipsoid::cgcs2000().eccentricitySquared();
    double worstInZone = 0; // 3° zones: 1.5° off the CM at most
    double worstWide = 0;   // 6° zones and a margin: 3.5°
    for (double lat = 18.0; lat <= 54.0; lat += 4.0)
        for (double dLon = -3.5; dLon <= 3.5; dLon += 0.25) {
            const double phi = lat * kDegree;
            const double lambda = (114.0 + dLon) * kDegree;
            auto at = [&](double l) {
                return proj_trans(projection, PJ_FWD, proj_coord(l, phi, 0, 0)).xy;
            };
            const double h = 1e-4;
            const PJ_XY p1 = at(lambda + h);
            const PJ_XY m1 = at(lambda - h);
            const PJ_XY p2 = at(lambda + 2 * h);
            const PJ_XY m2 = at(lambda - 2 * h);
            const double dE = (8 * (p1.x - m1.x) - (p2.x - m2.x)) / (12 * h);
            const double dN = (8 * (p1.y - m1.y) - (p2.y - m2.y)) / (12 * h);
            const double nu = a / std::sqrt(1 - e2 * std::sin(phi) * std::sin(phi));
            const double reference = std::hypot(dE, dN) / (nu * std::cos(phi));
            const PJ_XY xy = at(lambda);
            const double error = std::fabs(scale.scaleFactor(xy.x, xy.y) - reference);
            double& worst = std::fabs(dLon) <= 1.5 ? worstInZone : worstWide;
            worst = std::max(worst, error);

            double lon = 0;
            double latBack = 0;
            scale.geographicOf(xy.x, xy.y, lon, latBack);
            // Series inverse: ~1e-9° (0.1 mm) in the zone, ~1e-8° (1.4 mm) at 3.5°.
            EXPECT_NEAR(lon, 114.0 + dLon, 3e-8);
            EXPECT_NEAR(latBack, lat, 3e-9);
            // The same k through PROJ's own (numerical) proj_factors, to its precision.
            const PJ_FACTORS factors = proj_factors(projection, proj_coord(lambda, phi, 0, 0));
            EXPECT_NEAR(factors.parallel_scale, reference, 3e-10);
        }
    proj_destroy(projection);
    proj_context_destroy(context);
    std::printf("[ measure  ] closed-form k vs PROJ: worst |dk| %.1e within 1.5 deg of the CM, "
                "%.1e to 3.5 deg\n",
                worstInZone, worstWide);
    EXPECT_LT(worstInZone, 2e-11); // area: 4e-11
    EXPECT_LT(worstWide, 2.5e-10);
}

// ---------------------------------------------------------------------------------------------
// Fast path (planar moments / k²) against the geodesic path (densified, geod_polygonarea)

TEST(AreaTest, FastPathAgreesWithGeodesicPathOnPlotsAcrossTheZone)
{
    // Plots of 30 m to 2 km at the central meridian, 0.75° and 1.5° off it (both sides), from
    // 18°N to 53°N, in EPSG:4547 (CM 114°E) — with a hole, and as a two-part feature.
    //
    // Against the geodesic path (PROJ inverse, split to 30 m, geod_polygonarea) they agree to
    // 1e-9 of the area plus 5e-5 m²: geod_polygonarea's round-off is absolute, up to ~3e-5 m²
    // on a 700 m² plot (4e-8 of it), so below ~5 ha the geodesic path is the less precise of
    // the two. An independent reference shows it: the survey formula's strips on edges split
    // to 1 m converge on the plot as drawn, and the fast path is within 1e-10 of it.
    std::vector<Feature> features;
    for (double lat : {18.0, 30.5, 45.0, 53.0})
        for (double dLon : {-1.5, -0.75, 0.0, 0.75, 1.5})
            for (double size : {30.0, 300.0, 2000.0}) {
                double x = 0;
                double y = 0;
                project(4490, 4547, 114.0 + dLon, lat, x, y);
                features.push_back({{plot(x, y, size)}});
                features.push_back({{plot(x, y, size), rectangle(x - size / 10, y - size / 10,
                                                                 size / 5, size / 6, true)},
                                    {plot(x + 1.5 * size, y, size / 2)}});
            }
    const GeometryStore store = storeOf(features);
    AreaCalculator fast(Crs::fromEpsg(4547));
    AreaCalculator geodesic(Crs::fromEpsg(4547), AreaMethod::Ellipsoidal, geodesicOnly());
    AreaOptions fine = geodesicOnly(1);
    AreaCalculator strips(Crs::fromEpsg(4547), AreaMethod::Survey, fine);
    double worstRelative = 0;
    double worstLargeRelative = 0;
    double worstAbsolute = 0;
    double worstStrips = 0;
    for (std::size_t f = 0; f < store.featureCount(); ++f) {
        ASSERT_TRUE(fast.usesFastPath(store, f));
        ASSERT_FALSE(geodesic.usesFastPath(store, f));
        const double fastM2 = fast.areaM2(store, f);
        const double geodesicM2 = geodesic.areaM2(store, f);
        EXPECT_LT(std::fabs(fastM2 - geodesicM2), 1e-9 * fastM2 + 5e-5) << "feature " << f;
        worstRelative = std::max(worstRelative, relative(fastM2, geodesicM2));
        worstAbsolute = std::max(worstAbsolute, std::fabs(fastM2 - geodesicM2));
        if (fastM2 > 5e4) // 5 ha and more: round-off below 1e-9
            worstLargeRelative = std::max(worstLargeRelative, relative(fastM2, geodesicM2));
        const double d = relative(fastM2, strips.areaM2(store, f));
        worstStrips = std::max(worstStrips, d);
        EXPECT_LT(d, 1e-10) << "feature " << f;
    }
    EXPECT_LT(worstLargeRelative, 1e-9);
    std::printf("[ measure  ] fast vs geodesic path on %zu plots (30 m-2 km): worst %.2e "
                "(%.1e m2), %.2e on plots of 5 ha+; fast vs 1 m strips: worst %.2e\n",
                store.featureCount(), worstRelative, worstAbsolute, worstLargeRelative,
                worstStrips);
}

TEST(AreaTest, FastPathDivergesFromGeodesicPathOnlyForLargePolygons)
{
    // Squares centred at the zone edge (112.5°E, 30.5°N in EPSG:4547), 1 km to 300 km wide.
    // "fast" is the fast path's formula (∫∫ dA/k² from the polygon's moments up to the second),
    // "centroid" is the plain planar area / k(centroid)², "geodesic" the densified geodesic
    // polygon (step 30 m, itself within ~1e-11 of the plot as drawn at these sizes).
    double x = 0;
    double y = 0;
    project(4490, 4547, 112.5, 30.5, x, y);
    const TransverseMercatorScale scale(*TransverseMercatorParameters::of(Crs::fromEpsg(4547)));
    AreaOptions unlimited;
    unlimited.fastPathMaxExtentM = 1e9;
    AreaCalculator fast(Crs::fromEpsg(4547), AreaMethod::Ellipsoidal, unlimited);
    AreaCalculator geodesic(Crs::fromEpsg(4547), AreaMethod::Ellipsoidal, geodesicOnly(30));
    std::printf("[ measure  ] %8s %12s %12s\n", "side", "fast", "centroid");
    for (double side : {1e3, 5e3, 20e3, 50e3, 100e3, 300e3}) {
        const GeometryStore store =
            storeOf({{{rectangle(x - side / 2, y - side / 2, side, side)}}});
        const double reference = geodesic.areaM2(store, 0);
        const double k = scale.scaleFactor(x, y);
        const double fastError = relative(fast.areaM2(store, 0), reference);
        const double centroidError = relative(side * side / (k * k), reference);
        std::printf("[ measure  ] %6.0f km %12.2e %12.2e\n", side / 1e3, fastError, centroidError);
        if (side <= 20e3) {
            EXPECT_LT(fastError, 1e-10) << side; // hence fastPathMaxExtentM = 20 km
        }
        if (side == 1e3) {
            // The centroid alone is off by about side²/(12R²) = 2e-9 at 1 km: why the fast path
            // carries the second-moment term.
            EXPECT_GT(centroidError, 1e-9);
        }
    }
    // The default options send the 50 km square down the geodesic path.
    const GeometryStore big = storeOf({{{rectangle(x, y, 50e3, 50e3)}}});
    EXPECT_FALSE(AreaCalculator(Crs::fromEpsg(4547)).usesFastPath(big, 0));
}

TEST(AreaTest, DensifyingFollowsThePlotAsDrawn)
{
    // A 20 km polygon at 1.4° off the CM: geodesic edges between the vertices alone differ
    // from the plot drawn straight in the plane by ~5e-7 (PostGIS says the same, below); split
    // to 30 m (the default) or 100 m the difference is gone to ~1e-10.
    const GeometryStore store = storeFromWkt(
        "POLYGON((360000 3370000,380000 3370500,379500 3390000,360500 3389000,360000 3370000))");
    const double step100 = ellipsoidalAreaM2(4547, store, 0, geodesicOnly(100));
    const double step10 = ellipsoidalAreaM2(4547, store, 0, geodesicOnly(10));
    const double verticesOnly = ellipsoidalAreaM2(4547, store, 0, geodesicOnly(0));
    const double fast = ellipsoidalAreaM2(4547, store);
    const double step30 = ellipsoidalAreaM2(4547, store, 0, geodesicOnly());
    EXPECT_LT(relative(step30, step10), 2e-11);
    EXPECT_LT(relative(step100, step10), 2e-10);
    EXPECT_LT(relative(fast, step10), 5e-11);
    EXPECT_GT(relative(verticesOnly, step10), 1e-7);
    std::printf("[ measure  ] 20 km polygon: step 100 m vs 10 m %.2e, fast vs 10 m %.2e, "
                "vertices only vs 10 m %.2e\n",
                relative(step100, step10), relative(fast, step10), relative(verticesOnly, step10));
}

// ---------------------------------------------------------------------------------------------
// Survey (三调椭球面积) against ellipsoidal

TEST(AreaTest, SurveyAgreesWithEllipsoidalOnPlots)
{
    // Agreement to 1e-6 everywhere in China (18°N–53°N, CM and zone edges, 30 m to 2 km), with
    // edges split to 30 m as ellipsoidal does. What is left is the formula's own strip error,
    // about (d/R)·tan B/12 for sub-edges of length d: worst on small slanted plots far north
    // (5e-7 for a 30 m triangle at 53°N), ~1e-8 on 2 km plots.
    std::vector<Feature> features;
    for (double lat : {18.0, 30.5, 45.0, 53.0})
        for (double dLon : {-1.5, 0.0, 1.5})
            for (double size : {30.0, 300.0, 2000.0}) {
                double x = 0;
                double y = 0;
                project(4490, 4547, 114.0 + dLon, lat, x, y);
                features.push_back({{plot(x, y, size)}});
                // A triangle: the shape where one trapezoid per edge errs most.
                features.push_back(
                    {{{x, y, x + size, y + size / 10, x + size / 2, y + size, x, y}}});
            }
    const GeometryStore store = storeOf(features);
    AreaCalculator ellipsoidal(Crs::fromEpsg(4547));
    AreaCalculator survey(Crs::fromEpsg(4547), AreaMethod::Survey);
    double worst = 0;
    for (std::size_t f = 0; f < store.featureCount(); ++f) {
        const double d = relative(survey.areaM2(store, f), ellipsoidal.areaM2(store, f));
        worst = std::max(worst, d);
        EXPECT_LT(d, 1e-6) << "feature " << f;
    }
    std::printf("[ measure  ] survey vs ellipsoidal on %zu plots: worst %.2e\n",
                store.featureCount(), worst);
}

TEST(AreaTest, SurveyOnVerticesAloneErrsOnLongSlantedEdges)
{
    // Why survey densifies like ellipsoidal: one trapezoid per edge takes the edge's mean
    // longitude over its latitude span, which is exact for edges along meridians and parallels
    // but errs by about b²·sin B·ΔL·ΔB²/12 for a slanted edge; and a vertex-only polygon has
    // edges straight in (L, B), not in the plane. On a 2 km triangle at 53°N this is 1.4e-4;
    // split to 30 m (the default), ~1e-8. The strip error relative to the area is about
    // (d/R)·tan B/12 for sub-edges of length d, so even split to 30 m a 30 m plot at 53°N keeps
    // ~5e-7 (AreaTest.SurveyAgreesWithEllipsoidalOnPlots): inside the 1e-6 contract.
    double x = 0;
    double y = 0;
    project(4490, 4547, 115.5, 53.0, x, y);
    const double size = 2000;
    const GeometryStore store =
        storeOf({{{{x, y, x + size, y + size / 10, x + size / 2, y + size, x, y}}}});
    AreaOptions verticesOnly;
    verticesOnly.densifyStepM = 0;
    AreaCalculator survey(Crs::fromEpsg(4547), AreaMethod::Survey, verticesOnly);
    AreaCalculator surveyDense(Crs::fromEpsg(4547), AreaMethod::Survey);
    const double reference = ellipsoidalAreaM2(4547, store);
    const double coarse = relative(survey.areaM2(store, 0), reference);
    const double dense = relative(surveyDense.areaM2(store, 0), reference);
    std::printf("[ measure  ] survey on a 2 km triangle at 53N: vertices only %.2e, split to "
                "30 m %.2e\n",
                coarse, dense);
    EXPECT_GT(coarse, 1e-5);
    EXPECT_LT(dense, 5e-8);
}

TEST(AreaTest, SurveyUsesTheDatumsOwnEllipsoid)
{
    // The same longitude/latitude plot on CGCS2000 (EPSG:4490), Xi'an 1980 (EPSG:4610) and
    // Beijing 1954 (EPSG:4214): each CRS's own ellipsoid is used, and they give different
    // areas (by ~1e-6, the ellipsoids' difference).
    const Ring lonLat{114.3001, 30.5002,  114.3052, 30.5001,  114.3049,
                      30.5043,  114.3003, 30.5038,  114.3001, 30.5002};
    const GeometryStore store = storeOf({{{lonLat}}});
    struct Case {
        int epsg;
        Ellipsoid ellipsoid;
    };
    double previous = 0;
    for (const Case& c : {Case{4490, Ellipsoid::cgcs2000()}, Case{4610, Ellipsoid::xian1980()},
                          Case{4214, Ellipsoid::beijing1954()}}) {
        AreaCalculator survey(Crs::fromEpsg(c.epsg), AreaMethod::Survey);
        EXPECT_EQ(survey.ellipsoid().semiMajorM, c.ellipsoid.semiMajorM) << c.epsg;
        EXPECT_NEAR(survey.ellipsoid().inverseFlattening, c.ellipsoid.inverseFlattening, 1e-9);
        const double areaM2 = survey.areaM2(store, 0);
        EXPECT_LT(relative(areaM2, surveyRingAreaSignedM2(lonLat, c.ellipsoid)), 1e-15);
        // Lon/lat edges are geodesics for ellipsoidal, straight in (L, B) for survey: ~1e-9
        // apart on a 500 m plot.
        EXPECT_LT(relative(areaM2, ellipsoidalAreaM2(c.epsg, store)), 1e-7) << c.epsg;
        if (previous != 0) {
            EXPECT_GT(relative(areaM2, previous), 1e-7) << c.epsg;
        }
        previous = areaM2;
    }

    // Projected coordinates are another matter: the same Gauss-Krüger coordinates on the
    // Xi'an 1980 (EPSG:2383) and CGCS2000 (EPSG:4547) zones give areas within 1e-10 — the
    // plane area over k², and k hardly depends on the ellipsoid. PostGIS agrees (fixture
    // below).
    const GeometryStore plotXy = storeFromWkt(
        "POLYGON((528800 3375582,529200 3375590,529190 3375990,528810 3375985,528800 3375582))");
    AreaCalculator xian(Crs::fromEpsg(2383), AreaMethod::Survey);
    AreaCalculator cgcs(Crs::fromEpsg(4547), AreaMethod::Survey);
    EXPECT_EQ(xian.ellipsoid().semiMajorM, 6378140.0);
    EXPECT_LT(relative(xian.areaM2(plotXy, 0), cgcs.areaM2(plotXy, 0)), 1e-10);
    EXPECT_LT(relative(xian.areaM2(plotXy, 0), ellipsoidalAreaM2(2383, plotXy)), 1e-8);
}

// ---------------------------------------------------------------------------------------------
// PostGIS ST_Area(geography)

namespace {

struct PostgisFixture {
    const char* name;
    int epsg;        // the layer's CRS
    const char* wkt; // in that CRS
    double stAreaM2; // PostGIS's answer
    double tolerance;
};

// Computed with PostgreSQL 15, PostGIS 3.3.2 (GEOS 3.11.1, PROJ 9.1.1), SET extra_float_digits
// = 3, by
//   SELECT ST_Area(ST_Transform(ST_GeomFromText('<wkt>', <epsg>), <geographic>)::geography);
// with <geographic> the CRS's own geographic CRS (4490 for 4547, 4610 for 2383), and for the
// geographic layers SELECT ST_Area(ST_GeomFromText('<wkt>', <epsg>)::geography). PostGIS takes
// edges as geodesics between the transformed vertices, and the spheroid from the geographic
// SRID (GRS80 for 4490, a=6378140 b=6356755.288157528 for 4610, WGS84 for 4326). The 20 km
// polygon is given twice: vertices only (geodesic edges: 375218588.948) and as drawn in the
// plane, ST_Segmentize(geom, 10) in EPSG:4547 before ST_Transform (375218408.430); ParkAtlas
// measures the plot as drawn, so it is compared with the second and differs from the first by
// 4.8e-7.
//
// The last column is what ParkAtlas achieves. Geographic layers: the same geod_polygonarea, so
// only round-off (~1e-5 m²) apart. Projected plots: PostGIS's edges are geodesics between the
// vertices, ours straight in the plane; at the zone edge (1.5° off the CM) that alone makes
// 3e-8 to 6e-8 on 400 m plots; our geodesic path without splitting reproduces PostGIS to
// round-off (checked below).
const PostgisFixture kPostgisFixtures[] = {
    {"4547 multipolygon with hole near the CM (114.3E 30.5N)", 4547,
     "MULTIPOLYGON(((528800 3375580,529110.25 3375600.5,529180.75 3375880.125,528950.5 "
     "3375950.375,528780.125 3375820.5,528800 3375580),(528900 3375700,528950 3375700,528950 "
     "3375760,528900 3375760,528900 3375700)),((529300 3375600,529420 3375610,529410 "
     "3375700,529300 3375600)))",
     114805.78463751683, 1e-8},
    {"4547 quadrilateral at the zone edge (112.5E 30.5N)", 4547,
     "POLYGON((355990 3376490,356410.5 3376520.25,356390 3376850.75,356020.25 "
     "3376880.5,355990 3376490))",
     142368.72845871747, 1e-7},
    {"4547 triangle at the zone edge (112.5E 30.5N)", 4547,
     "POLYGON((355990 3376490,356410.5 3376520.25,356220.75 3376890.5,355990 3376490))",
     80673.89154314995, 1e-7},
    {"4490 geographic plot", 4490,
     "POLYGON((114.3001 30.5002,114.3052 30.5001,114.3049 30.5043,114.3003 "
     "30.5038,114.3001 30.5002))",
     201405.5775874108, 1e-10},
    {"4326 WGS84 plot in Shanghai", 4326,
     "POLYGON((121.4701 31.2302,121.4755 31.2299,121.476 31.2345,121.4702 31.2349,121.4701 "
     "31.2302))",
     276172.91777747124, 1e-10},
    {"4547 20 km polygon, segmentized to 10 m in the plane", 4547,
     "POLYGON((360000 3370000,380000 3370500,379500 3390000,360500 3389000,360000 3370000))",
     375218408.43037903, 1e-10},
    {"2383 Xian 1980 GK plot", 2383,
     "POLYGON((528800 3375582,529200 3375590,529190 3375990,528810 3375985,528800 3375582))",
     156581.75234422088, 1e-10},
};

} // namespace

TEST(AreaTest, AgreesWithPostgisGeographyArea)
{
    for (const PostgisFixture& fixture : kPostgisFixtures) {
        const GeometryStore store = storeFromWkt(fixture.wkt);
        const double areaM2 = ellipsoidalAreaM2(fixture.epsg, store);
        const double d = relative(areaM2, fixture.stAreaM2);
        std::printf("[ measure  ] %-55s %.6f vs PostGIS %.6f (%.1e)\n", fixture.name, areaM2,
                    fixture.stAreaM2, d);
        EXPECT_LT(d, 1e-6) << fixture.name;              // the contract (DESIGN.md)
        EXPECT_LT(d, fixture.tolerance) << fixture.name; // what is actually achieved
    }
    // PostGIS's figures for projected layers are geodesic-edged polygons on the transformed
    // vertices; our geodesic path without splitting computes the same thing.
    for (int i : {0, 1, 2, 6}) {
        const PostgisFixture& fixture = kPostgisFixtures[i];
        const GeometryStore store = storeFromWkt(fixture.wkt);
        EXPECT_LT(std::fabs(ellipsoidalAreaM2(fixture.epsg, store, 0, geodesicOnly(0)) -
                            fixture.stAreaM2),
                  5e-5)
            << fixture.name;
    }
    const GeometryStore big = storeFromWkt(kPostgisFixtures[5].wkt);
    EXPECT_LT(relative(ellipsoidalAreaM2(4547, big, 0, geodesicOnly(0)), 375218588.9483309), 1e-12);
}

// ---------------------------------------------------------------------------------------------
// Lengths

TEST(AreaTest, GeodesicLengthAlongTheCentralMeridianIsTheNorthingDifference)
{
    // On the CM of a Gauss-Krüger zone (k0 = 1) northings are meridian arc lengths.
    const GeometryStore line =
        storeOf({{{{500000, 3000000, 500000, 3050000, 500000, 3100000}}}}, GeometryKind::Line);
    AreaCalculator calculator(Crs::fromEpsg(4547));
    EXPECT_NEAR(calculator.lengthM(line, 0), 100000.0, 1e-6);
    EXPECT_EQ(calculator.lengthM(line, 0, LengthMethod::Planar), 100000.0);
}

TEST(AreaTest, GeodesicLengthAtTheZoneEdgeIsPlanarOverScale)
{
    double x = 0;
    double y = 0;
    project(4490, 4547, 112.5, 30.5, x, y);
    const GeometryStore line =
        storeOf({{{{x, y, x + 600, y + 800}}}}, GeometryKind::Line); // 1000 m in the plane
    const TransverseMercatorScale scale(*TransverseMercatorParameters::of(Crs::fromEpsg(4547)));
    const double k = scale.scaleFactor(x + 300, y + 400);
    AreaCalculator calculator(Crs::fromEpsg(4547));
    EXPECT_LT(relative(calculator.lengthM(line, 0), 1000.0 / k), 1e-9);
    EXPECT_GT(k, 1.0002); // ~2.8e-4 longer in the plane than on the ground
}

TEST(AreaTest, PerimeterOfASquare)
{
    const GeometryStore store =
        storeOf({{{rectangle(500000, 3375000, 100, 100), rectangle(500010, 3375010, 10, 10)}}});
    AreaCalculator calculator(Crs::fromEpsg(4547));
    EXPECT_EQ(calculator.lengthM(store, 0, LengthMethod::Planar), 440.0);
    EXPECT_NEAR(calculator.lengthM(store, 0), 440.0, 1e-6);
}

// ---------------------------------------------------------------------------------------------
// Speed: the fast path allocates nothing and costs about a shoelace

TEST(AreaTest, FastPathAllocatesNothingAndIsQuick)
{
    // 100 000 twelve-vertex parcels around Wuhan (EPSG:4547).
    GeometryStore store(GeometryKind::Polygon);
    const std::size_t parcels = 100000;
    store.reserve(parcels, parcels * 12);
    for (std::size_t i = 0; i < parcels; ++i) {
        const double x = 480000 + static_cast<double>(i % 300) * 150;
        const double y = 3350000 + static_cast<double>(i / 300) * 150;
        store.beginFeature();
        store.beginPart();
        store.beginRing();
        for (int v = 0; v < 11; ++v) {
            const double angle = 2 * std::numbers::pi * v / 11;
            store.addVertex(x + 60 * std::cos(angle) * (1 + 0.1 * (v % 3)),
                            y + 60 * std::sin(angle));
        }
        store.addVertex(x + 60 * 1.0, y); // closing vertex (v = 0: factor 1)
        store.endFeature();
    }
    AreaCalculator calculator(Crs::fromEpsg(4547));
    double totalM2 = calculator.areaM2(store, 0); // warm up
    totalM2 = 0;
    const std::size_t before = t_allocations;
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t f = 0; f < parcels; ++f)
        totalM2 += calculator.areaM2(store, f);
    const auto seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(t_allocations, before);
    EXPECT_GT(totalM2, 0);
    std::printf("[ measure  ] fast path: %zu parcels, %zu vertices in %.1f ms (%.0f ns/parcel)\n",
                parcels, store.totalVertexCount(), seconds * 1e3, seconds * 1e9 / parcels);
}

// ---------------------------------------------------------------------------------------------
// Real data

namespace {

std::string realData(const char* relative)
{
    return std::string(PARKATLAS_REALDATA) + "/" + relative;
}

/// Every feature of a polygon shapefile as WKB into a store, with one numeric field alongside.
bool readPolygons(const std::string& path, const char* field, GeometryStore& store,
                  std::vector<double>& values, Crs& crs)
{
    GDALAllRegister();
    GDALDatasetUniquePtr dataset(
        GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    if (!dataset)
        return false;
    OGRLayer* layer = dataset->GetLayer(0);
    crs = Crs::fromOgr(layer->GetSpatialRef());
    store = GeometryStore(GeometryKind::Polygon);
    std::vector<unsigned char> wkb;
    for (const auto& feature : *layer) {
        const OGRGeometry* geometry = feature->GetGeometryRef();
        if (!geometry)
            continue;
        wkb.resize(geometry->WkbSize());
        geometry->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
        EXPECT_TRUE(store.appendWkb(wkb.data(), wkb.size()));
        values.push_back(feature->GetFieldAsDouble(field));
    }
    return true;
}

/// The raw shoelace of a feature in squared coordinate units: exterior positive, holes negative.
double rawShoelace(const GeometryStore& store, std::size_t feature)
{
    double area = 0;
    for (std::size_t p = 0; p < store.partCount(feature); ++p)
        for (std::size_t r = 0; r < store.ringCount(feature, p); ++r) {
            const double ring = std::fabs(planarRingAreaSigned(store.ring(feature, p, r).xy));
            area += r == 0 ? ring : -ring;
        }
    return area;
}

} // namespace

TEST(AreaTest, TownshipAreaFieldIsTheRawShoelace)
{
    // arcgis-engine-practice/townshp: AREA (5 decimals) is the planar area of the coordinates,
    // which are in local units although the .prj says Xi'an 80 GK metres: so the raw shoelace.
    const std::string path = realData("china/arcgis-engine-practice/townshp.shp");
    if (!std::filesystem::exists(path))
        GTEST_SKIP() << path << " not present";
    GeometryStore store;
    std::vector<double> field;
    Crs crs;
    ASSERT_TRUE(readPolygons(path, "AREA", store, field, crs));
    ASSERT_EQ(store.featureCount(), 73u);
    double worst = 0;
    for (std::size_t f = 0; f < store.featureCount(); ++f) {
        const double d = relative(rawShoelace(store, f), field[f]);
        worst = std::max(worst, d);
        EXPECT_LT(d, 1e-6) << "feature " << f;
    }
    std::printf("[ measure  ] townshp: raw shoelace vs AREA, worst %.1e over 73\n", worst);
}

TEST(AreaTest, BuenaVistaShapeAreaIsPlanarSquareFeet)
{
    // rockbridge-zoning/buena-vista/Zoning20211201: EPSG:2284-like NAD83 / Virginia South
    // (ftUS); Shape_Area is ArcGIS's planar area in ftUS².
    const std::string path = realData("parcels/rockbridge-zoning/buena-vista/Zoning20211201.shp");
    if (!std::filesystem::exists(path))
        GTEST_SKIP() << path << " not present";
    GeometryStore store;
    std::vector<double> field;
    Crs crs;
    ASSERT_TRUE(readPolygons(path, "Shape_Area", store, field, crs));
    ASSERT_EQ(store.featureCount(), 48u);
    AreaCalculator planar(crs, AreaMethod::Planar);
    AreaCalculator ellipsoidal(crs);
    const double footM = 1200.0 / 3937.0;
    EXPECT_NEAR(crs.linearUnitM(), footM, 1e-15);
    double worst = 0;
    for (std::size_t f = 0; f < store.featureCount(); ++f) {
        const double d = relative(rawShoelace(store, f), field[f]);
        worst = std::max(worst, d);
        EXPECT_LT(d, 1e-10) << "feature " << f;
        const double areaM2 = planar.areaM2(store, f);
        EXPECT_LT(relative(areaM2, field[f] * footM * footM), 1e-10) << "feature " << f;
        // The conic's scale near Buena Vista (37.7°N) is within 1e-4 of 1.
        EXPECT_LT(relative(ellipsoidal.areaM2(store, f), areaM2), 3e-4) << "feature " << f;
    }
    std::printf("[ measure  ] Buena Vista zoning: shoelace vs Shape_Area, worst %.1e over 48\n",
                worst);
}

// ---------------------------------------------------------------------------------------------
// Measuring while the CRS is made: a calculator from Transverse Mercator parameters alone

namespace {

const char* const kCgcs2000Cm114 =
    R"(PROJCS["CGCS2000_3_Degree_GK_CM_114E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",)"
    R"(DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],)"
    R"(UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],)"
    R"(PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],)"
    R"(PARAMETER["Central_Meridian",114.0],PARAMETER["Scale_Factor",1.0],)"
    R"(PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]])";

std::string replaced(std::string text, const std::string& from, const std::string& to)
{
    const std::size_t at = text.find(from);
    if (at != std::string::npos)
        text.replace(at, from.size(), to);
    return text;
}

} // namespace

TEST(AreaTest, EsriPrjOfAGaussKrugerZoneIsRecognisedWithoutProj)
{
    const auto p = TransverseMercatorParameters::ofEsriPrj(kCgcs2000Cm114);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->ellipsoid.semiMajorM, 6378137.0);
    EXPECT_EQ(p->ellipsoid.inverseFlattening, 298.257222101);
    EXPECT_EQ(p->centralMeridianDeg, 114.0);
    EXPECT_EQ(p->latitudeOfOriginDeg, 0.0);
    EXPECT_EQ(p->scaleFactor, 1.0);
    EXPECT_EQ(p->falseEastingM, 500000.0);
    EXPECT_EQ(p->falseNorthingM, 0.0);
    EXPECT_EQ(p->linearUnitM, 1.0);
    // Blanks and line breaks between items, parameters in another order, a final newline.
    const std::string spread = replaced(
        replaced(replaced(kCgcs2000Cm114, ",PROJECTION", ",\r\n  PROJECTION"),
                 R"(PARAMETER["False_Easting",500000.0],)", ""),
        R"(UNIT["Meter",1.0])", R"(PARAMETER[ "False_Easting" , 500000 ], UNIT["Meter",1])") +
                               "\n";
    const auto q = TransverseMercatorParameters::ofEsriPrj(spread);
    ASSERT_TRUE(q) << spread;
    EXPECT_EQ(q->falseEastingM, 500000.0);
    EXPECT_EQ(q->centralMeridianDeg, 114.0);
}

TEST(AreaTest, EsriPrjOtherThanAPlainTransverseMercatorInMetresIsNotRecognised)
{
    const std::string base = kCgcs2000Cm114;
    for (const std::string& text : {
             replaced(base, R"(UNIT["Meter",1.0]])", R"(UNIT["Foot_US",0.3048006096012192]])"),
             replaced(base, R"(SPHEROID["CGCS2000",6378137.0,298.257222101])",
                      R"(SPHEROID["CGCS2000",6378137.0,298.257222101],TOWGS84[0,0,0,0,0,0,0])"),
             replaced(base, R"(PARAMETER["Scale_Factor",1.0],)",
                      R"(PARAMETER["Scale_Factor",1.0],PARAMETER["Standard_Parallel_1",25.0],)"),
             replaced(base, R"(PARAMETER["Scale_Factor",1.0],)", ""),
             replaced(base, R"(PARAMETER["Scale_Factor",1.0],)",
                      R"(PARAMETER["Scale_Factor",1.0],PARAMETER["Scale_Factor",1.0],)"),
             replaced(base, R"("Gauss_Kruger")", R"("Lambert_Conformal_Conic")"),
             replaced(base, R"(PRIMEM["Greenwich",0.0])", R"(PRIMEM["Paris",2.337229166666667])"),
             replaced(base, R"(UNIT["Degree",0.0174532925199433])", R"(UNIT["Grad",0.01570796326794897])"),
             replaced(base, R"(UNIT["Meter",1.0]])", R"(UNIT["Meter",1.0],AUTHORITY["EPSG","4547"]])"),
             base.substr(0, base.size() - 1),
             base + "]",
             std::string(R"(GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",)"
                         R"(SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],)"
                         R"(UNIT["Degree",0.0174532925199433]])"),
             std::string(),
             std::string("not a prj"),
         })
        EXPECT_FALSE(TransverseMercatorParameters::ofEsriPrj(text)) << text;
}

TEST(AreaTest, CalculatorFromTransverseMercatorParametersMeasuresWhatItsFastPathTakesAsTheCrsDoes)
{
    const auto parameters = TransverseMercatorParameters::ofEsriPrj(kCgcs2000Cm114);
    ASSERT_TRUE(parameters);
    AreaCalculator early = AreaCalculator::forTransverseMercator(*parameters);
    AreaCalculator fromCrs(Crs::fromEpsg(4547));
    EXPECT_TRUE(early.measuresAs(fromCrs));
    EXPECT_TRUE(fromCrs.measuresAs(early));
    // Not the same: another datum or zone, another method or options.
    EXPECT_FALSE(early.measuresAs(AreaCalculator(Crs::fromEpsg(2383)))); // Xi'an 1980, CM 114E
    EXPECT_FALSE(early.measuresAs(AreaCalculator(Crs::fromEpsg(4546)))); // CGCS2000, CM 111E
    EXPECT_FALSE(early.measuresAs(AreaCalculator(Crs::fromEpsg(4547), AreaMethod::Survey)));
    AreaOptions noFastPath;
    noFastPath.allowFastPath = false;
    EXPECT_FALSE(early.measuresAs(AreaCalculator(Crs::fromEpsg(4547), AreaMethod::Ellipsoidal,
                                                 noFastPath)));

    // Plots near the meridian: the same bits, as a store feature and as one ring.
    const GeometryStore plots = storeOf({{{plot(500321.5, 3375012.25, 180)}},
                                         {{plot(620000, 3381000, 900)}},
                                         {{rectangle(400000, 3300000, 15000, 12000, true)}}});
    for (std::size_t f = 0; f < plots.featureCount(); ++f) {
        ASSERT_TRUE(early.usesFastPath(plots, f));
        EXPECT_EQ(early.areaM2(plots, f), fromCrs.areaM2(plots, f)) << f;
        const auto ring = plots.ring(f, 0, 0).xy;
        EXPECT_TRUE(early.usesFastPath(ring, plots.envelope(f)));
        EXPECT_EQ(early.areaM2(ring, plots.envelope(f), f), fromCrs.areaM2(plots, f)) << f;
        EXPECT_EQ(early.clone().areaM2(plots, f), fromCrs.areaM2(plots, f)) << f;
    }
    // What the fast path does not take (30 km across, or far from the meridian) needs the Crs.
    const GeometryStore large = storeOf({{{rectangle(500000, 3300000, 30000, 30000)}},
                                         {{plot(950000, 3375000, 200)}}});
    for (std::size_t f = 0; f < large.featureCount(); ++f) {
        EXPECT_FALSE(early.usesFastPath(large, f));
        EXPECT_THROW(early.areaM2(large, f), CrsError);
        EXPECT_TRUE(std::isfinite(fromCrs.areaM2(large, f)));
    }
}

TEST(AreaTest, AreasWrittenLaterAreTheBitsOfAreasGivenAtOnce)
{
    // areaM2Into keeps fast-path plots until 32 are waiting (or flush()): each value must be the
    // bits areaM2 gives, across the batch boundary, with plots it takes at once (degenerate,
    // far from the meridian, NaN) between them, and nothing written before its turn comes.
    AreaCalculator calculator(Crs::fromEpsg(4547));
    std::vector<Feature> features;
    for (int i = 0; i < 75; ++i)
        features.push_back({{plot(500000 + 713.25 * i, 3370000 + 401.5 * i, 40 + i)}});
    features.push_back({{{500000, 3370000, 500010, 3370000, 500020, 3370000, 500000, 3370000}}});
    features.push_back({{plot(950000, 3375000, 200)}});
    features.push_back({{{500000, 3370000, std::nan(""), 3370010, 500010, 3370010, 500000,
                          3370000}}});
    for (int i = 0; i < 40; ++i)
        features.push_back({{plot(430000 + 517.0 * i, 3390000 - 333.0 * i, 25 + 2 * i)}});
    const GeometryStore plots = storeOf(features);
    IssueList atOnceIssues, laterIssues;
    calculator.setIssueSink(&atOnceIssues);
    std::vector<double> atOnce(plots.featureCount());
    for (std::size_t f = 0; f < plots.featureCount(); ++f)
        atOnce[f] = calculator.areaM2(plots.ring(f, 0, 0).xy, plots.envelope(f), f);

    AreaCalculator later = calculator.clone();
    later.setIssueSink(&laterIssues);
    const double unwritten = -12345;
    std::vector<double> written(plots.featureCount(), unwritten);
    std::size_t pendingSeen = 0;
    for (std::size_t f = 0; f < plots.featureCount(); ++f) {
        later.areaM2Into(plots.ring(f, 0, 0).xy, plots.envelope(f), f, -1, written[f]);
        pendingSeen += written[f] == unwritten ? 1 : 0;
    }
    EXPECT_GT(pendingSeen, 0u); // some really were kept for later
    later.flush();
    for (std::size_t f = 0; f < plots.featureCount(); ++f) {
        if (std::isnan(atOnce[f]))
            EXPECT_TRUE(std::isnan(written[f])) << f;
        else
            EXPECT_EQ(std::bit_cast<std::uint64_t>(written[f]),
                      std::bit_cast<std::uint64_t>(atOnce[f]))
                << f;
    }
    EXPECT_EQ(laterIssues.count(Issue::Severity::Warning),
              atOnceIssues.count(Issue::Severity::Warning));
    EXPECT_GT(atOnceIssues.count(Issue::Severity::Warning), 0u); // the NaN plot
}

TEST(AreaTest, ScalesTwoAtATimeAreTheBitsOfScalesOneAtATime)
{
    // inverseSquareScales evaluates two points per SSE2 register; each lane must give the bits
    // inverseSquareScale gives for its point, for Gauss-Krüger zones of two datums, UTM (k0
    // 0.9996, a false northing) and a zone in another unit's false easting, at odd counts too.
    std::vector<TransverseMercatorParameters> zones;
    for (const int epsg : {4547, 2383, 32650, 4513})
        if (const auto parameters = TransverseMercatorParameters::of(Crs::fromEpsg(epsg)))
            zones.push_back(*parameters);
    ASSERT_EQ(zones.size(), 4u);
    for (const TransverseMercatorParameters& zone : zones) {
        const TransverseMercatorScale scale(zone);
        std::vector<double> east, north;
        for (int i = 0; i < 301; ++i) {
            east.push_back(zone.falseEastingM - 380000 + 2531.37 * i);
            north.push_back(zone.falseNorthingM + 2000000 + 15013.9 * (i % 37) + 0.125 * i);
        }
        for (const std::size_t count : {std::size_t{0}, std::size_t{1}, std::size_t{2},
                                         std::size_t{31}, east.size()}) {
            std::vector<double> g(count, -1), gEastEast(count, -1);
            scale.inverseSquareScales(count, east.data(), north.data(), g.data(),
                                      gEastEast.data());
            for (std::size_t i = 0; i < count; ++i) {
                double g1 = 0, gEastEast1 = 0;
                scale.inverseSquareScale(east[i], north[i], g1, gEastEast1);
                EXPECT_EQ(std::bit_cast<std::uint64_t>(g[i]), std::bit_cast<std::uint64_t>(g1))
                    << i;
                EXPECT_EQ(std::bit_cast<std::uint64_t>(gEastEast[i]),
                          std::bit_cast<std::uint64_t>(gEastEast1))
                    << i;
            }
        }
    }
}
