#include "geo/units.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

using namespace parkatlas::geo;

TEST(UnitsTest, HundredMetreSquareIsFifteenMuExactly)
{
    EXPECT_EQ(kSquareMetresPerMu, 10000.0 / 15.0);
    EXPECT_EQ(muFromM2(10000.0), 15.0);
    EXPECT_EQ(m2FromMu(15.0), 10000.0);
    EXPECT_EQ(muFromM2(m2FromMu(1.0)), 1.0);
    EXPECT_EQ(convertArea(1.0, AreaUnit::Hectare, AreaUnit::Mu), 15.0);
    EXPECT_EQ(convertArea(1.0, AreaUnit::SquareKilometre, AreaUnit::Mu), 1500.0);
    EXPECT_EQ(convertArea(1500.0, AreaUnit::Mu, AreaUnit::SquareKilometre), 1.0);
    EXPECT_EQ(convertArea(15.0, AreaUnit::Mu, AreaUnit::Hectare), 1.0);
    EXPECT_EQ(convertArea(1.0, AreaUnit::SquareKilometre, AreaUnit::Hectare), 100.0);
    EXPECT_EQ(fromSquareMetres(2.5e6, AreaUnit::SquareKilometre), 2.5);
    EXPECT_EQ(toSquareMetres(3.0, AreaUnit::Mu), 2000.0);
    static_assert(muFromM2(10000.0) == 15.0, "the conversion is exact at compile time too");
}

TEST(UnitsTest, UnitNamesRoundTrip)
{
    for (AreaUnit unit :
         {AreaUnit::SquareMetre, AreaUnit::Mu, AreaUnit::Hectare, AreaUnit::SquareKilometre})
        EXPECT_EQ(areaUnitFromString(toString(unit)), unit);
    EXPECT_EQ(areaUnitFromString("亩"), AreaUnit::Mu);
    EXPECT_EQ(areaUnitFromString("MU"), AreaUnit::Mu);
    EXPECT_EQ(areaUnitFromString("公顷"), AreaUnit::Hectare);
    EXPECT_EQ(areaUnitFromString("km²"), AreaUnit::SquareKilometre);
    EXPECT_FALSE(areaUnitFromString("acre"));
}

TEST(UnitsTest, DisplayRoundingIsHalfAwayFromZeroOnTheDecimalValue)
{
    // 2.675 is stored as 2.67499999999999982…; a reader expects 2.68 (as Excel's ROUND gives).
    EXPECT_EQ(roundForDisplay(2.675, 2), 2.68);
    EXPECT_EQ(roundForDisplay(1.005, 2), 1.01);
    EXPECT_EQ(roundForDisplay(-2.675, 2), -2.68);
    EXPECT_EQ(roundForDisplay(0.125, 2), 0.13);
    EXPECT_EQ(roundForDisplay(0.124999, 2), 0.12);
    EXPECT_EQ(roundForDisplay(15.0, 2), 15.0);
    EXPECT_EQ(roundForDisplay(1234.5, 0), 1235.0);
    EXPECT_EQ(roundForDisplay(0.0049, 2), 0.0);
    EXPECT_EQ(roundForDisplay(0.005, 2), 0.01);
    EXPECT_FALSE(std::signbit(roundForDisplay(-0.001, 2))); // never -0
    EXPECT_EQ(roundForDisplay(99.995, 2), 100.0);
    EXPECT_EQ(roundForDisplay(1e20, 2), 1e20); // beyond a double's decimals: unchanged
    EXPECT_TRUE(std::isnan(roundForDisplay(std::nan(""), 2)));
}

TEST(UnitsTest, FormatForDisplayHasFixedDecimalsAndShowsUnknownAsEmpty)
{
    EXPECT_EQ(formatForDisplay(15.0, 2), "15.00");
    EXPECT_EQ(formatForDisplay(2.675, 2), "2.68");
    EXPECT_EQ(formatForDisplay(-0.5, 2), "-0.50");
    EXPECT_EQ(formatForDisplay(-0.001, 2), "0.00");
    EXPECT_EQ(formatForDisplay(0.05, 1), "0.1");
    EXPECT_EQ(formatForDisplay(1500.0, 0), "1500");
    EXPECT_EQ(formatForDisplay(123456789.125, 2), "123456789.13");
    EXPECT_EQ(formatForDisplay(std::nan(""), 2), "");
}

TEST(UnitsTest, ThreeThirdsShowAsPartsThatAddUpToTheTotal)
{
    const std::vector<double> parts{1.0 / 3, 1.0 / 3, 1.0 / 3};
    const RoundedParts shown = roundPartsForDisplay(parts, 2);
    EXPECT_EQ(shown.total, 1.0);
    ASSERT_EQ(shown.parts.size(), 3u);
    EXPECT_EQ(shown.parts[0], 0.34); // ties go to the earlier part
    EXPECT_EQ(shown.parts[1], 0.33);
    EXPECT_EQ(shown.parts[2], 0.33);
}

TEST(UnitsTest, PartsAlreadyOnTheGridAreLeftAlone)
{
    // 0.29 is stored as 0.28999999999999998; it must not become 0.28 with the unit going
    // elsewhere.
    const std::vector<double> parts{0.29, 0.01, 15.0, 2.5};
    const RoundedParts shown = roundPartsForDisplay(parts, 2);
    EXPECT_EQ(shown.parts, parts);
    EXPECT_EQ(shown.total, 17.8);
}

TEST(UnitsTest, UnknownPartsAreLeftOutOfTheTotalAndCounted)
{
    const std::vector<double> parts{1.004, std::nan(""), 2.004};
    const RoundedParts shown = roundPartsForDisplay(parts, 2);
    EXPECT_EQ(shown.unknownCount, 1u);
    EXPECT_TRUE(std::isnan(shown.parts[1]));
    EXPECT_EQ(shown.total, 3.01);
    EXPECT_EQ(shown.parts[0] + shown.parts[2], 3.01);
}

TEST(UnitsTest, LargestRemainderPartsAlwaysAddUpAndMoveLessThanOneUnit)
{
    // Areas in mu of random parcels, as a ledger by village would show them.
    std::mt19937_64 random(20240601);
    std::uniform_real_distribution<double> areaMu(0.0, 500.0);
    std::uniform_int_distribution<int> count(1, 40);
    for (int trial = 0; trial < 2000; ++trial) {
        const int decimals = trial % 4;
        std::vector<double> parts(static_cast<std::size_t>(count(random)));
        for (double& p : parts)
            p = areaMu(random);
        const RoundedParts shown = roundPartsForDisplay(parts, decimals);
        const double unit = std::pow(10.0, -decimals);
        long long partUnits = 0;
        double exactSum = 0;
        for (std::size_t i = 0; i < parts.size(); ++i) {
            EXPECT_LT(std::fabs(shown.parts[i] - parts[i]), unit);
            partUnits += std::llround(shown.parts[i] / unit);
            exactSum += parts[i];
        }
        EXPECT_EQ(partUnits, std::llround(shown.total / unit)) << "trial " << trial;
        EXPECT_EQ(shown.total, roundForDisplay(exactSum, decimals));
    }
}
