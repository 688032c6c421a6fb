#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace parkatlas::geo {

/// 1 mu (亩) = 10000/15 m² exactly; 1 ha = 15 mu; 1 km² = 1500 mu.
inline constexpr double kSquareMetresPerMu = 10000.0 / 15.0;
inline constexpr double kSquareMetresPerHectare = 10000.0;
inline constexpr double kSquareMetresPerSquareKilometre = 1.0e6;
inline constexpr double kMuPerHectare = 15.0;
inline constexpr double kMuPerSquareKilometre = 1500.0;

/// The units an area is shown in. Every computation is in m²; a unit is a way of showing it.
enum class AreaUnit { SquareMetre, Mu, Hectare, SquareKilometre };

/// "m2", "mu", "ha", "km2".
const char* toString(AreaUnit unit);
/// Accepts "m2", "m²", "sqm", "mu", "亩", "ha", "hectare", "公顷", "km2", "km²", "平方公里",
/// "平方米" (case-insensitive for the Latin ones); nullopt for anything else.
std::optional<AreaUnit> areaUnitFromString(std::string_view text);

/// The conversions are written so that round numbers stay exact in binary floating point:
/// muFromM2(10000) == 15 and m2FromMu(15) == 10000 exactly (divide by 10000 and multiply by
/// 15 rather than multiply by the inexact 0.0015).
constexpr double muFromM2(double areaM2)
{
    return areaM2 * 15.0 / 10000.0;
}
constexpr double m2FromMu(double areaMu)
{
    return areaMu * 10000.0 / 15.0;
}
constexpr double hectaresFromM2(double areaM2)
{
    return areaM2 / kSquareMetresPerHectare;
}
constexpr double m2FromHectares(double areaHa)
{
    return areaHa * kSquareMetresPerHectare;
}
constexpr double squareKilometresFromM2(double areaM2)
{
    return areaM2 / kSquareMetresPerSquareKilometre;
}
constexpr double m2FromSquareKilometres(double areaKm2)
{
    return areaKm2 * kSquareMetresPerSquareKilometre;
}

/// Square metres to `unit` and back.
constexpr double fromSquareMetres(double areaM2, AreaUnit unit)
{
    switch (unit) {
    case AreaUnit::SquareMetre:
        return areaM2;
    case AreaUnit::Mu:
        return muFromM2(areaM2);
    case AreaUnit::Hectare:
        return hectaresFromM2(areaM2);
    case AreaUnit::SquareKilometre:
        return squareKilometresFromM2(areaM2);
    }
    return areaM2;
}
constexpr double toSquareMetres(double area, AreaUnit unit)
{
    switch (unit) {
    case AreaUnit::SquareMetre:
        return area;
    case AreaUnit::Mu:
        return m2FromMu(area);
    case AreaUnit::Hectare:
        return m2FromHectares(area);
    case AreaUnit::SquareKilometre:
        return m2FromSquareKilometres(area);
    }
    return area;
}
constexpr double convertArea(double area, AreaUnit from, AreaUnit to)
{
    return from == to ? area : fromSquareMetres(toSquareMetres(area, from), to);
}

// ---------------------------------------------------------------------------------------------
// Display rounding. Sums are always taken over unrounded values; a figure is rounded once, when
// it is shown, and the parts of a table are rounded so that they add up to the shown total.

/// Rounds to `decimals` places (0..15), half away from zero, as a person reading the number
/// would: the value is first taken at its shortest round-trip decimal form, so 2.675 (stored as
/// 2.67499999…) rounds to 2.68 and 1.005 to 1.01, as Excel's ROUND does. NaN and ±inf pass
/// through. The result is the double nearest to the rounded decimal.
double roundForDisplay(double value, int decimals = 2);

/// The rounded value as fixed-point text with exactly `decimals` places ("15.00", "-0.50");
/// "" for NaN (an unknown value is shown as unknown, never as 0). Never "-0.00".
std::string formatForDisplay(double value, int decimals = 2);

/// Parts of a table rounded so that the shown parts add up to the shown total.
struct RoundedParts {
    std::vector<double> parts;    // same order as the input; NaN stays NaN (unknown)
    double total = 0;             // roundForDisplay(sum of the known unrounded parts)
    std::size_t unknownCount = 0; // NaN parts, left out of the total
};

/// Largest-remainder (Hamilton) rounding: each part is rounded down to `decimals` places, and
/// the units still missing to reach the rounded total go one each to the parts with the largest
/// remainders (ties: the earlier part). The shown parts then add up exactly to the shown total,
/// and no part moves by a full unit of the last decimal. A part that is within 1e-9 of a unit
/// of a rounding boundary is taken to lie on it (so 0.29, stored as 0.28999…, is not rounded
/// down to 0.28). NaN parts are unknown: kept as NaN, left out of the total, counted.
/// Parts may be negative. decimals in 0..15.
RoundedParts roundPartsForDisplay(std::span<const double> parts, int decimals = 2);

} // namespace parkatlas::geo
