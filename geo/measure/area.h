#pragma once

#include "geo/crs/crs.h"
#include "geo/measure/ellipsoid.h"
#include "geo/model/geometry_store.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace parkatlas::geo {

class IssueSink;
struct TransverseMercatorParameters;

/// How an area is measured; every report names the one it used (DESIGN.md, "Units and area").
enum class AreaMethod {
    /// The default. The area on the datum's own ellipsoid of the plot as drawn: in a projected
    /// CRS, the ring's edges are straight in the projection's plane; in a geographic CRS they are
    /// geodesics (as PostGIS ST_Area(geography) takes them).
    Ellipsoidal,
    /// 三调椭球面积: the trapezoid series of 国土调查办发〔2008〕32号 on the inverse-projected
    /// vertices, with the datum's own ellipsoid constants.
    Survey,
    /// The shoelace in the layer's projection, in m² (US feet converted). Refused for
    /// geographic coordinates.
    Planar,
};

/// "ellipsoidal", "survey", "planar".
const char* toString(AreaMethod method);
/// Inverse of toString (case-insensitive); nullopt for anything else.
std::optional<AreaMethod> areaMethodFromString(std::string_view text);

/// How a length is measured: along the ellipsoid (default) or in the layer's projection.
enum class LengthMethod { Geodesic, Planar };

const char* toString(LengthMethod method);
std::optional<LengthMethod> lengthMethodFromString(std::string_view text);

struct AreaOptions {
    /// Ellipsoidal method in a Transverse Mercator (Gauss-Krüger, UTM) CRS: a feature whose
    /// envelope is at most this wide and high is measured as ∫∫ dA/k² from its planar moments
    /// up to the second (no PROJ call, no allocation). Measured: within 1e-10 (2e-11 at best
    /// resolution) of an independent dense strip integration for plots of 30 m to 2 km, and
    /// ≤ 1e-10 relative up to 20 km anywhere in a 3° zone
    /// (AreaTest.FastPathDivergesFromGeodesicPathOnlyForLargePolygons).
    double fastPathMaxExtentM = 20000;
    /// ... and whose envelope lies within this distance of the central meridian (the scale
    /// series holds k to 5e-12 within 1.5° of it, 2e-10 at 3.5°: a 6° zone's edge and more).
    double fastPathMaxOffsetM = 400000;
    /// False: always take the general (geodesic / survey) path (verification, benchmarks).
    bool allowFastPath = true;
    /// Ellipsoidal and survey methods in a projected CRS, general path: edges longer than this
    /// (metres, in the plane) are split before inverse projection, so the polygon follows the
    /// plot as drawn rather than geodesics (ellipsoidal) or lines straight in (L, B) (survey)
    /// between its vertices. Why 30 m: a geodesic sub-edge of length d bulges from the straight
    /// one in a Gauss-Krüger plane by a sliver of κd³/12, κ ≈ |E − FE|/R²; over a polygon of
    /// area A and perimeter P that is at most κd²P/(12A) of its area: ≤ 1e-9 at the zone edge
    /// for plots of 300 m and more, ~1e-11 for 20 km polygons. Unsplit 400 m edges at the zone
    /// edge differ by ~6e-8 (which is what PostGIS's vertices-only geography area shows).
    /// 0: no splitting (vertices only).
    double densifyStepM = 30;
};

/// Measures features of one layer: areas in m², lengths in m.
///
/// Constructed for the layer's CRS and a method; owns its PROJ context and objects (through a
/// Transform to the CRS's own geographic CRS: same datum, no datum shift) and its buffers, so
/// one AreaCalculator must be used by one thread at a time: make one per worker. Creating one is
/// cheap; the PROJ objects are made on first need.
///
/// Rules for all methods:
/// - Polygon features: the exterior ring of each part counts positive and its holes negative,
///   whatever each ring's orientation; parts add. An invalid geometry is measured as given (no
///   repair): overlapping parts count twice, a hole larger than its shell gives a negative
///   part.
/// - Rings may be closed (last vertex repeats the first) or not; both mean the same ring.
/// - An empty feature measures 0.
/// - A feature with a NaN or infinite coordinate, or a vertex PROJ cannot inverse-project,
///   measures NaN ("unknown", never 0: a total must leave it out and count it), and an Issue
///   (warning) is reported to the sink set with setIssueSink, if any.
class AreaCalculator {
public:
    /// Throws CrsError for an empty (unknown) CRS, GeometryError for AreaMethod::Planar on a
    /// geographic CRS.
    explicit AreaCalculator(const Crs& crs, AreaMethod method = AreaMethod::Ellipsoidal,
                            AreaOptions options = {});
    ~AreaCalculator();
    AreaCalculator(AreaCalculator&&) noexcept;
    AreaCalculator& operator=(AreaCalculator&&) noexcept;
    AreaCalculator(const AreaCalculator&) = delete;
    AreaCalculator& operator=(const AreaCalculator&) = delete;

    /// A calculator for the ellipsoidal method in a Transverse Mercator plane known so far only
    /// by its parameters (TransverseMercatorParameters::ofEsriPrj, while the Crs is still being
    /// made through PROJ): it measures the features its fast path takes (usesFastPath), with the
    /// arithmetic of a calculator made from a Crs of these parameters (measuresAs says whether
    /// one is), and nothing else: areaM2 of any other feature throws CrsError.
    static AreaCalculator forTransverseMercator(const TransverseMercatorParameters& parameters,
                                                AreaOptions options = {});

    /// True when this calculator and `other` give the same bits for every feature the fast
    /// path takes: the same method, options, linear unit, ellipsoid and Transverse Mercator
    /// parameters, bit for bit.
    bool measuresAs(const AreaCalculator& other) const;

    /// A calculator like this one (CRS, method, options; no issue sink) for another thread,
    /// made without reading the CRS again (that costs a WKT export a time); its PROJ objects
    /// are its own, made on first need.
    AreaCalculator clone() const;

    AreaMethod method() const;
    const Crs& crs() const;
    /// The ellipsoid the ellipsoidal, survey and geodesic measures use (the CRS's datum's).
    const Ellipsoid& ellipsoid() const;

    /// Where issues go (not owned; must outlive this object, may be null), and the file and
    /// layer to name in them.
    void setIssueSink(IssueSink* sink, std::string path = {}, std::string layer = {});

    /// Area of polygon feature `feature` in m² by the calculator's method. `fid` names the
    /// feature in issues (the source FID; -1: unknown). Throws GeometryError when the store
    /// holds points or lines.
    double areaM2(const GeometryStore& store, std::size_t feature, std::int64_t fid = -1);

    /// areaM2 of a polygon feature that is this one ring alone (interleaved x,y in the layer's
    /// CRS, closed or not; `envelope` its vertices' bounds), without a store: the same
    /// arithmetic, so the same bits as the store holding that ring (a shapefile's records
    /// measured where they lie). `index` and `fid` name the feature in issues.
    double areaM2(std::span<const double> ring, const Envelope& envelope, std::size_t index,
                  std::int64_t fid = -1);

    /// areaM2(ring, envelope, index, fid) written to `out`, perhaps only at the next flush():
    /// a plot that the Transverse Mercator fast path takes has its moments taken now and its
    /// scale evaluated beside up to 31 others' (each a long chain of dependent steps, which the
    /// processor overlaps when they stand side by side: `area` of a million plots went from
    /// 240 to 225 ms of CPU). The same arithmetic, so the same bits as areaM2. `out` must stay
    /// where it is until flush(); a calculator dropped before flush() writes nothing more.
    void areaM2Into(std::span<const double> ring, const Envelope& envelope, std::size_t index,
                    std::int64_t fid, double& out);
    /// areaM2Into for a plot the fast path takes (usesFastPath); false, with nothing written or
    /// kept, for any other: one test of the fast path where a caller sends the others elsewhere.
    bool fastPathAreaM2Into(std::span<const double> ring, const Envelope& envelope,
                            std::size_t index, std::int64_t fid, double& out);
    /// Writes every area areaM2Into left pending.
    void flush();

    /// Length in metres of a line feature (the sum of its parts), or the perimeter of a
    /// polygon feature (every ring, closing edges included); 0 for points. Geodesic: the sum
    /// of geodesic distances between consecutive vertices on the ellipsoid. Planar: in the
    /// layer's projection (throws GeometryError for a geographic CRS).
    double lengthM(const GeometryStore& store, std::size_t feature,
                   LengthMethod method = LengthMethod::Geodesic, std::int64_t fid = -1);

    /// Unsigned area in m² of one ring (given in the layer's CRS) by the calculator's method,
    /// always through the general (not fast) path. NaN for bad coordinates (not reported).
    double ringAreaM2(RingView ring);

    /// True when areaM2 would take the Transverse Mercator fast path for this feature.
    bool usesFastPath(const GeometryStore& store, std::size_t feature) const;
    /// The same for the one-ring feature of areaM2(ring, envelope, …).
    bool usesFastPath(std::span<const double> ring, const Envelope& envelope) const;

private:
    struct Impl;
    explicit AreaCalculator(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

// ---------------------------------------------------------------------------------------------
// Ring-level functions (stateless; usable from any thread). A ring is interleaved x,y and may
// be closed or not. "Signed" means counter-clockwise positive (x east, y north).

/// Shoelace area in squared units of the coordinates, computed about the ring's first vertex so
/// that 8-digit Gauss-Krüger eastings lose no precision: a 100 m square at (38 500 000,
/// 3 300 000) measures exactly 10000.
double planarRingAreaSigned(std::span<const double> xy);

/// Length of a path in units of the coordinates (closed rings: pass the closing vertex).
double planarPathLength(std::span<const double> xy);

/// Area in m² of a ring given as longitude/latitude in degrees whose edges are geodesics on
/// `ellipsoid` (PROJ's geod_polygonarea, GeographicLib). Its round-off is absolute, not
/// relative: measured up to ~3e-5 m² on 700 m² plots (4e-8 of them), as PostGIS shows too.
double geodesicRingAreaSignedM2(std::span<const double> lonLatDeg, const Ellipsoid& ellipsoid);

/// Length in metres of a path of longitude/latitude degrees along geodesics (geod_inverse).
double geodesicPathLengthM(std::span<const double> lonLatDeg, const Ellipsoid& ellipsoid);

/// 三调椭球面积 of a ring given as longitude/latitude in degrees (L, B) on `ellipsoid`: the ring
/// is cut into thin horizontal trapezoids, one per edge, each bounded by the parallels of the
/// edge's end points and spanning from a reference meridian to the edge's mean longitude, and
/// each is measured with the formula of 国土调查办发〔2008〕32号 (二、椭球面上任意梯形面积):
///   S = 2b²ΔL [A sin(½ΔB) cos Bm − B sin(3/2 ΔB) cos 3Bm + C sin(5/2 ΔB) cos 5Bm
///              − D sin(7/2 ΔB) cos 7Bm + E sin(9/2 ΔB) cos 9Bm]
/// with A…E from e² to e⁸ as published. Signed; m².
double surveyRingAreaSignedM2(std::span<const double> lonLatDeg, const Ellipsoid& ellipsoid);

/// Area on `ellipsoid` between the equator and latitude `latDeg` over 360° of longitude (the
/// closed form S(φ) = π b² [sin φ/(1 − e² sin²φ) + (1/2e) ln((1 + e sin φ)/(1 − e sin φ))]).
/// For checks: a cell between two parallels spanning Δλ is (S(φ2) − S(φ1))·Δλ/360°.
double zoneAreaM2(double latDeg, const Ellipsoid& ellipsoid);

} // namespace parkatlas::geo
