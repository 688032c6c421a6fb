#include "geo/io/park_source.h"
#include "geo/issue.h"
#include "geo/ledger/indicators.h"
#include "geo/model/land_use_classification.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace parkatlas::geo;

namespace {

const Indicator& indicatorOf(const IndicatorReport& report, const std::string& key)
{
    for (const Indicator& indicator : report.indicators)
        if (indicator.key == key)
            return indicator;
    throw std::runtime_error("no indicator " + key);
}

double inputOf(const Indicator& indicator, const std::string& key)
{
    for (const IndicatorInput& input : indicator.inputs)
        if (input.key == key)
            return input.value;
    throw std::runtime_error("no input " + key);
}

} // namespace

TEST(IndicatorsTest, IndustrialCodesOfBothClassifications)
{
    EXPECT_TRUE(isIndustrialLandUse("M1"));
    EXPECT_TRUE(isIndustrialLandUse("M"));
    EXPECT_TRUE(isIndustrialLandUse("100102"));
    EXPECT_TRUE(isIndustrialLandUse("1001"));
    EXPECT_FALSE(isIndustrialLandUse("W1"));
    EXPECT_FALSE(isIndustrialLandUse("1101"));
    EXPECT_FALSE(isIndustrialLandUse("0901"));
}

TEST(IndicatorsTest, IndustrialCodesAreReadInTheLayersClassification)
{
    const std::vector<std::string> cadastre = {kGbt21010}, plan = {kGtkj2023};
    EXPECT_EQ(industrialLandUse("0601", cadastre), std::optional<bool>(true));
    EXPECT_EQ(industrialLandUse("1001", cadastre), std::optional<bool>(false)) << "铁路用地";
    EXPECT_EQ(industrialLandUse("1001", plan), std::optional<bool>(true));
    EXPECT_EQ(industrialLandUse("0601", plan), std::optional<bool>(false)) << "乡村道路用地";
    EXPECT_EQ(industrialLandUse("M2", {kGb50137}), std::optional<bool>(true));
    EXPECT_EQ(industrialLandUse("06", cadastre), std::nullopt) << "工矿仓储用地: coarser";
    EXPECT_EQ(industrialLandUse("0601", {kGbt21010, kGtkj2023}), std::nullopt) << "ambiguous";
}

TEST(IndicatorsTest, SampleParkHasEveryIndicatorWithFormulaAndInputs)
{
    IssueList issues;
    const Park park = loadPark(discoverPark(std::string(PARKATLAS_SAMPLE_DIR) + "/park.gpkg"),
                               {indicatorRoles(), {}}, issues);
    const IndicatorReport report = computeIndicators(park, {}, issues);
    ASSERT_EQ(report.indicators.size(), 11u);
    for (const Indicator& indicator : report.indicators) {
        EXPECT_FALSE(std::isnan(indicator.value)) << indicator.key;
        EXPECT_FALSE(indicator.formula.empty()) << indicator.key;
        EXPECT_GE(indicator.inputs.size(), 2u) << indicator.key;
    }
    // Ratios are the ratio of their inputs.
    const Indicator& built = indicatorOf(report, "land_built_rate");
    EXPECT_NEAR(built.value,
                100 * inputOf(built, "built_area_mu") / inputOf(built, "supplied_area_mu"), 1e-9);
    EXPECT_NEAR(inputOf(built, "supplied_area_mu"), 22671.63, 0.01); // README total
    // 闲置土地处置率: 供而未用/供多建少 cases, 2 disposed (盘活, 依法收回) of 5, by area.
    const Indicator& idle = indicatorOf(report, "idle_disposal_rate");
    EXPECT_GT(idle.value, 0);
    EXPECT_LT(idle.value, 100);
    // The one plot in production without tax is left out of both sides, and said.
    const Indicator& tax = indicatorOf(report, "tax_per_area");
    EXPECT_FALSE(tax.unknowns.empty());
    EXPECT_NEAR(tax.valuePerMu * 15, tax.value, 1e-9 * tax.value);
}
