#pragma once

#include <cmath>

namespace parkatlas::geo {

class Crs;

/// A reference ellipsoid: semi-major axis in metres and inverse flattening (0 for a sphere).
/// A plain value; safe to share between threads.
struct Ellipsoid {
    double semiMajorM = 6378137.0;
    double inverseFlattening = 298.257222101;

    double flattening() const { return inverseFlattening == 0 ? 0.0 : 1.0 / inverseFlattening; }
    double semiMinorM() const { return semiMajorM * (1.0 - flattening()); }
    /// First eccentricity squared, e² = (a² − b²)/a² = f(2 − f).
    double eccentricitySquared() const
    {
        const double f = flattening();
        return f * (2.0 - f);
    }

    /// CGCS2000 (EPSG:1024), the same figure as GRS 1980: a = 6378137, 1/f = 298.257222101.
    static Ellipsoid cgcs2000() { return {6378137.0, 298.257222101}; }
    /// Xi'an 1980 (IAG 1975): a = 6378140, 1/f = 298.257.
    static Ellipsoid xian1980() { return {6378140.0, 298.257}; }
    /// Beijing 1954 (Krassowsky 1940): a = 6378245, 1/f = 298.3.
    static Ellipsoid beijing1954() { return {6378245.0, 298.3}; }
    /// WGS 84: a = 6378137, 1/f = 298.257223563.
    static Ellipsoid wgs84() { return {6378137.0, 298.257223563}; }
    /// The ellipsoid of a CRS's own datum (Crs::semiMajorM, Crs::inverseFlattening).
    static Ellipsoid of(const Crs& crs);
};

} // namespace parkatlas::geo
