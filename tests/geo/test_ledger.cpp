#include "geo/issue.h"
#include "geo/ledger/ledgers.h"
#include "geo/measure/units.h"
#include "geo/model/park.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace parkatlas::geo;

namespace {

Park samplePark(std::vector<Role> roles)
{
    IssueList issues;
    return loadPark(discoverPark(std::string(PARKATLAS_SAMPLE_DIR) + "/park.gpkg"),
                    {std::move(roles), {}}, issues);
}

Ledger sampleLedger(LedgerKind kind)
{
    NullIssueSink issues;
    return buildLedger(samplePark(rolesFor(kind)), kind, {}, issues);
}

std::int64_t hundredths(const std::string& shown)
{
    return std::llround(std::stod(shown) * 1000);
}

/// Every summed column: the shown rows add up exactly to the shown total, and the unrounded rows
/// to the unrounded total.
void expectPartsAddUp(const LedgerTable& table)
{
    ASSERT_FALSE(table.total.empty()) << table.id;
    const auto shown = table.shown();
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
        const auto kind = table.columns[c].kind;
        if (kind != LedgerColumn::Kind::Amount && kind != LedgerColumn::Kind::Count)
            continue;
        std::int64_t shownSum = 0;
        double sum = 0;
        for (std::size_t r = 0; r < table.rows.size(); ++r) {
            if (!shown[r][c].empty())
                shownSum += hundredths(shown[r][c]);
            if (const double* d = std::get_if<double>(&table.rows[r][c]))
                sum += *d;
            if (const std::int64_t* i = std::get_if<std::int64_t>(&table.rows[r][c]))
                sum += static_cast<double>(*i);
        }
        if (shown.back()[c].empty())
            continue;
        EXPECT_EQ(shownSum, hundredths(shown.back()[c]))
            << table.id << " column " << table.columns[c].key;
        const LedgerCell& total = table.total[c];
        const double totalValue = std::holds_alternative<double>(total)
                                      ? std::get<double>(total)
                                      : static_cast<double>(std::get<std::int64_t>(total));
        EXPECT_NEAR(sum, totalValue, 1e-9 * std::max(1.0, std::fabs(totalValue)))
            << table.id << " column " << table.columns[c].key;
    }
}

const LedgerTable& tableOf(const Ledger& ledger, const std::string& id)
{
    for (const LedgerTable& table : ledger.tables)
        if (table.id == id)
            return table;
    throw std::runtime_error("no table " + id);
}

std::size_t columnOf(const LedgerTable& table, const std::string& key)
{
    for (std::size_t c = 0; c < table.columns.size(); ++c)
        if (table.columns[c].key == key)
            return c;
    throw std::runtime_error("no column " + key);
}

} // namespace

TEST(LedgerTest, LargestRemainderMakesShownPartsAddUp)
{
    LedgerTable table{"t", "t", {{"k", "k"}, {"mu", "mu", LedgerColumn::Kind::Amount, 2}},
                      {},  {},  {}};
    table.rows = {{std::string("a"), 0.005}, {std::string("b"), 0.005}, {std::string("c"), 0.005}};
    table.total = {std::string("total"), 0.015};
    const auto shown = table.shown();
    EXPECT_EQ(shown[3][1], "0.02");
    EXPECT_EQ(hundredths(shown[0][1]) + hundredths(shown[1][1]) + hundredths(shown[2][1]),
              hundredths("0.02"));
}

TEST(LedgerTest, UnknownIsShownEmptyNeverZero)
{
    LedgerTable table{"t", "t", {{"k", "k"}, {"fee", "fee", LedgerColumn::Kind::Amount, 2}},
                      {},  {},  {}};
    table.rows = {{std::string("a"), std::monostate{}}, {std::string("b"), 2.0}};
    table.total = {std::string("total"), 2.0};
    const auto shown = table.shown();
    EXPECT_EQ(shown[0][1], "");
    EXPECT_EQ(shown[2][1], "2.00");
}

TEST(LedgerTest, AcquisitionByBatchVillageAndStageAddUp)
{
    const Ledger ledger = sampleLedger(LedgerKind::Acquisition);
    ASSERT_EQ(ledger.tables.size(), 3u);
    for (const LedgerTable& table : ledger.tables)
        expectPartsAddUp(table);
    const LedgerTable& batches = tableOf(ledger, "by_batch");
    EXPECT_EQ(batches.rows.size(), 52u);
    // README: acquisition 36723.78 mu (ellipsoidal).
    EXPECT_EQ(batches.shown().back()[columnOf(batches, "area_mu")], "36723.78");
    // Unknown persons and households are counted in the notes, not summed as 0.
    bool personsNoted = false, villageNoted = false;
    for (const std::string& note : batches.notes) {
        personsNoted |= note.rfind("人 persons", 0) == 0;
        villageNoted |=
            note.rfind("村 village", 0) == 0 && note.find("QLZD2014-01") != std::string::npos;
    }
    EXPECT_TRUE(personsNoted);
    EXPECT_TRUE(villageNoted);
    const LedgerTable& stages = tableOf(ledger, "by_stage");
    EXPECT_EQ(std::get<std::string>(stages.rows.front()[0]), "调查摸底勘丈");
    EXPECT_EQ(std::get<std::string>(stages.rows.back()[0]), "已供地");
    const LedgerTable& villages = tableOf(ledger, "by_village");
    EXPECT_EQ(std::get<std::string>(villages.rows.back()[0]), "（未知）");
}

TEST(LedgerTest, IdleCasesGiveTheDisposalRate)
{
    const Ledger ledger = sampleLedger(LedgerKind::Idle);
    for (const LedgerTable& table : ledger.tables)
        expectPartsAddUp(table);
    const LedgerTable& kinds = tableOf(ledger, "by_kind");
    // 8 cases, 2 disposed (盘活, 依法收回).
    EXPECT_EQ(std::get<std::int64_t>(kinds.total[columnOf(kinds, "cases")]), 8);
    EXPECT_EQ(std::get<std::int64_t>(kinds.total[columnOf(kinds, "disposed")]), 2);
    EXPECT_DOUBLE_EQ(std::get<double>(kinds.total[columnOf(kinds, "disposal_rate_pct")]), 25.0);
    EXPECT_TRUE(isDisposedStage("盘活"));
    EXPECT_TRUE(isDisposedStage("依法收回"));
    EXPECT_FALSE(isDisposedStage("征缴闲置费"));
}

TEST(LedgerTest, WorksKmBuiltAgainstPlannedAndWeightedProgress)
{
    const Ledger ledger = sampleLedger(LedgerKind::Works);
    for (const LedgerTable& table : ledger.tables)
        expectPartsAddUp(table);
    const LedgerTable& lots = tableOf(ledger, "by_lot");
    const LedgerTable& classes = tableOf(ledger, "by_class");
    // README: roads 106.212 km + pipelines 571.460 km.
    const double planned = std::get<double>(lots.total[columnOf(lots, "km_planned")]);
    EXPECT_NEAR(planned, 106.21213 + 571.45998, 1e-3);
    EXPECT_DOUBLE_EQ(planned, std::get<double>(classes.total[columnOf(classes, "km_planned")]));
    const double built = std::get<double>(lots.total[columnOf(lots, "km_built")]);
    EXPECT_LT(built, planned);
    // 金港大道 east extension: its own lot, 35 % done.
    for (const auto& row : lots.rows) {
        if (std::get<std::string>(row[0]) == "2025-DL01标段") {
            EXPECT_DOUBLE_EQ(std::get<double>(row[columnOf(lots, "progress_pct")]), 35.0);
        }
    }
    // A masked lot (xx) is its own row, apart from lots not tendered yet.
    bool masked = false, notTendered = false;
    for (const auto& row : lots.rows) {
        masked |= std::get<std::string>(row[0]) == "（标段未知：xx）";
        notTendered |= std::get<std::string>(row[0]) == "（未分标段）";
    }
    EXPECT_TRUE(masked);
    EXPECT_TRUE(notTendered);
}

TEST(LedgerTest, SupplyPerPlotWithIntensity)
{
    const Ledger ledger = sampleLedger(LedgerKind::Supply);
    for (const LedgerTable& table : ledger.tables)
        expectPartsAddUp(table);
    const LedgerTable& plots = tableOf(ledger, "by_parcel");
    EXPECT_EQ(plots.rows.size(), 498u);
    EXPECT_EQ(plots.shown().back()[columnOf(plots, "area_mu")], "22671.63");
    for (const auto& row : plots.rows) {
        if (std::get<std::string>(row[0]) == "QL2016-053") {
            EXPECT_NEAR(std::get<double>(row[columnOf(plots, "tax_per_mu_wan")]), 4.2, 0.01);
        }
    }
    const LedgerTable& years = tableOf(ledger, "by_year");
    EXPECT_EQ(years.shown().back()[columnOf(years, "area_mu")], "22671.63");
}

TEST(LedgerTest, MissingLayerIsAnError)
{
    NullIssueSink issues;
    EXPECT_THROW(buildLedger(samplePark({Role::Parcels}), LedgerKind::Acquisition, {}, issues),
                 std::exception);
}
