// 标准地 (standard_land_shortfall, the standard_land ledger) and 批而未供
// (approved_not_supplied) on small hand-made parks.

#include "geo/error.h"
#include "geo/issue.h"
#include "geo/ledger/ledgers.h"
#include "geo/model/park.h"
#include "geo/rules/audit.h"
#include "geo/rules/audit_rules.h"
#include "tests/support/scratch_dir.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

using namespace parkatlas::geo;

namespace {

Date day(const char* iso)
{
    return *Date::parse(iso);
}

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

using Fields = std::map<std::string, std::string>;

/// Parcels 100 m × 300 m (30000 m² = 45 mu, planar) side by side in EPSG:4547, fields as text.
ParkLayer makeLayer(Role role, const std::vector<std::string>& names,
                    const std::vector<Fields>& rows, const std::vector<std::array<double, 4>>& boxes)
{
    ParkLayer layer;
    layer.role = role;
    const auto built = std::make_shared<Layer>(); // filled here, shared by the park layer
    layer.layer = built;
    built->name = toString(role);
    built->sourcePath = std::string("test/") + toString(role) + ".gpkg";
    built->crs = Crs::fromEpsg(4547);
    built->geometry.setKind(GeometryKind::Polygon);
    std::vector<FieldDef> defs;
    for (const std::string& name : names)
        defs.push_back({name, FieldType::String});
    built->attributes.setFields(defs);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        addRectangle(built->geometry, boxes[i][0], boxes[i][1], boxes[i][2], boxes[i][3]);
        built->fids.push_back(static_cast<std::int64_t>(i + 1));
        for (std::size_t f = 0; f < names.size(); ++f) {
            const auto it = rows[i].find(names[f]);
            built->attributes.setText(static_cast<int>(f), it == rows[i].end() ? "" : it->second);
        }
        built->attributes.commitRow();
    }
    layer.fieldIndex = resolveContractFields(role, layer.layer->attributes);
    return layer;
}

const std::vector<std::string> kParcelFields = {
    "parcel_id", "supply_dt", "agr_finish", "status", "invested", "floor_area", "tax",
    "value_add", "energy_tce", "rd_share", "sl_invest", "sl_far", "sl_tax", "sl_value",
    "sl_energy", "sl_rd", "op_years"};

Park parkOf(const std::vector<Fields>& plots)
{
    Park park;
    park.name = "test";
    park.crs = Crs::fromEpsg(4547);
    std::vector<std::array<double, 4>> boxes;
    for (std::size_t i = 0; i < plots.size(); ++i)
        boxes.push_back({500000 + 200.0 * static_cast<double>(i), 3375000, 100, 300});
    park.layers.push_back(makeLayer(Role::Parcels, kParcelFields, plots, boxes));
    return park;
}

/// A plot of 45 mu past its period on 2026-06-30 (agr_finish 2022-06-30 + 3 years), with every
/// target met: 投资强度 450 万元/亩 (20250 万元), 容积率 1.2 (36000 m²), 亩均税收 23.08 万元/亩
/// exactly (1038.6 万元), 亩均增加值 116.5 (5242.5 万元), 能耗 0.5 吨标煤/万元 (2621.25 吨),
/// R&D 3.2 %.
Fields meetsEverything(const char* id)
{
    return {{"parcel_id", id},        {"supply_dt", "2021-03-01"}, {"agr_finish", "2022-06-30"},
            {"status", "已投产"},      {"invested", "20250"},        {"floor_area", "36000"},
            {"tax", "1038.6"},         {"value_add", "5242.5"},      {"energy_tce", "2621.25"},
            {"rd_share", "3.2"},       {"sl_invest", "450"},         {"sl_far", "1.2"},
            {"sl_tax", "23.08"},       {"sl_value", "116.5"},        {"sl_energy", "0.5"},
            {"sl_rd", "3.2%"},         {"op_years", "3"}};
}

/// The audit's settings with the idle-land rules off: these parks carry only what the two rules
/// here read, and the idle rules would say they cannot decide.
AuditRules newRulesOnly()
{
    AuditRules rules;
    rules.notStartedEnabled = rules.stalledEnabled = rules.lowCoverageEnabled =
        rules.lowEfficiencyEnabled = false;
    return rules;
}

AuditResult audit(const Park& park, const char* asOf, IssueSink& issues,
                  AuditRules rules = newRulesOnly())
{
    AuditOptions options;
    options.asOf = day(asOf);
    options.rules = rules;
    options.areaMethod = AreaMethod::Planar;
    options.threads = 1;
    return runAudit(park, options, issues);
}

std::vector<const Finding*> findingsOf(const AuditResult& result, const std::string& rule)
{
    std::vector<const Finding*> out;
    for (const Finding& f : result.findings)
        if (f.rule == rule)
            out.push_back(&f);
    return out;
}

const EvidenceValue* evidence(const Finding& f, const std::string& name)
{
    for (const Evidence& e : f.evidence)
        if (e.name == name)
            return &e.value;
    return nullptr;
}

} // namespace

TEST(StandardLandTest, PlotMeetingEveryTargetGivesNoFinding)
{
    NullIssueSink issues;
    const AuditResult result = audit(parkOf({meetsEverything("SL-1")}), "2026-06-30", issues);
    EXPECT_TRUE(result.findings.empty()) << result.findings.front().reasonZh;
    ASSERT_EQ(result.standardLand.size(), 1u);
    const StandardLandPlot& plot = result.standardLand[0];
    EXPECT_TRUE(plot.contract);
    EXPECT_EQ(plot.period, StandardLandPlot::Period::Past);
    EXPECT_EQ(plot.periodEnd->toIso(), "2025-06-30");
    ASSERT_EQ(plot.checks.size(), 6u);
    for (const StandardLandCheck& check : plot.checks)
        EXPECT_EQ(check.state, StandardLandCheck::State::Met) << check.target->key;
}

TEST(StandardLandTest, PlotMissingByOneTargetNamesTheFigureAndTheContractValue)
{
    Fields plot = meetsEverything("SL-2");
    plot["tax"] = "819"; // 18.2 万元/亩 × 45 mu
    NullIssueSink issues;
    const AuditResult result = audit(parkOf({plot}), "2026-06-30", issues);
    const auto found = findingsOf(result, "standard_land_shortfall");
    ASSERT_EQ(found.size(), 1u);
    const Finding& f = *found.front();
    EXPECT_EQ(f.featureId, "SL-2");
    EXPECT_NE(f.reasonZh.find("亩均税收 18.20 万元/亩 < 合同 23.08 万元/亩"), std::string::npos)
        << f.reasonZh;
    // Only the missed target is named as missed.
    EXPECT_EQ(f.reasonZh.find("投资强度 450"), std::string::npos) << f.reasonZh;
    EXPECT_NE(f.reasonZh.find("2025-06-30 届满"), std::string::npos) << f.reasonZh;
    EXPECT_NE(f.clause.find("浙政办发〔2018〕73号"), std::string::npos);
    EXPECT_NE(f.clause.find("DB33/T 2172-2018"), std::string::npos);
    EXPECT_NE(f.clause.find("合同"), std::string::npos);
    EXPECT_EQ(std::get<std::string>(*evidence(f, "tax_per_mu_state")), "missed");
    EXPECT_NEAR(std::get<double>(*evidence(f, "tax_per_mu_actual")), 18.2, 1e-9);
    EXPECT_DOUBLE_EQ(std::get<double>(*evidence(f, "tax_per_mu_contract")), 23.08);
    EXPECT_EQ(std::get<std::string>(*evidence(f, "far_state")), "met");
    EXPECT_NEAR(f.areaMu, 45.0, 1e-9);
}

TEST(StandardLandTest, EnergyIsATargetNotToExceed)
{
    Fields plot = meetsEverything("SL-E");
    plot["energy_tce"] = "3145.5"; // 0.6 吨标煤/万元 of 5242.5 万元
    NullIssueSink issues;
    const AuditResult result = audit(parkOf({plot}), "2026-06-30", issues);
    const auto found = findingsOf(result, "standard_land_shortfall");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_NE(found.front()->reasonZh.find("单位增加值能耗 0.60 吨标煤/万元 > 合同 0.50 吨标煤/万元"),
              std::string::npos)
        << found.front()->reasonZh;
}

TEST(StandardLandTest, PlotInsideItsOperatingPeriodIsNotAFindingButIsListed)
{
    Fields plot = meetsEverything("SL-3");
    plot["tax"] = "100"; // far under the target, but the period runs to 2027-06-30
    plot["agr_finish"] = "2024-06-30";
    NullIssueSink issues;
    const AuditResult result = audit(parkOf({plot}), "2026-06-30", issues);
    EXPECT_TRUE(result.findings.empty());
    EXPECT_EQ(result.standardLand[0].period, StandardLandPlot::Period::Inside);

    LedgerOptions options;
    options.areaMethod = AreaMethod::Planar;
    options.asOf = day("2026-06-30");
    const Ledger ledger = buildLedger(parkOf({plot}), LedgerKind::StandardLand, options, issues);
    ASSERT_EQ(ledger.tables.size(), 2u);
    ASSERT_EQ(ledger.tables[0].rows.size(), 1u);
    const auto shown = ledger.tables[0].shown();
    EXPECT_EQ(shown[0][0], "SL-3");
    EXPECT_EQ(shown[0][6], "初始运营期内");
    EXPECT_EQ(shown[0][7], "初始运营期内");
}

TEST(StandardLandTest, PeriodEndsOnItsAnniversary)
{
    Fields plot = meetsEverything("SL-4");
    plot["tax"] = "819";
    NullIssueSink issues;
    EXPECT_TRUE(audit(parkOf({plot}), "2025-06-29", issues).findings.empty());
    EXPECT_EQ(findingsOf(audit(parkOf({plot}), "2025-06-30", issues), "standard_land_shortfall")
                  .size(),
              1u);
    // A period in months: 18 个月 from 2022-06-30 ends 2023-12-30.
    plot["op_years"] = "18个月";
    EXPECT_TRUE(audit(parkOf({plot}), "2023-12-29", issues).findings.empty());
    EXPECT_EQ(findingsOf(audit(parkOf({plot}), "2023-12-30", issues), "standard_land_shortfall")
                  .size(),
              1u);
}

TEST(StandardLandTest, UnknownActualIsNamedAndNeverTakenAsZero)
{
    Fields plot = meetsEverything("SL-5");
    plot["value_add"] = "xx"; // 亩均增加值 and the energy per added value are unknown
    NullIssueSink issues;
    AuditResult result = audit(parkOf({plot}), "2026-06-30", issues);
    EXPECT_TRUE(findingsOf(result, "standard_land_shortfall").empty());
    auto undecided = findingsOf(result, "cannot_decide");
    ASSERT_EQ(undecided.size(), 1u);
    EXPECT_NE(std::get<std::string>(*evidence(*undecided.front(), "needs"))
                  .find("standard_land_shortfall needs value_add"),
              std::string::npos);

    // With another target missed it is a finding, and the unknown one is named as unknown.
    plot["tax"] = "819";
    result = audit(parkOf({plot}), "2026-06-30", issues);
    const auto found = findingsOf(result, "standard_land_shortfall");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_NE(found.front()->reasonZh.find("亩均增加值（合同 116.50 万元/亩）：实际值未知"),
              std::string::npos)
        << found.front()->reasonZh;
    EXPECT_EQ(std::get<std::string>(*evidence(*found.front(), "value_per_mu_state")),
              "unknown_actual");
    EXPECT_TRUE(std::holds_alternative<std::monostate>(
        *evidence(*found.front(), "value_per_mu_actual")));
}

TEST(StandardLandTest, TargetInAnUnknownUnitIsNamedNeverGuessed)
{
    Fields plot = meetsEverything("SL-6");
    plot["sl_tax"] = "23.08 美元/亩";
    plot["sl_invest"] = "6750 万元/公顷"; // a known unit: 450 万元/亩
    IssueList issues;
    const AuditResult result = audit(parkOf({plot}), "2026-06-30", issues);
    ASSERT_EQ(result.standardLand.size(), 1u);
    const auto& checks = result.standardLand[0].checks;
    EXPECT_EQ(checks[0].state, StandardLandCheck::State::Met);
    EXPECT_DOUBLE_EQ(checks[0].contract, 450);
    EXPECT_EQ(checks[2].state, StandardLandCheck::State::UnknownUnit);
    EXPECT_TRUE(std::isnan(checks[2].contract));
    bool named = false;
    for (const Issue& issue : issues.issues())
        if (issue.messageId == "standard_land_unknown_unit") {
            named = true;
            EXPECT_EQ(issue.path, "test/parcels.gpkg");
            EXPECT_EQ(issue.layer, "parcels");
            EXPECT_EQ(issue.fid, 1);
            EXPECT_NE(issue.message.find("sl_tax"), std::string::npos) << issue.message;
            EXPECT_NE(issue.message.find("美元/亩"), std::string::npos) << issue.message;
        }
    EXPECT_TRUE(named);
    // Nothing else is missed: the plot cannot be decided, naming the target's field.
    const auto undecided = findingsOf(result, "cannot_decide");
    ASSERT_EQ(undecided.size(), 1u);
    EXPECT_NE(std::get<std::string>(*evidence(*undecided.front(), "needs")).find("sl_tax"),
              std::string::npos);
    EXPECT_TRUE(findingsOf(result, "standard_land_shortfall").empty());
}

TEST(StandardLandTest, PlotWithoutContractFieldsIsNoContractPlot)
{
    Fields plain = {{"parcel_id", "P-1"}, {"agr_finish", "2020-01-01"}, {"tax", "1"}};
    NullIssueSink issues;
    const AuditResult result = audit(parkOf({plain}), "2026-06-30", issues);
    EXPECT_TRUE(result.findings.empty());
    EXPECT_FALSE(result.standardLand[0].contract);
    LedgerOptions options;
    options.asOf = day("2026-06-30");
    options.areaMethod = AreaMethod::Planar;
    const Ledger ledger = buildLedger(parkOf({plain}), LedgerKind::StandardLand, options, issues);
    EXPECT_TRUE(ledger.tables[0].rows.empty());
}

TEST(StandardLandTest, ProjectFileGivesTheDefaultPeriodAndRefusesBadValues)
{
    const std::filesystem::path dir = parkatlas::test::scratch("standard_land_rules");
    const std::filesystem::path project = dir / "p.parkatlas.json";
    std::ofstream(project) << R"({"rules": {"standard_land_shortfall": {"period_years": 2},
        "approved_not_supplied": {"years": 3, "stages": ["已批"]}}})";
    AuditRules rules = loadAuditRules("", project.string());
    EXPECT_DOUBLE_EQ(rules.standardLandPeriodYears, 2);
    EXPECT_EQ(rules.approvedNotSuppliedYears, 3);
    EXPECT_EQ(rules.approvedStages, std::vector<std::string>{"已批"});
    rules.notStartedEnabled = rules.stalledEnabled = rules.lowCoverageEnabled =
        rules.lowEfficiencyEnabled = false;

    Fields plot = meetsEverything("SL-7");
    plot["op_years"] = "";
    plot["tax"] = "819";
    NullIssueSink issues;
    // Without a default the period is unknown: cannot_decide naming op_years.
    AuditResult result = audit(parkOf({plot}), "2026-06-30", issues);
    ASSERT_EQ(findingsOf(result, "cannot_decide").size(), 1u);
    EXPECT_NE(findingsOf(result, "cannot_decide").front()->reasonZh.find("初始运营期"),
              std::string::npos);
    result = audit(parkOf({plot}), "2026-06-30", issues, rules);
    ASSERT_EQ(findingsOf(result, "standard_land_shortfall").size(), 1u);
    EXPECT_EQ(result.standardLand[0].periodEnd->toIso(), "2024-06-30");

    std::ofstream(project) << R"({"rules": {"standard_land_shortfall": {"period_from": "x"}}})";
    EXPECT_THROW(loadAuditRules("", project.string()), IoError);
    std::ofstream(project) << R"({"rules": {"standard_land_shortfall": {"period_years": -1}}})";
    EXPECT_THROW(loadAuditRules("", project.string()), IoError);
}

namespace {

/// A 300 m × 300 m batch (135 mu) approved on `approved`, and two plots inside it: the west
/// one (45 mu) supplied 2025-01-10, the middle one (45 mu) supplied `middleSupply`.
Park batchPark(const char* approved, const char* stage, const char* middleSupply)
{
    Park park;
    park.name = "test";
    park.crs = Crs::fromEpsg(4547);
    park.layers.push_back(makeLayer(
        Role::Parcels, {"parcel_id", "supply_dt"},
        {{{"parcel_id", "W"}, {"supply_dt", "2025-01-10"}},
         {{"parcel_id", "M"}, {"supply_dt", middleSupply}}},
        {{{500000, 3375000, 100, 300}}, {{500100, 3375000, 100, 300}}}));
    park.layers.push_back(makeLayer(Role::Acquisition, {"batch_id", "stage", "appr_date"},
                                    {{{"batch_id", "ZD-1"}, {"stage", stage},
                                      {"appr_date", approved}}},
                                    {{{500000, 3375000, 300, 300}}}));
    return park;
}

} // namespace

TEST(ApprovedNotSuppliedTest, BatchUnsuppliedAtTheEndOfItsPeriodIsAFinding)
{
    NullIssueSink issues;
    const Park park = batchPark("2024-06-30", "已批", "2026-09-01");
    // The day before the two years are over: nothing.
    EXPECT_TRUE(findingsOf(audit(park, "2026-06-29", issues), "approved_not_supplied").empty());
    const AuditResult result = audit(park, "2026-06-30", issues);
    const auto found = findingsOf(result, "approved_not_supplied");
    ASSERT_EQ(found.size(), 1u);
    const Finding& f = *found.front();
    EXPECT_EQ(f.layer, "acquisition");
    EXPECT_EQ(f.featureId, "ZD-1");
    // The middle plot is supplied only after the audit date: 90 of 135 mu are unsupplied.
    EXPECT_NEAR(f.areaMu, 90.0, 1e-6);
    EXPECT_EQ(std::get<std::string>(*evidence(f, "period_end")), "2026-06-30");
    EXPECT_NE(f.reasonZh.find("2026-06-30 届满"), std::string::npos) << f.reasonZh;
    EXPECT_NE(f.reasonZh.find("90.00 亩 未供应"), std::string::npos) << f.reasonZh;
    EXPECT_NE(f.clause.find("自然资规〔2018〕1号"), std::string::npos);
    EXPECT_FALSE(f.geometryWkb.empty());
    // Once the middle plot is supplied, 45 mu are left.
    const AuditResult laterResult = audit(park, "2026-09-01", issues); // the findings point into it
    const auto later = findingsOf(laterResult, "approved_not_supplied");
    ASSERT_EQ(later.size(), 1u);
    EXPECT_NEAR(later.front()->areaMu, 45.0, 1e-6);
}

TEST(ApprovedNotSuppliedTest, SuppliedBatchAndOtherStagesAreNoFindings)
{
    NullIssueSink issues;
    EXPECT_TRUE(findingsOf(audit(batchPark("2020-01-01", "已供地", "2021-01-01"), "2026-06-30",
                                 issues),
                           "approved_not_supplied")
                    .empty());
    EXPECT_TRUE(findingsOf(audit(batchPark("2020-01-01", "报征", "2021-01-01"), "2026-06-30",
                                 issues),
                           "approved_not_supplied")
                    .empty());
}

TEST(ApprovedNotSuppliedTest, UnknownApprovalDateOrSupplyDateIsNeverGuessed)
{
    NullIssueSink issues;
    AuditResult result = audit(batchPark("", "已批", "2021-01-01"), "2026-06-30", issues);
    EXPECT_TRUE(findingsOf(result, "approved_not_supplied").empty());
    auto undecided = findingsOf(result, "cannot_decide");
    ASSERT_EQ(undecided.size(), 1u);
    EXPECT_EQ(undecided.front()->layer, "acquisition");
    EXPECT_NE(undecided.front()->reasonZh.find("批准日期"), std::string::npos);

    // The middle plot's supply date is masked: 45 mu certain, 45 mu unknown, named.
    result = audit(batchPark("2020-01-01", "已批", "xx"), "2026-06-30", issues);
    const auto found = findingsOf(result, "approved_not_supplied");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_NEAR(found.front()->areaMu, 45.0, 1e-6);
    EXPECT_NEAR(std::get<double>(*evidence(*found.front(), "supply_unknown_mu")), 45.0, 1e-6);
    EXPECT_NE(found.front()->reasonZh.find("供地日期不详的宗地 M"), std::string::npos);
}

TEST(StandardLandLedgerTest, ListsEveryContractPlotWithEachTarget)
{
    Fields missed = meetsEverything("SL-B");
    missed["tax"] = "819";
    Fields inside = meetsEverything("SL-C");
    inside["agr_finish"] = "2025-01-01";
    const Park park = parkOf({meetsEverything("SL-A"), missed, inside,
                              {{"parcel_id", "plain"}, {"tax", "5"}}});
    LedgerOptions options;
    options.areaMethod = AreaMethod::Planar;
    options.asOf = day("2026-06-30");
    NullIssueSink issues;
    const Ledger ledger = buildLedger(park, LedgerKind::StandardLand, options, issues);
    EXPECT_EQ(ledger.kind, "standard_land");
    const LedgerTable& plots = ledger.tables[0];
    ASSERT_EQ(plots.rows.size(), 3u);
    const auto shown = plots.shown();
    auto column = [&](const std::string& key) {
        for (std::size_t c = 0; c < plots.columns.size(); ++c)
            if (plots.columns[c].key == key)
                return c;
        ADD_FAILURE() << key;
        return std::size_t(0);
    };
    EXPECT_EQ(shown[0][column("result")], "全部达标");
    EXPECT_EQ(shown[1][column("result")], "未达标（1 项）");
    EXPECT_EQ(shown[1][column("tax_per_mu_actual")], "18.20");
    EXPECT_EQ(shown[1][column("tax_per_mu_contract")], "23.08");
    EXPECT_EQ(shown[1][column("tax_per_mu_state")], "未达标");
    EXPECT_EQ(shown[1][column("far_state")], "达标");
    EXPECT_EQ(shown[2][column("period")], "初始运营期内");
    EXPECT_EQ(shown[2][column("tax_per_mu_state")], "—");
    EXPECT_EQ(shown[3][column("area_mu")], "135.00"); // the total row
    const LedgerTable& states = ledger.tables[1];
    ASSERT_EQ(states.rows.size(), 3u);
    EXPECT_EQ(std::get<std::string>(states.rows[0][0]), "已满·全部达标");
    EXPECT_EQ(std::get<std::string>(states.rows[1][0]), "已满·未达标");
    EXPECT_EQ(std::get<std::string>(states.rows[2][0]), "初始运营期内");
}
