#include "geo/units.h"

#include "geo/ascii.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <numeric>

namespace parkatlas::geo {

namespace {

constexpr int kMaxDecimals = 15;

double powerOfTen(int decimals)
{
    double p = 1;
    for (int i = 0; i < decimals; ++i)
        p *= 10; // exact up to 1e22
    return p;
}

std::int64_t integerPowerOfTen(int decimals)
{
    std::int64_t p = 1;
    for (int i = 0; i < decimals; ++i)
        p *= 10;
    return p;
}

/// The value rounded half away from zero to `decimals` places, as a count of units of
/// 10^-decimals, working on the shortest round-trip decimal form of the value. nullopt when the
/// count would not be exact in a double (|count| >= 2^53) or the value is not finite.
std::optional<std::int64_t> displayUnits(double value, int decimals)
{
    if (!std::isfinite(value))
        return std::nullopt;
    if (value == 0)
        return 0;
    if (std::fabs(value) * powerOfTen(decimals) >= 9.0e15)
        return std::nullopt;

    char buffer[64];
    const auto result =
        std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
    // buffer: [-]d[.ddd]e±XX
    const char* p = buffer;
    const char* end = result.ptr;
    const bool negative = *p == '-';
    if (negative)
        ++p;
    std::string digits;
    while (p < end && *p != 'e') {
        if (*p != '.')
            digits.push_back(*p);
        ++p;
    }
    int exponent = 0;
    if (p < end)
        std::from_chars(p[1] == '+' ? p + 2 : p + 1, end, exponent);
    // value = 0.d1 d2 d3 ... × 10^(exponent + 1)
    const int kept = exponent + 1 + decimals; // digits before the rounding digit
    std::int64_t units = 0;
    if (kept < 0)
        return 0;
    for (int i = 0; i < kept; ++i)
        units = units * 10 + (i < static_cast<int>(digits.size()) ? digits[i] - '0' : 0);
    if (kept < static_cast<int>(digits.size()) && digits[kept] >= '5')
        ++units; // half away from zero: the decimal digits are exact, so '5' means ≥ half
    return negative ? -units : units;
}

} // namespace

const char* toString(AreaUnit unit)
{
    switch (unit) {
    case AreaUnit::SquareMetre:
        return "m2";
    case AreaUnit::Mu:
        return "mu";
    case AreaUnit::Hectare:
        return "ha";
    case AreaUnit::SquareKilometre:
        return "km2";
    }
    return "m2";
}

std::optional<AreaUnit> areaUnitFromString(std::string_view text)
{
    const std::string t = lowerAscii(text);
    if (t == "m2" || t == "m²" || t == "sqm" || t == "平方米")
        return AreaUnit::SquareMetre;
    if (t == "mu" || t == "亩")
        return AreaUnit::Mu;
    if (t == "ha" || t == "hectare" || t == "hectares" || t == "公顷")
        return AreaUnit::Hectare;
    if (t == "km2" || t == "km²" || t == "平方公里" || t == "平方千米")
        return AreaUnit::SquareKilometre;
    return std::nullopt;
}

double roundForDisplay(double value, int decimals)
{
    decimals = std::clamp(decimals, 0, kMaxDecimals);
    const auto units = displayUnits(value, decimals);
    if (!units)
        return value; // NaN, inf, or already beyond a double's decimal precision
    if (*units == 0)
        return 0.0; // never -0
    return static_cast<double>(*units) / powerOfTen(decimals);
}

std::string formatForDisplay(double value, int decimals)
{
    decimals = std::clamp(decimals, 0, kMaxDecimals);
    if (std::isnan(value))
        return {};
    const auto units = displayUnits(value, decimals);
    if (!units) {
        char buffer[400];
        std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
        return buffer;
    }
    const std::int64_t scale = integerPowerOfTen(decimals);
    const std::int64_t magnitude = *units < 0 ? -*units : *units;
    std::string text = std::to_string(magnitude / scale);
    if (decimals > 0) {
        std::string fraction = std::to_string(magnitude % scale);
        text += '.';
        text.append(static_cast<std::size_t>(decimals) - fraction.size(), '0');
        text += fraction;
    }
    return *units < 0 ? "-" + text : text;
}

RoundedParts roundPartsForDisplay(std::span<const double> parts, int decimals)
{
    decimals = std::clamp(decimals, 0, kMaxDecimals);
    const double scale = powerOfTen(decimals);
    RoundedParts out;
    out.parts.assign(parts.size(), std::nan(""));

    struct Pending {
        std::size_t index;
        double floorUnits;
        double remainder; // in [0, 1)
    };
    std::vector<Pending> pending;
    pending.reserve(parts.size());
    double sum = 0;
    double floorSum = 0;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const double part = parts[i];
        if (std::isnan(part)) {
            ++out.unknownCount;
            continue;
        }
        sum += part;
        const double scaled = part * scale;
        const double nearest = std::nearbyint(scaled);
        double floorUnits;
        double remainder;
        if (std::fabs(scaled - nearest) <= 1e-9) {
            floorUnits = nearest;
            remainder = 0;
        } else {
            floorUnits = std::floor(scaled);
            remainder = scaled - floorUnits;
        }
        floorSum += floorUnits;
        pending.push_back({i, floorUnits, remainder});
    }

    const auto totalUnits = displayUnits(sum, decimals);
    if (!totalUnits) {
        // Beyond a double's decimal precision (or infinite): nothing sensible to redistribute.
        out.total = sum;
        for (const Pending& p : pending)
            out.parts[p.index] = parts[p.index];
        return out;
    }
    out.total = *totalUnits == 0 ? 0.0 : static_cast<double>(*totalUnits) / scale;

    // Units still to hand out (or, in pathological cases, to take back).
    auto missing = static_cast<long long>(static_cast<double>(*totalUnits) - floorSum);
    std::vector<std::size_t> order(pending.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return pending[a].remainder > pending[b].remainder;
    });
    while (missing > 0 && !order.empty()) {
        for (std::size_t k = 0; k < order.size() && missing > 0; ++k, --missing)
            pending[order[k]].floorUnits += 1;
    }
    while (missing < 0 && !order.empty()) {
        for (std::size_t k = order.size(); k-- > 0 && missing < 0; ++missing)
            pending[order[k]].floorUnits -= 1;
    }
    for (const Pending& p : pending)
        out.parts[p.index] = p.floorUnits == 0 ? 0.0 : p.floorUnits / scale;
    return out;
}

} // namespace parkatlas::geo
