// The spill of findings to disk (geo/rules/finding_spill.h): what a check streams its findings
// through must give back the same findings, in the same order, to every writer and total as the
// list in memory.

#include "geo/error.h"
#include "geo/io/json_writer.h"
#include "geo/io/park_source.h"
#include "geo/issue.h"
#include "geo/rules/compliance.h"
#include "geo/rules/finding_spill.h"
#include "geo/rules/findings_io.h"
#include "geo/rules/findings_total.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>

using namespace parkatlas::geo;

namespace {

const std::string kSample = PARKATLAS_SAMPLE_DIR;

Finding made(std::string rule, std::string layer, std::vector<std::int64_t> fids,
             std::string reasonEn)
{
    Finding f;
    f.rule = std::move(rule);
    f.layer = std::move(layer);
    f.fids = std::move(fids);
    f.reasonEn = std::move(reasonEn);
    f.reasonZh = "理由 " + f.reasonEn;
    return f;
}

std::string bytesOf(const Finding& f)
{
    return encodeFinding(f);
}

std::string csvOf(const FindingSource& findings)
{
    std::ostringstream out;
    writeFindingsCsv(out, findings);
    return out.str();
}

std::string jsonOf(const FindingSource& findings, const Crs& crs)
{
    std::ostringstream out;
    {
        JsonWriter json(out, true);
        json.beginObject();
        json.key("findings");
        writeFindingsJson(json, findings);
        writeFindingsSummaryJson(json, totalsOfFindings(findings, crs));
        json.endObject();
    }
    return out.str();
}

std::string tableOf(const FindingSource& findings, const Crs& crs)
{
    std::ostringstream out;
    writeFindingsTable(out, findings, totalsOfFindings(findings, crs));
    return out.str();
}

} // namespace

TEST(FindingSpillTest, AFindingReadBackIsTheSameByteForByte)
{
    Finding f = made("road_red_line", "parcels", {12, 7}, "parcels P-1: 2.50 mu inside");
    f.featureId = "P-1";
    f.areaMu = 2.5;
    f.clause = "道路红线（控规）";
    f.evidence = {{"roads", std::string("金港大道")}, {"inside_m2", 1666.5}, {"width_m", {}}};
    f.geometryWkb = {1, 3, 0, 0, 0, 0, 0, 0, 0};
    Finding back;
    const std::string bytes = encodeFinding(f);
    decodeFinding(bytes.data(), bytes.size(), back);
    EXPECT_EQ(back.rule, f.rule);
    EXPECT_EQ(back.fids, f.fids);
    EXPECT_EQ(back.featureId, "P-1");
    EXPECT_EQ(back.areaMu, 2.5);
    EXPECT_EQ(std::get<double>(back.evidence[1].value), 1666.5);
    EXPECT_TRUE(std::holds_alternative<std::monostate>(back.evidence[2].value));
    EXPECT_EQ(back.geometryWkb, f.geometryWkb);
    EXPECT_EQ(encodeFinding(back), bytes);

    Finding unknown = made("duplicate_id", "parcels", {}, "no area");
    const std::string unknownBytes = encodeFinding(unknown);
    decodeFinding(unknownBytes.data(), unknownBytes.size(), back);
    EXPECT_TRUE(std::isnan(back.areaMu));
    EXPECT_TRUE(back.fids.empty());
    EXPECT_THROW(decodeFinding(bytes.data(), bytes.size() - 1, back), IoError);
}

TEST(FindingSpillTest, SortsAsTheListSortsTiesIncluded)
{
    // Ties past the keys kept in memory: more than two fids, equal fids with different reasons,
    // cannot_decide of several rules on one plot, unknown rules and layers, fid lists that are
    // prefixes of each other.
    std::vector<Finding> list = {
        made(kCannotDecide, "parcels", {5}, "parcels fid 5: road_red_line cannot decide"),
        made("duplicate_id", "parcels", {9, 3, 4}, "parcel_id A is used by 3 plots"),
        made("duplicate_id", "parcels", {9, 3, 1}, "parcel_id B is used by 3 plots"),
        made("duplicate_id", "parcels", {9, 3}, "parcel_id C is used by 2 plots"),
        made("overlapping_parcels", "parcels", {4, 8}, "b"),
        made("overlapping_parcels", "parcels", {4, 8}, "a"),
        made("overlapping_parcels", "parcels", {4}, "z"),
        made(kCannotDecide, "parcels", {5}, "parcels fid 5: intensity_below_standard cannot"),
        made("land_use_too_coarse", "parcels", {2}, "coarse"),
        made("land_use_mismatch", "expansion", {1}, "expansion"),
        made("land_use_mismatch", "parcels", {3}, "mismatch"),
        made("no_such_rule", "somewhere", {1}, "unknown"),
        made(kCannotDecide, "roads", {1}, "roads fid 1"),
        made("road_red_line", "parcels", {-1}, "negative fid"),
        made("road_red_line", "parcels", {}, "no fid"),
    };
    FindingSpill spill;
    for (const Finding& f : list)
        spill.add(f);
    EXPECT_GT(spill.bytes(), 0u);
    sortComplianceFindings(list);
    spill.sortForCompliance();
    ASSERT_EQ(spill.size(), list.size());
    Finding scratch;
    for (std::size_t i = 0; i < list.size(); ++i)
        EXPECT_EQ(bytesOf(spill.at(i, scratch)), bytesOf(list[i]))
            << i << ": " << list[i].rule << " " << list[i].reasonEn;
    // The rule from the key (what the totals group the findings by) is the finding's own, for
    // known and unknown rules alike, and the list answers the same.
    const FindingList listed(list);
    for (std::size_t i = 0; i < list.size(); ++i) {
        EXPECT_EQ(spill.ruleOf(i, scratch), list[i].rule) << i;
        EXPECT_EQ(listed.ruleOf(i, scratch), list[i].rule) << i;
    }
}

TEST(FindingSpillTest, SpilledCheckOfTheSampleParkWritesWhatTheListWrites)
{
    IssueList issues;
    const Park park = loadPark(discoverPark(kSample + "/park.gpkg"), {}, issues);
    ASSERT_EQ(issues.count(Issue::Severity::Error), 0u);
    ComplianceOptions inMemory;
    const ComplianceResult listed = checkCompliance(park, inMemory, issues);
    ASSERT_GT(listed.findings.size(), 10u);

    FindingSpill spill;
    ComplianceOptions spilled;
    spilled.spill = &spill;
    const ComplianceResult streamed = checkCompliance(park, spilled, issues);
    EXPECT_TRUE(streamed.findings.empty()) << "the spill holds them";
    EXPECT_EQ(streamed.rulesRun, listed.rulesRun);
    ASSERT_EQ(spill.size(), listed.findings.size());
    Finding scratch;
    for (std::size_t i = 0; i < spill.size(); ++i)
        EXPECT_EQ(bytesOf(spill.at(i, scratch)), bytesOf(listed.findings[i]))
            << i << ": " << listed.findings[i].rule << " " << listed.findings[i].reasonEn;

    const FindingList list(listed.findings);
    EXPECT_EQ(csvOf(spill), csvOf(list));
    EXPECT_EQ(jsonOf(spill, park.crs), jsonOf(list, park.crs));
    EXPECT_EQ(tableOf(spill, park.crs), tableOf(list, park.crs));
}
