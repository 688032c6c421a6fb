#pragma once

#include "geo/measure/ellipsoid.h"

#include <cstddef>
#include <optional>
#include <string_view>

namespace parkatlas::geo {

class Crs;

/// The defining parameters of a Transverse Mercator (Gauss-Krüger, UTM) projection, with the
/// linear ones in metres whatever the CRS's unit.
struct TransverseMercatorParameters {
    Ellipsoid ellipsoid;
    double centralMeridianDeg = 0;
    double latitudeOfOriginDeg = 0;
    double scaleFactor = 1; // k0: 1 for Gauss-Krüger, 0.9996 for UTM
    double falseEastingM = 500000;
    double falseNorthingM = 0;
    double linearUnitM = 1; // metres per unit of the CRS's coordinates

    /// The parameters of `crs` when it is a Transverse Mercator projection (EPSG method 9807,
    /// ESRI "Gauss_Kruger" and "Transverse_Mercator"); nullopt otherwise.
    static std::optional<TransverseMercatorParameters> of(const Crs& crs);

    /// The parameters read from the text of an ESRI .prj without PROJ (readEsriTransverseMercator
    /// says which texts are recognised; anything else gives nullopt). What is recognised is what
    /// of() finds in the Crs GDAL makes of the same .prj (TransverseMercatorTest holds it on every
    /// .prj we have); callers that measure with it still compare it with of() once the Crs is made.
    static std::optional<TransverseMercatorParameters> ofEsriPrj(std::string_view prj);
};

/// Closed-form point scale factor of the Transverse Mercator projection, evaluated directly
/// from projected coordinates with no PROJ call: Snyder's inverse series (USGS PP 1395,
/// eqs. 3-21, 8-17 to 8-25) to the latitude and longitude, then his series for k (8-11).
/// Against PROJ's exact Transverse Mercator (Poder/Engsager) it holds k to 5e-12 within 1.5° of
/// the central meridian and 2e-10 at 3.5° (AreaTest.ClosedFormScaleFactorMatchesProj).
///
/// Why: Gauss-Krüger is conformal, so the ellipsoidal area of a plot is ∫∫ dA / k² over the plot
/// as drawn in the plane; for a plot-sized polygon that is its planar area times 1/k² at the
/// centroid, plus a second-moment term. That is what makes ellipsoidal area cost no more than
/// the shoelace.
///
/// A plain value; safe to use from several threads.
class TransverseMercatorScale {
public:
    explicit TransverseMercatorScale(const TransverseMercatorParameters& parameters);

    const TransverseMercatorParameters& parameters() const { return m_parameters; }

    /// Point scale factor k at projected coordinates given in metres (false easting and
    /// northing included; multiply CRS coordinates by linearUnitM first).
    double scaleFactor(double eastingM, double northingM) const;

    /// g = 1/k² at the point, and its second derivative across the zone, ∂²g/∂E² (per m²). The
    /// other second derivatives are smaller by a factor e²·(E − FE)/R and are neglected.
    void inverseSquareScale(double eastingM, double northingM, double& g, double& gEastEast) const;

    /// inverseSquareScale of `count` points (eastingM[i], northingM[i] → g[i], gEastEast[i]),
    /// two at a time in packed vector arithmetic (SSE2, NEON): the same operations lane by lane,
    /// so the same bits, for about half the divisions' time.
    void inverseSquareScales(std::size_t count, const double* eastingM, const double* northingM,
                             double* g, double* gEastEast) const;

    /// Two doubles in one 16-byte vector register (GCC's vector extension: SSE2 on x86-64, NEON
    /// on ARM64), for inverseSquareScales.
    using Pair = double __attribute__((vector_size(16)));

    /// Longitude and latitude in degrees of projected coordinates in metres (series inverse;
    /// about 1e-9° within 3.5° of the central meridian). For tests and diagnostics.
    void geographicOf(double eastingM, double northingM, double& lonDeg, double& latDeg) const;

private:
    void inverse(double eastingM, double northingM, double& dLambda, double& phi, double& rho1Nu1,
                 double& sinPhi, double& cosPhi) const;
    // The steps of inverse and inverseSquareScale, for one point (double) or two (Pair): the
    // footpoint's μ, its latitude from sin and cos of 2μ, then what follows from sin and cos of
    // that latitude (the sines and cosines are taken between the steps, point by point).
    template <typename V> V footpointMu(V northingM) const;
    template <typename V> V footpointLatitude(V mu, V s2, V c2) const;
    template <typename V>
    void fromFootpoint(V eastingM, V phi1, V sinPhi1, V cosPhi1, V& dLambda, V& phi, V& rho1Nu1,
                       V& sinPhi, V& cosPhi) const;
    template <typename V> V pointScale(V dLambda, V sinPhi, V cosPhi) const;
    template <typename V>
    void squareScale(V eastingM, V dLambda, V rho1Nu1, V sinPhi, V cosPhi, V& g,
                     V& gEastEast) const;

    TransverseMercatorParameters m_parameters;
    double m_e2 = 0;        // e²
    double m_ep2 = 0;       // e'² = e²/(1 − e²)
    double m_e1 = 0;        // (1 − √(1−e²)) / (1 + √(1−e²))
    double m_muDivisor = 0; // a(1 − e²/4 − 3e⁴/64 − 5e⁶/256)
    double m_m0 = 0;        // meridian arc at the latitude of origin
    double m_lambda0 = 0;   // central meridian, radians
    double m_footpoint[4] = {0, 0, 0, 0}; // Snyder 3-26's coefficients of sin 2μ … sin 8μ
};

} // namespace parkatlas::geo
