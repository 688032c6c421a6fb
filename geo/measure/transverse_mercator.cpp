#include "geo/measure/transverse_mercator.h"

#include "geo/crs/crs.h"
#include "geo/crs/esri_prj.h"

#include <ogr_spatialref.h>
#include <ogr_srs_api.h>

#include <cmath>
#include <cstring>
#include <numbers>

namespace parkatlas::geo {

namespace {

constexpr double kDegree = std::numbers::pi / 180.0;

double meridianArc(double a, double e2, double phi)
{
    const double e4 = e2 * e2;
    const double e6 = e4 * e2;
    return a * ((1 - e2 / 4 - 3 * e4 / 64 - 5 * e6 / 256) * phi -
                (3 * e2 / 8 + 3 * e4 / 32 + 45 * e6 / 1024) * std::sin(2 * phi) +
                (15 * e4 / 256 + 45 * e6 / 1024) * std::sin(4 * phi) -
                (35 * e6 / 3072) * std::sin(6 * phi));
}

double squareRoot(double x)
{
    return std::sqrt(x);
}

TransverseMercatorScale::Pair squareRoot(TransverseMercatorScale::Pair x)
{
    // Lane by lane (one root a point): portable, and the same correctly rounded roots.
    return TransverseMercatorScale::Pair{std::sqrt(x[0]), std::sqrt(x[1])};
}

} // namespace

Ellipsoid Ellipsoid::of(const Crs& crs)
{
    return {crs.semiMajorM(), crs.inverseFlattening()};
}

std::optional<TransverseMercatorParameters> TransverseMercatorParameters::of(const Crs& crs)
{
    const OGRSpatialReference* srs = crs.ogr();
    if (!srs || !srs->IsProjected())
        return std::nullopt;
    const char* projection = srs->GetAttrValue("PROJECTION");
    if (!projection)
        return std::nullopt;
    // GDAL maps ESRI's "Gauss_Kruger" to SRS_PT_TRANSVERSE_MERCATOR on import; accept both.
    // The south-orientated and other variants are not conformal-with-this-formula: refuse them.
    if (std::strcmp(projection, SRS_PT_TRANSVERSE_MERCATOR) != 0 &&
        std::strcmp(projection, "Gauss_Kruger") != 0)
        return std::nullopt;

    TransverseMercatorParameters p;
    p.ellipsoid = Ellipsoid::of(crs);
    OGRErr err = OGRERR_NONE;
    p.centralMeridianDeg = srs->GetNormProjParm(SRS_PP_CENTRAL_MERIDIAN, 0.0, &err);
    p.latitudeOfOriginDeg = srs->GetNormProjParm(SRS_PP_LATITUDE_OF_ORIGIN, 0.0, &err);
    p.scaleFactor = srs->GetNormProjParm(SRS_PP_SCALE_FACTOR, 1.0, &err);
    // GetNormProjParm gives linear parameters in metres, whatever the CRS's unit.
    p.falseEastingM = srs->GetNormProjParm(SRS_PP_FALSE_EASTING, 0.0, &err);
    p.falseNorthingM = srs->GetNormProjParm(SRS_PP_FALSE_NORTHING, 0.0, &err);
    p.linearUnitM = srs->GetLinearUnits(nullptr);
    // A prime meridian other than Greenwich shifts longitudes, not scale: nothing to do.
    if (!(p.scaleFactor > 0) || !(p.linearUnitM > 0) || !(p.ellipsoid.semiMajorM > 0))
        return std::nullopt;
    return p;
}

std::optional<TransverseMercatorParameters>
TransverseMercatorParameters::ofEsriPrj(std::string_view prj)
{
    const std::optional<EsriTransverseMercator> esri = readEsriTransverseMercator(prj);
    if (!esri)
        return std::nullopt;
    TransverseMercatorParameters p;
    p.ellipsoid = {esri->semiMajorM, esri->inverseFlattening};
    p.centralMeridianDeg = esri->centralMeridianDeg;
    p.latitudeOfOriginDeg = esri->latitudeOfOriginDeg;
    p.scaleFactor = esri->scaleFactor;
    p.falseEastingM = esri->falseEastingM;
    p.falseNorthingM = esri->falseNorthingM;
    p.linearUnitM = 1.0;
    return p;
}

TransverseMercatorScale::TransverseMercatorScale(const TransverseMercatorParameters& parameters)
    : m_parameters(parameters)
{
    const double a = parameters.ellipsoid.semiMajorM;
    m_e2 = parameters.ellipsoid.eccentricitySquared();
    m_ep2 = m_e2 / (1 - m_e2);
    const double root = std::sqrt(1 - m_e2);
    m_e1 = (1 - root) / (1 + root);
    const double e4 = m_e2 * m_e2;
    m_muDivisor = a * (1 - m_e2 / 4 - 3 * e4 / 64 - 5 * e4 * m_e2 / 256);
    m_m0 = meridianArc(a, m_e2, parameters.latitudeOfOriginDeg * kDegree);
    m_lambda0 = parameters.centralMeridianDeg * kDegree;
    const double e1 = m_e1;
    const double e1p2 = e1 * e1;
    const double e1p3 = e1p2 * e1;
    const double e1p4 = e1p2 * e1p2;
    m_footpoint[0] = 3 * e1 / 2 - 27 * e1p3 / 32;
    m_footpoint[1] = 21 * e1p2 / 16 - 55 * e1p4 / 32;
    m_footpoint[2] = 151 * e1p3 / 96;
    m_footpoint[3] = 1097 * e1p4 / 512;
}

template <typename V> V TransverseMercatorScale::footpointMu(V northingM) const
{
    const double k0 = m_parameters.scaleFactor;
    const V m = m_m0 + (northingM - m_parameters.falseNorthingM) / k0;
    return m / m_muDivisor;
}

template <typename V> V TransverseMercatorScale::footpointLatitude(V mu, V s2, V c2) const
{
    // Footpoint latitude (Snyder 3-26), with sin 4μ, 6μ, 8μ from sin 2μ, cos 2μ by recurrence.
    const V s4 = 2 * s2 * c2;
    const V c4 = 1 - 2 * s2 * s2;
    const V s6 = s4 * c2 + c4 * s2;
    const V s8 = 2 * s4 * c4;
    return mu + m_footpoint[0] * s2 + m_footpoint[1] * s4 + m_footpoint[2] * s6 +
           m_footpoint[3] * s8;
}

template <typename V>
void TransverseMercatorScale::fromFootpoint(V eastingM, V phi1, V sinPhi1, V cosPhi1, V& dLambda,
                                            V& phi, V& rho1Nu1, V& sinPhi, V& cosPhi) const
{
    const double a = m_parameters.ellipsoid.semiMajorM;
    const double k0 = m_parameters.scaleFactor;
    const V x = eastingM - m_parameters.falseEastingM;
    const V tanPhi1 = sinPhi1 / cosPhi1;
    const V c1 = m_ep2 * cosPhi1 * cosPhi1;
    const V t1 = tanPhi1 * tanPhi1;
    const V w = 1 - m_e2 * sinPhi1 * sinPhi1;
    const V rootW = squareRoot(w);
    const V n1 = a / rootW;
    const V r1 = a * (1 - m_e2) / (w * rootW);
    const V d = x / (n1 * k0);
    const V d2 = d * d;
    const V d4 = d2 * d2;
    const V d6 = d4 * d2;

    const V delta =
        (n1 * tanPhi1 / r1) *
        (d2 / 2 - (5 + 3 * t1 + 10 * c1 - 4 * c1 * c1 - 9 * m_ep2) * d4 / 24 +
         (61 + 90 * t1 + 298 * c1 + 45 * t1 * t1 - 252 * m_ep2 - 3 * c1 * c1) * d6 / 720);
    phi = phi1 - delta;
    // φ − φ1 is below 0.003 rad within 3.5° of the CM (up to 60°N): sin and cos of φ from
    // φ1's by a short Taylor series (exact to 1e-17) instead of another sin/cos call.
    const V delta2 = delta * delta;
    const V cosDelta = 1 - delta2 / 2 * (1 - delta2 / 12 * (1 - delta2 / 30));
    const V sinDelta = delta * (1 - delta2 / 6 * (1 - delta2 / 20 * (1 - delta2 / 42)));
    sinPhi = sinPhi1 * cosDelta - cosPhi1 * sinDelta;
    cosPhi = cosPhi1 * cosDelta + sinPhi1 * sinDelta;
    dLambda = (d - (1 + 2 * t1 + c1) * d2 * d / 6 +
               (5 - 2 * c1 + 28 * t1 - 3 * c1 * c1 + 8 * m_ep2 + 24 * t1 * t1) * d4 * d / 120) /
              cosPhi1;
    rho1Nu1 = r1 * n1;
}

template <typename V> V TransverseMercatorScale::pointScale(V dLambda, V sinPhi, V cosPhi) const
{
    // Snyder 8-11.
    const V t = (sinPhi * sinPhi) / (cosPhi * cosPhi);
    const V c = m_ep2 * cosPhi * cosPhi;
    const V aa = dLambda * cosPhi;
    const V a2 = aa * aa;
    const V a4 = a2 * a2;
    const V a6 = a4 * a2;
    return m_parameters.scaleFactor *
           (1 + (1 + c) * a2 / 2 + (5 - 4 * t + 42 * c + 13 * c * c - 28 * m_ep2) * a4 / 24 +
            (61 - 148 * t + 16 * t * t) * a6 / 720);
}

template <typename V>
void TransverseMercatorScale::squareScale(V eastingM, V dLambda, V rho1Nu1, V sinPhi, V cosPhi,
                                          V& g, V& gEastEast) const
{
    const double k0 = m_parameters.scaleFactor;
    const V k = pointScale(dLambda, sinPhi, cosPhi);
    g = 1 / (k * k);
    // On a sphere of radius R, k = k0 cosh(x / k0R), so g = sech²(u)/k0² with u = x/(k0R), and
    // g'' = (−2 + 8u² + O(u⁴)) / (k0⁴R²). With R² = ρ1ν1 at the footpoint this is the
    // ellipsoid's to a relative 1e-3 — and the term is itself ≤ 1e-8 of the area.
    const V x = eastingM - m_parameters.falseEastingM;
    const V r2 = k0 * k0 * rho1Nu1;
    const V u2 = x * x / r2;
    gEastEast = (-2 + 8 * u2) / (k0 * k0 * r2);
}

void TransverseMercatorScale::inverse(double eastingM, double northingM, double& dLambda,
                                      double& phi, double& rho1Nu1, double& sinPhi,
                                      double& cosPhi) const
{
    const double mu = footpointMu(northingM);
    const double phi1 = footpointLatitude(mu, std::sin(2 * mu), std::cos(2 * mu));
    fromFootpoint(eastingM, phi1, std::sin(phi1), std::cos(phi1), dLambda, phi, rho1Nu1, sinPhi,
                  cosPhi);
}

double TransverseMercatorScale::scaleFactor(double eastingM, double northingM) const
{
    double dLambda = 0;
    double phi = 0;
    double rho1Nu1 = 0;
    double sinPhi = 0;
    double cosPhi = 1;
    inverse(eastingM, northingM, dLambda, phi, rho1Nu1, sinPhi, cosPhi);
    return pointScale(dLambda, sinPhi, cosPhi);
}

void TransverseMercatorScale::inverseSquareScale(double eastingM, double northingM, double& g,
                                                 double& gEastEast) const
{
    double dLambda = 0;
    double phi = 0;
    double rho1Nu1 = 0;
    double sinPhi = 0;
    double cosPhi = 1;
    inverse(eastingM, northingM, dLambda, phi, rho1Nu1, sinPhi, cosPhi);
    squareScale(eastingM, dLambda, rho1Nu1, sinPhi, cosPhi, g, gEastEast);
}

void TransverseMercatorScale::inverseSquareScales(std::size_t count, const double* eastingM,
                                                  const double* northingM, double* g,
                                                  double* gEastEast) const
{
    // Two points at a time in the halves of a 16-byte vector register (SSE2 on x86-64, NEON on
    // ARM64): each half is the IEEE arithmetic of the scalar path, so the bits are the same; the
    // sines, cosines and square roots are taken point by point, as in the scalar path.
    std::size_t i = 0;
    for (; i + 1 < count; i += 2) {
        const Pair east = {eastingM[i], eastingM[i + 1]};
        const Pair north = {northingM[i], northingM[i + 1]};
        const Pair mu = footpointMu(north);
        const Pair s2 = {std::sin(2 * mu[0]), std::sin(2 * mu[1])};
        const Pair c2 = {std::cos(2 * mu[0]), std::cos(2 * mu[1])};
        const Pair phi1 = footpointLatitude(mu, s2, c2);
        const Pair sinPhi1 = {std::sin(phi1[0]), std::sin(phi1[1])};
        const Pair cosPhi1 = {std::cos(phi1[0]), std::cos(phi1[1])};
        Pair dLambda, phi, rho1Nu1, sinPhi, cosPhi, scale, scaleEastEast;
        fromFootpoint(east, phi1, sinPhi1, cosPhi1, dLambda, phi, rho1Nu1, sinPhi, cosPhi);
        squareScale(east, dLambda, rho1Nu1, sinPhi, cosPhi, scale, scaleEastEast);
        g[i] = scale[0];
        g[i + 1] = scale[1];
        gEastEast[i] = scaleEastEast[0];
        gEastEast[i + 1] = scaleEastEast[1];
    }
    for (; i < count; ++i)
        inverseSquareScale(eastingM[i], northingM[i], g[i], gEastEast[i]);
}

void TransverseMercatorScale::geographicOf(double eastingM, double northingM, double& lonDeg,
                                           double& latDeg) const
{
    double dLambda = 0;
    double phi = 0;
    double rho1Nu1 = 0;
    double sinPhi = 0;
    double cosPhi = 1;
    inverse(eastingM, northingM, dLambda, phi, rho1Nu1, sinPhi, cosPhi);
    lonDeg = (m_lambda0 + dLambda) / kDegree;
    latDeg = phi / kDegree;
}

} // namespace parkatlas::geo
