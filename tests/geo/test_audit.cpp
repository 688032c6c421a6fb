#include "geo/error.h"
#include "geo/io/json_writer.h"
#include "geo/io/park_source.h"
#include "geo/issue.h"
#include "geo/rules/audit.h"
#include "geo/rules/audit_rules.h"
#include "geo/styles.h"
#include "tests/support/scratch_dir.h"

#include <gtest/gtest.h>

#include <cpl_json.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

using namespace parkatlas::geo;

namespace {

Date day(const char* iso)
{
    return *Date::parse(iso);
}

/// One plot of a synthetic park: a 100 m × 300 m rectangle (30000 m² = 45 mu, planar) and its
/// contract attributes as text ("" = empty/null).
struct Plot {
    std::map<std::string, std::string> fields;
    double coveredShare = -1; // < 0: no building; else one footprint covering this share
};

const std::vector<std::string> kParcelFields = {
    "parcel_id",  "land_use", "supply_dt",  "agr_start",  "act_start", "stopped",
    "invest_tot", "invested", "built_area", "floor_area", "tax",       "status"};

void addRectangle(GeometryStore& store, double x, double y, double w, double h)
{
    store.beginFeature();
    store.beginPart();
    store.beginRing();
    store.addVertex(x, y);
    store.addVertex(x + w, y);
    store.addVertex(x + w, y + h);
    store.addVertex(x, y + h);
    store.addVertex(x, y);
    store.endFeature();
}

/// A park whose plots lie side by side in EPSG:4547, measured planar so 1/3 and 25 % are exact.
Park makePark(const std::vector<Plot>& plots, bool withBuildings = true)
{
    Park park;
    park.name = "test";
    park.crs = Crs::fromEpsg(4547);
    ParkLayer parcels;
    parcels.role = Role::Parcels;
    const auto parcelsLayer = std::make_shared<Layer>(); // filled here, shared by the park
    parcels.layer = parcelsLayer;
    parcelsLayer->name = "parcels";
    parcelsLayer->crs = park.crs;
    parcelsLayer->geometry.setKind(GeometryKind::Polygon);
    std::vector<FieldDef> defs;
    for (const std::string& name : kParcelFields)
        defs.push_back({name, FieldType::String});
    parcelsLayer->attributes.setFields(defs);
    ParkLayer buildings;
    buildings.role = Role::Buildings;
    const auto buildingsLayer = std::make_shared<Layer>();
    buildings.layer = buildingsLayer;
    buildingsLayer->name = "buildings";
    buildingsLayer->crs = park.crs;
    buildingsLayer->geometry.setKind(GeometryKind::Polygon);
    buildingsLayer->attributes.setFields({{"floors", FieldType::Integer}});
    for (std::size_t i = 0; i < plots.size(); ++i) {
        const double x = 500000 + 200.0 * static_cast<double>(i), y = 3375000;
        addRectangle(parcelsLayer->geometry, x, y, 100, 300);
        parcelsLayer->fids.push_back(static_cast<std::int64_t>(i + 1));
        for (std::size_t f = 0; f < kParcelFields.size(); ++f) {
            const auto it = plots[i].fields.find(kParcelFields[f]);
            parcelsLayer->attributes.setText(static_cast<int>(f),
                                             it == plots[i].fields.end() ? "" : it->second);
        }
        parcelsLayer->attributes.commitRow();
        if (plots[i].coveredShare > 0) {
            // A footprint 100 m wide, as tall as the share asks, plus a part outside the plot
            // that must not count.
            addRectangle(buildingsLayer->geometry, x, y, 100, 300 * plots[i].coveredShare);
            buildingsLayer->fids.push_back(static_cast<std::int64_t>(i + 1));
            buildingsLayer->attributes.setInteger(0, 1);
            buildingsLayer->attributes.commitRow();
            addRectangle(buildingsLayer->geometry, x + 100, y, 50, 50);
            buildingsLayer->fids.push_back(static_cast<std::int64_t>(1000 + i));
            buildingsLayer->attributes.setInteger(0, 1);
            buildingsLayer->attributes.commitRow();
        }
    }
    parcels.fieldIndex = resolveContractFields(Role::Parcels, parcels.layer->attributes);
    buildings.fieldIndex = resolveContractFields(Role::Buildings, buildings.layer->attributes);
    park.layers.push_back(std::move(parcels));
    if (withBuildings)
        park.layers.push_back(std::move(buildings));
    return park;
}

AuditResult audit(const Park& park, const char* asOf, AuditRules rules = {})
{
    AuditOptions options;
    options.asOf = day(asOf);
    options.rules = rules;
    options.areaMethod = AreaMethod::Planar;
    options.threads = 1;
    NullIssueSink issues;
    return runAudit(park, options, issues);
}

/// "rule:fid" of every finding.
std::set<std::string> fired(const AuditResult& result)
{
    std::set<std::string> out;
    for (const Finding& f : result.findings)
        out.insert(f.rule + ":" + std::to_string(f.fids.front()));
    return out;
}

const Finding* findingOf(const AuditResult& result, const std::string& rule, std::int64_t fid)
{
    for (const Finding& f : result.findings)
        if (f.rule == rule && f.fids.front() == fid)
            return &f;
    return nullptr;
}

const EvidenceValue* evidenceOf(const Finding& finding, const std::string& name)
{
    for (const Evidence& e : finding.evidence)
        if (e.name == name)
            return &e.value;
    return nullptr;
}

std::string needsOf(const Finding& finding)
{
    const EvidenceValue* needs = evidenceOf(finding, "needs");
    return needs && std::holds_alternative<std::string>(*needs) ? std::get<std::string>(*needs)
                                                                : "";
}

/// A plot running normally: started, 60 % built, 60 % invested, good tax, covered 40 %.
Plot runningPlot()
{
    return {{{"parcel_id", "OK"},
             {"supply_dt", "2015-01-01"},
             {"agr_start", "2015-06-01"},
             {"act_start", "2015-07-01"},
             {"invest_tot", "20000"},
             {"invested", "12000"},
             {"built_area", "18000"},
             {"tax", "900"},
             {"status", "已投产"}},
            0.4};
}

/// Not started, due one year after agr_start.
Plot notStartedPlot(const char* agrStart)
{
    return {{{"parcel_id", "NS"},
             {"supply_dt", "2024-01-01"},
             {"agr_start", agrStart},
             {"invest_tot", "20000"},
             {"invested", "0"},
             {"built_area", "0"},
             {"status", "未动工"}},
            -1};
}

/// Started 2020, stopped at `stopped`, with the built area and investment given.
Plot stalledPlot(const char* stopped, const char* builtArea, const char* invested)
{
    return {{{"parcel_id", "ST"},
             {"supply_dt", "2019-01-01"},
             {"agr_start", "2019-06-01"},
             {"act_start", "2020-01-01"},
             {"stopped", stopped},
             {"invest_tot", "20000"},
             {"invested", invested},
             {"built_area", builtArea},
             {"status", "停工"}},
            0.4};
}

} // namespace

// ---- dates ----------------------------------------------------------------------------------

TEST(AuditDateTest, OneFullYearIsTheSameCalendarDateAYearLater)
{
    EXPECT_EQ(anniversary(day("2025-03-01"), 1).toIso(), "2026-03-01");
    EXPECT_EQ(anniversary(day("2023-12-31"), 1).toIso(), "2024-12-31");
    EXPECT_EQ(anniversary(day("2023-02-28"), 1).toIso(), "2024-02-28");
    EXPECT_EQ(anniversary(day("2024-03-01"), 2).toIso(), "2026-03-01");
}

TEST(AuditDateTest, TwentyNinthOfFebruaryEndsOnTheLastDayOfFebruary)
{
    // 民法典 第二百零二条: no corresponding day → the last day of that month.
    EXPECT_EQ(anniversary(day("2024-02-29"), 1).toIso(), "2025-02-28");
    EXPECT_EQ(anniversary(day("2024-02-29"), 2).toIso(), "2026-02-28");
    EXPECT_EQ(anniversary(day("2024-02-29"), 4).toIso(), "2028-02-29");
}

TEST(AuditDateTest, BelowIsStrictAtTheThreshold)
{
    EXPECT_FALSE(isBelow(10000, 30000.0 / 3));
    EXPECT_FALSE(isBelow(10000, (1.0 / 3) * 30000));
    EXPECT_FALSE(isBelow(5000, 0.25 * 20000));
    EXPECT_TRUE(isBelow(4999.99, 0.25 * 20000));
    EXPECT_FALSE(isBelow(15.0, 15.0));
}

// ---- idle_not_started -----------------------------------------------------------------------

TEST(AuditNotStartedTest, FiresOnTheAnniversaryNotTheDayBefore)
{
    const Park park = makePark({notStartedPlot("2025-03-01")}, false);
    EXPECT_TRUE(fired(audit(park, "2026-02-28")).empty());
    EXPECT_EQ(fired(audit(park, "2026-03-01")), std::set<std::string>{"idle_not_started:1"});
    EXPECT_EQ(fired(audit(park, "2026-03-02")), std::set<std::string>{"idle_not_started:1"});
}

TEST(AuditNotStartedTest, TwentyNinthOfFebruaryIsDueOnTheTwentyEighth)
{
    const Park park = makePark({notStartedPlot("2024-02-29")}, false);
    EXPECT_TRUE(fired(audit(park, "2025-02-27")).empty());
    EXPECT_EQ(fired(audit(park, "2025-02-28")), std::set<std::string>{"idle_not_started:1"});
    EXPECT_EQ(fired(audit(park, "2025-03-01")), std::set<std::string>{"idle_not_started:1"});
}

TEST(AuditNotStartedTest, FeeAfterOneYearRecoveryAfterTwo)
{
    const Park park = makePark({notStartedPlot("2024-02-29")});
    const AuditResult beforeTwo = audit(park, "2026-02-27");
    const Finding* fee = findingOf(beforeTwo, "idle_not_started", 1);
    ASSERT_NE(fee, nullptr);
    EXPECT_EQ(std::get<std::string>(*evidenceOf(*fee, "consequence")), "征缴土地闲置费");
    EXPECT_EQ(std::get<std::string>(*evidenceOf(*fee, "recovery_on")), "2026-02-28");
    EXPECT_NE(fee->clause.find("第二条第一款"), std::string::npos);
    EXPECT_NE(fee->clause.find("第十四条"), std::string::npos);
    EXPECT_NE(fee->reasonZh.find("20%"), std::string::npos) << fee->reasonZh;
    // No land price in the data: the fee is unknown, never 0.
    EXPECT_TRUE(std::holds_alternative<std::monostate>(*evidenceOf(*fee, "idle_fee_wan")));
    EXPECT_DOUBLE_EQ(std::get<double>(*evidenceOf(*fee, "idle_fee_rate")), 0.2);

    // The result is kept: a finding points into it (ASan caught a use after free here).
    const AuditResult afterTwo = audit(park, "2026-02-28");
    const Finding* recovery = findingOf(afterTwo, "idle_not_started", 1);
    ASSERT_NE(recovery, nullptr);
    EXPECT_EQ(std::get<std::string>(*evidenceOf(*recovery, "consequence")), "无偿收回");
    EXPECT_NE(recovery->reasonZh.find("无偿收回"), std::string::npos);
}

TEST(AuditNotStartedTest, StartedLaterThanTheAuditDateIsNotStartedYet)
{
    Plot plot = notStartedPlot("2024-01-10");
    plot.fields["act_start"] = "2026-08-01";
    plot.fields["status"] = "在建";
    EXPECT_EQ(fired(audit(makePark({plot}, false), "2026-06-30")),
              std::set<std::string>{"idle_not_started:1"});
    EXPECT_TRUE(fired(audit(makePark({plot}, false), "2026-08-01")).empty());
}

TEST(AuditNotStartedTest, MaskedOrEmptyWithOtherStatusCannotBeDecided)
{
    // As QL2021-031 in the sample: act_start masked, status blank, but built, invested and
    // taxed well, so only idle_not_started depends on the unknown value.
    Plot masked = runningPlot();
    masked.fields["agr_start"] = "2021-10-03";
    masked.fields["act_start"] = "xx";
    masked.fields["status"] = "";
    masked.fields["invested"] = "21652.78";
    masked.fields["invest_tot"] = "18528.67";
    Plot emptyBuilding = notStartedPlot("2021-10-03");
    emptyBuilding.fields["status"] = "在建";
    emptyBuilding.coveredShare = 0.3;
    Plot notDue = notStartedPlot("2026-01-01");
    notDue.fields["act_start"] = "**";
    notDue.fields["supply_dt"] = "2025-06-01";
    const AuditResult result = audit(makePark({masked, emptyBuilding, notDue}), "2026-06-30");
    EXPECT_EQ(fired(result), (std::set<std::string>{"cannot_decide:1", "cannot_decide:2"}));
    EXPECT_EQ(needsOf(*findingOf(result, "cannot_decide", 2)), "idle_not_started needs act_start");
    const Finding* first = findingOf(result, "cannot_decide", 1);
    ASSERT_NE(first, nullptr);
    EXPECT_EQ(needsOf(*first), "idle_not_started needs act_start");
    EXPECT_EQ(std::get<std::string>(*evidenceOf(*first, "act_start")), "xx");
    EXPECT_NE(first->reasonZh.find("不作零处理"), std::string::npos);
}

TEST(AuditNotStartedTest, UnknownAgreedStartIsNamed)
{
    Plot plot = notStartedPlot("");
    const AuditResult result = audit(makePark({plot}, false), "2026-06-30");
    ASSERT_EQ(result.findings.size(), 1u);
    EXPECT_EQ(needsOf(result.findings[0]), "idle_not_started needs agr_start");
    EXPECT_TRUE(
        std::holds_alternative<std::monostate>(*evidenceOf(result.findings[0], "agr_start")));
}

// ---- idle_stalled ---------------------------------------------------------------------------

TEST(AuditStalledTest, ExactlyOneThirdBuiltIsNotUnderOneThird)
{
    // 30000 m² plot: 10000 m² is exactly one third; investment 50 %.
    const Park exact = makePark({stalledPlot("2024-10-08", "10000", "10000")});
    EXPECT_TRUE(fired(audit(exact, "2026-06-30")).empty());
    const Park under = makePark({stalledPlot("2024-10-08", "9999", "10000")});
    EXPECT_EQ(fired(audit(under, "2026-06-30")), std::set<std::string>{"idle_stalled:1"});
}

TEST(AuditStalledTest, ExactlyTwentyFivePercentInvestedIsNotUnder)
{
    // 5000 of 20000 万元 is exactly 25 %; built 50 %.
    const Park exact = makePark({stalledPlot("2024-10-08", "15000", "5000")});
    EXPECT_TRUE(fired(audit(exact, "2026-06-30")).empty());
    const Park under = makePark({stalledPlot("2024-10-08", "15000", "4999.99")});
    const AuditResult result = audit(under, "2026-06-30");
    EXPECT_EQ(fired(result), std::set<std::string>{"idle_stalled:1"});
    const Finding& f = result.findings.front();
    EXPECT_NEAR(std::get<double>(*evidenceOf(f, "invested_share")), 0.2499995, 1e-12);
    EXPECT_NE(f.clause.find("第二条第二款"), std::string::npos);
    EXPECT_NE(f.reasonZh.find("不足百分之二十五"), std::string::npos) << f.reasonZh;
}

TEST(AuditStalledTest, StoppedOneDayShortOfAYearIsNotIdle)
{
    const Park park = makePark({stalledPlot("2025-07-01", "3000", "3000")});
    EXPECT_TRUE(fired(audit(park, "2026-06-30")).empty());
    EXPECT_EQ(fired(audit(park, "2026-07-01")), std::set<std::string>{"idle_stalled:1"});
    const Park leap = makePark({stalledPlot("2024-02-29", "3000", "3000")});
    EXPECT_TRUE(fired(audit(leap, "2025-02-27")).empty());
    EXPECT_EQ(fired(audit(leap, "2025-02-28")), std::set<std::string>{"idle_stalled:1"});
    const AuditResult leapAfterTwo = audit(leap, "2026-02-28");
    const Finding* recovery = findingOf(leapAfterTwo, "idle_stalled", 1);
    ASSERT_NE(recovery, nullptr);
    EXPECT_EQ(std::get<std::string>(*evidenceOf(*recovery, "consequence")), "无偿收回");
}

TEST(AuditStalledTest, UnknownShareDecidesOnlyWhenTheOtherIsLow)
{
    // Built unknown, investment low: stalled all the same.
    const Park lowInvest = makePark({stalledPlot("2024-10-08", "", "1000")});
    EXPECT_EQ(fired(audit(lowInvest, "2026-06-30")), std::set<std::string>{"idle_stalled:1"});
    // Built unknown, investment fine: cannot decide, and says what it needs.
    const AuditResult unknown =
        audit(makePark({stalledPlot("2024-10-08", "xx", "15000")}), "2026-06-30");
    ASSERT_EQ(fired(unknown), std::set<std::string>{"cannot_decide:1"});
    EXPECT_EQ(needsOf(unknown.findings[0]), "idle_stalled needs built_area");
    // Stopped masked, status 停工, low shares: needs stopped.
    const AuditResult masked = audit(makePark({stalledPlot("**", "3000", "3000")}), "2026-06-30");
    ASSERT_EQ(fired(masked), std::set<std::string>{"cannot_decide:1"});
    EXPECT_EQ(needsOf(masked.findings[0]), "idle_stalled needs stopped");
    // Empty stopped while the works go on: not stopped.
    Plot running = stalledPlot("", "3000", "3000");
    running.fields["status"] = "在建";
    EXPECT_TRUE(fired(audit(makePark({running}), "2026-06-30")).empty());
}

// ---- idle_low_coverage ----------------------------------------------------------------------

TEST(AuditLowCoverageTest, AlmostNoFootprintTwoYearsAfterSupplyFiresWhateverTheLedgerSays)
{
    Plot bare = runningPlot();
    bare.fields["supply_dt"] = "2024-06-30";
    bare.fields["status"] = "在建";
    bare.coveredShare = 0.04;
    Plot atThreshold = bare;
    atThreshold.coveredShare = 0.05;
    const Park park = makePark({bare, atThreshold});
    EXPECT_TRUE(fired(audit(park, "2026-06-29")).empty());
    const AuditResult result = audit(park, "2026-06-30");
    EXPECT_EQ(fired(result), std::set<std::string>{"idle_low_coverage:1"});
    const Finding& f = result.findings.front();
    EXPECT_NEAR(std::get<double>(*evidenceOf(f, "covered_share")), 0.04, 1e-12);
    EXPECT_NEAR(std::get<double>(*evidenceOf(f, "footprint_m2")), 1200, 1e-6);
}

TEST(AuditLowCoverageTest, CoveredShareIsEvidenceOnEveryFinding)
{
    const AuditResult result =
        audit(makePark({stalledPlot("2024-10-08", "3000", "3000")}), "2026-06-30");
    ASSERT_EQ(result.findings.size(), 1u);
    EXPECT_NEAR(std::get<double>(*evidenceOf(result.findings[0], "covered_share")), 0.4, 1e-12);
    const AuditResult noBuildings =
        audit(makePark({stalledPlot("2024-10-08", "3000", "3000")}, false), "2026-06-30");
    ASSERT_EQ(noBuildings.findings.size(), 1u);
    EXPECT_EQ(evidenceOf(noBuildings.findings[0], "covered_share"), nullptr);
    ASSERT_EQ(noBuildings.notRun.size(), 1u);
    EXPECT_NE(noBuildings.notRun[0].english.find("idle_low_coverage"), std::string::npos);
}

// ---- low_efficiency -------------------------------------------------------------------------

TEST(AuditLowEfficiencyTest, TaxOrInvestmentPerMuUnderThePark)
{
    // 45 mu: 15 万元/mu is 675 万元 of tax; 200 万元/mu is 9000 万元 invested.
    Plot atTax = runningPlot();
    atTax.fields["tax"] = "675";
    Plot underTax = runningPlot();
    underTax.fields["tax"] = "674.9";
    Plot underInvest = runningPlot();
    underInvest.fields["invested"] = "8999";
    Plot notProducing = runningPlot();
    notProducing.fields["tax"] = "1";
    notProducing.fields["status"] = "在建";
    const AuditResult result =
        audit(makePark({atTax, underTax, underInvest, notProducing}), "2026-06-30");
    EXPECT_EQ(fired(result), (std::set<std::string>{"low_efficiency:2", "low_efficiency:3"}));
    const Finding* tax = findingOf(result, "low_efficiency", 2);
    ASSERT_NE(tax, nullptr);
    EXPECT_NEAR(std::get<double>(*evidenceOf(*tax, "tax_per_mu_wan")), 674.9 / 45, 1e-12);
}

TEST(AuditLowEfficiencyTest, UnknownTaxIsNamedUnlessInvestmentDecides)
{
    Plot unknownTax = runningPlot();
    unknownTax.fields["tax"] = "";
    Plot unknownTaxLowInvest = unknownTax;
    unknownTaxLowInvest.fields["invested"] = "100";
    unknownTaxLowInvest.fields["invest_tot"] = "200";
    const AuditResult result = audit(makePark({unknownTax, unknownTaxLowInvest}), "2026-06-30");
    EXPECT_EQ(fired(result), (std::set<std::string>{"cannot_decide:1", "low_efficiency:2"}));
    EXPECT_EQ(needsOf(*findingOf(result, "cannot_decide", 1)), "low_efficiency needs tax");
    EXPECT_TRUE(std::holds_alternative<std::monostate>(
        *evidenceOf(*findingOf(result, "low_efficiency", 2), "tax_wan")));
}

TEST(AuditLowEfficiencyTest, ThresholdsComeFromTheProjectFile)
{
    const auto dir = parkatlas::test::scratch("audit_rules");
    const auto project = dir / "p.parkatlas.json";
    std::ofstream(project) << R"({"layers": {}, "rules": {"low_efficiency":
        {"tax_per_mu_min_wan": 25, "invest_per_mu_min_wan": 100},
        "idle_stalled": {"enabled": false}}})";
    const AuditRules rules = loadAuditRules("", project.string());
    EXPECT_DOUBLE_EQ(rules.taxPerMuMinWan, 25);
    EXPECT_DOUBLE_EQ(rules.investPerMuMinWan, 100);
    EXPECT_FALSE(rules.stalledEnabled);
    EXPECT_EQ(rules.origins.back(), "project file " + project.string());
    Plot plot = runningPlot(); // 900 / 45 = 20 万元/mu: fine at 15, low at 25
    EXPECT_EQ(fired(audit(makePark({plot}), "2026-06-30", rules)),
              std::set<std::string>{"low_efficiency:1"});

    std::ofstream(project)
        << R"({"layers": {}, "rules": {"low_efficiency": {"tax_per_mu_min_wan": "x"}}})";
    EXPECT_THROW(loadAuditRules("", project.string()), IoError);
    std::filesystem::remove_all(dir);
}

TEST(AuditRulesJsonTest, WhatAuditWritesReadsBackAsTheSameRules)
{
    // Every setting changed from its default: the JSON `audit --format json` writes, given back
    // as a project file's "rules", must give the same rules (so no setting is written under a
    // key loadAuditRules does not read, and none is missing).
    AuditRules changed;
    changed.notStartedEnabled = false;
    changed.notStartedYears = 3;
    changed.stalledEnabled = false;
    changed.stalledYears = 4;
    changed.stalledBuiltShareMax = 0.5;
    changed.stalledInvestShareMax = 0.125;
    changed.recoveryYears = 5;
    changed.idleFeeRate = 0.375;
    changed.lowCoverageEnabled = false;
    changed.lowCoverageShareMin = 0.0625;
    changed.lowCoverageYears = 6;
    changed.lowEfficiencyEnabled = false;
    changed.taxPerMuMinWan = 17.5;
    changed.investPerMuMinWan = 250;
    changed.productionStatuses = {"投产"};
    changed.standardLandEnabled = false;
    changed.standardLandPeriodYears = 2.5;
    changed.standardLandPeriodFrom = "supply_dt";
    changed.approvedNotSuppliedEnabled = false;
    changed.approvedNotSuppliedYears = 7;
    changed.approvedStages = {"已批"};
    changed.approvedNotSuppliedSliverM2 = 3;
    changed.cannotDecideEnabled = false;
    std::ostringstream text;
    {
        JsonWriter json(text);
        json.beginObject();
        writeAuditRulesJson(json, changed);
        json.endObject();
    }
    const auto dir = parkatlas::test::scratch("audit_rules_json");
    const auto project = dir / "p.parkatlas.json";
    std::ofstream(project) << text.str();
    const AuditRules read = loadAuditRules("", project.string());
    EXPECT_EQ(read.notStartedEnabled, changed.notStartedEnabled);
    EXPECT_EQ(read.notStartedYears, changed.notStartedYears);
    EXPECT_EQ(read.stalledEnabled, changed.stalledEnabled);
    EXPECT_EQ(read.stalledYears, changed.stalledYears);
    EXPECT_EQ(read.stalledBuiltShareMax, changed.stalledBuiltShareMax);
    EXPECT_EQ(read.stalledInvestShareMax, changed.stalledInvestShareMax);
    EXPECT_EQ(read.recoveryYears, changed.recoveryYears);
    EXPECT_EQ(read.idleFeeRate, changed.idleFeeRate);
    EXPECT_EQ(read.lowCoverageEnabled, changed.lowCoverageEnabled);
    EXPECT_EQ(read.lowCoverageShareMin, changed.lowCoverageShareMin);
    EXPECT_EQ(read.lowCoverageYears, changed.lowCoverageYears);
    EXPECT_EQ(read.lowEfficiencyEnabled, changed.lowEfficiencyEnabled);
    EXPECT_EQ(read.taxPerMuMinWan, changed.taxPerMuMinWan);
    EXPECT_EQ(read.investPerMuMinWan, changed.investPerMuMinWan);
    EXPECT_EQ(read.productionStatuses, changed.productionStatuses);
    EXPECT_EQ(read.standardLandEnabled, changed.standardLandEnabled);
    EXPECT_EQ(read.standardLandPeriodYears, changed.standardLandPeriodYears);
    EXPECT_EQ(read.standardLandPeriodFrom, changed.standardLandPeriodFrom);
    EXPECT_EQ(read.approvedNotSuppliedEnabled, changed.approvedNotSuppliedEnabled);
    EXPECT_EQ(read.approvedNotSuppliedYears, changed.approvedNotSuppliedYears);
    EXPECT_EQ(read.approvedStages, changed.approvedStages);
    EXPECT_EQ(read.approvedNotSuppliedSliverM2, changed.approvedNotSuppliedSliverM2);
    EXPECT_EQ(read.cannotDecideEnabled, changed.cannotDecideEnabled);
    // Each key once, in the order loadAuditRules reads them; the aliases are not written.
    const std::string written = text.str();
    EXPECT_EQ(written.find("intensity_below_standard"), std::string::npos);
    EXPECT_EQ(written.find("tax_min_wan_per_mu"), std::string::npos);
    EXPECT_LT(written.find("\"idle_not_started\""), written.find("\"idle_stalled\""));
    EXPECT_LT(written.find("\"approved_not_supplied\""), written.find("\"cannot_decide\""));
    // A period of 0 (none) is left out, as a project file leaves it out.
    std::ostringstream none;
    {
        JsonWriter json(none);
        json.beginObject();
        writeAuditRulesJson(json, AuditRules{});
        json.endObject();
    }
    EXPECT_EQ(none.str().find("period_years"), std::string::npos);
    EXPECT_NE(none.str().find("period_from"), std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST(AuditLowEfficiencyTest, ShippedThresholdsKeepTheParkDefaults)
{
    const AuditRules rules = loadAuditRules(stylePath("thresholds.json"), "");
    EXPECT_DOUBLE_EQ(rules.taxPerMuMinWan, 15);
    EXPECT_DOUBLE_EQ(rules.investPerMuMinWan, 200);
}

// ---- the sample park ------------------------------------------------------------------------

namespace {

const std::set<std::string> kAuditRules = {"idle_not_started", "idle_stalled", "idle_low_coverage",
                                           "low_efficiency", "cannot_decide"};

/// expected_findings.json's audit entries as "rule:fid" → needs (for cannot_decide, only the
/// needs of audit rules; entries that need only check rules are not audit findings).
std::map<std::string, std::string> expectedAudit(int fidOffset)
{
    CPLJSONDocument document;
    EXPECT_TRUE(document.Load(std::string(PARKATLAS_SAMPLE_DIR) + "/expected_findings.json"));
    std::map<std::string, std::string> out;
    for (const CPLJSONObject& f : document.GetRoot().GetArray("findings")) {
        const std::string rule = f.GetString("rule");
        if (!kAuditRules.count(rule))
            continue;
        std::string needs;
        for (const CPLJSONObject& need : f.GetArray("needs")) {
            const std::string text = need.ToString();
            if (kAuditRules.count(text.substr(0, text.find(' '))))
                needs += (needs.empty() ? "" : "; ") + text;
        }
        if (rule == "cannot_decide" && needs.empty())
            continue;
        out[rule + ":" + std::to_string(f.GetInteger("fid") + fidOffset)] = needs;
    }
    return out;
}

void expectSampleFindings(const std::string& source, int fidOffset)
{
    IssueList issues;
    const Park park =
        loadPark(discoverPark(source), {{Role::Parcels, Role::Buildings}, {}}, issues);
    AuditOptions options;
    options.asOf = day("2026-06-30");
    options.rules = loadAuditRules(stylePath("thresholds.json"), "");
    const AuditResult result = runAudit(park, options, issues);
    std::map<std::string, std::string> got;
    for (const Finding& f : result.findings)
        got[f.rule + ":" + std::to_string(f.fids.front())] = needsOf(f);
    EXPECT_EQ(got, expectedAudit(fidOffset)) << source;
    EXPECT_TRUE(result.notRun.empty());
    for (const Finding& f : result.findings) {
        EXPECT_FALSE(f.featureId.empty());
        EXPECT_FALSE(f.clause.empty());
        EXPECT_FALSE(f.geometryWkb.empty());
        EXPECT_NE(evidenceOf(f, "covered_share"), nullptr) << f.rule;
    }
    const Finding* gatehouse = findingOf(result, "idle_low_coverage", 45 + fidOffset);
    ASSERT_NE(gatehouse, nullptr);
    EXPECT_EQ(gatehouse->featureId, "QL2022-002");
    EXPECT_NEAR(std::get<double>(*evidenceOf(*gatehouse, "footprint_m2")), 96, 0.5);
    const Finding* stalled = findingOf(result, "idle_stalled", 107 + fidOffset);
    ASSERT_NE(stalled, nullptr);
    EXPECT_NEAR(std::get<double>(*evidenceOf(*stalled, "built_share")), 0.18, 0.01);
    EXPECT_NEAR(std::get<double>(*evidenceOf(*stalled, "invested_share")), 0.15, 0.01);
    const Finding* lowTax = findingOf(result, "low_efficiency", 456 + fidOffset);
    ASSERT_NE(lowTax, nullptr);
    EXPECT_NEAR(std::get<double>(*evidenceOf(*lowTax, "tax_per_mu_wan")), 4.2, 0.05);
}

} // namespace

TEST(AuditSampleTest, GeoPackageGivesExactlyThePlantedCases)
{
    expectSampleFindings(std::string(PARKATLAS_SAMPLE_DIR) + "/park.gpkg", 0);
}

TEST(AuditSampleTest, GbkShapefilesWithAliasesGiveTheSameCases)
{
    // Shapefile FIDs start at 0: fid = GeoPackage fid − 1.
    expectSampleFindings(std::string(PARKATLAS_SAMPLE_DIR) + "/shp.parkatlas.json", -1);
}

TEST(AuditSampleTest, TheNearMissStoppedInDecemberIsNotIdleYet)
{
    IssueList issues;
    const Park park = loadPark(discoverPark(std::string(PARKATLAS_SAMPLE_DIR) + "/park.gpkg"),
                               {{Role::Parcels, Role::Buildings}, {}}, issues);
    AuditOptions options;
    options.asOf = day("2026-12-20");
    const AuditResult later = runAudit(park, options, issues);
    EXPECT_NE(findingOf(later, "idle_stalled", 357), nullptr)
        << "QL2023-014 a year after 2025-12-20";
    options.asOf = day("2026-12-19");
    EXPECT_EQ(findingOf(runAudit(park, options, issues), "idle_stalled", 357), nullptr);
}
