// One class across land-use systems (LandUseClassification::sameClassKey, which the map
// legends and area tables group by) and the ballpark-transform warning read back
// (geo/crs/ballpark.h), which loadPark records on the layer for the maps' footnote.

#include "geo/crs/ballpark.h"
#include "geo/crs/crs.h"
#include "geo/io/park_source.h"
#include "geo/issue.h"
#include "geo/model/land_use_classification.h"

#include <gtest/gtest.h>

#include <filesystem>

using namespace parkatlas::geo;

namespace {

std::string keyOf(const std::string& code, const LandUseSystems& systems)
{
    return LandUseClassification::standard().sameClassKey(code, systems);
}

} // namespace

TEST(SameClassTest, CodesTheCrosswalkCallsTheSameShareOneKey)
{
    const LandUseSystems plan = {kGb50137, kGtkj2023}; // a 控规 mixing letters and numbers
    EXPECT_EQ(keyOf("M1", plan), keyOf("100101", plan));
    EXPECT_EQ(keyOf("B1", plan), keyOf("0901", plan));
    EXPECT_EQ(keyOf("m1a", plan), keyOf("100101", plan)); // the 控规 suffix is the class
    // A plan in GB 50137 and a cadastre in GB/T 21010 meet in GTKJ-2023: M = 1001 = 0601.
    EXPECT_EQ(keyOf("M", {kGb50137}), keyOf("0601", {kGbt21010}));
    EXPECT_EQ(keyOf("B11", {kGb50137}), keyOf("0501", {kGbt21010}));
}

TEST(SameClassTest, RelatedButNotTheSameClassesKeepKeysOfTheirOwn)
{
    const LandUseSystems plan = {kGb50137, kGtkj2023};
    EXPECT_NE(keyOf("M1", plan), keyOf("M2", plan));
    EXPECT_NE(keyOf("M1", plan), keyOf("1001", plan)); // a child is not its parent
    // R2 is broader than 070102 (it also holds R22): not merged.
    EXPECT_NE(keyOf("R2", plan), keyOf("070102", plan));
    // 0601 means 工业用地 in GB/T 21010 and 乡村道路用地 in GTKJ-2023: never the same key.
    EXPECT_NE(keyOf("0601", {kGbt21010}), keyOf("0601", {kGtkj2023}));
    // A code read in two systems where it means different things, a mixed code, an unknown
    // code: a key that matches nothing else.
    EXPECT_EQ(keyOf("0601", {kGbt21010, kGtkj2023}).rfind("? ", 0), 0u);
    EXPECT_EQ(keyOf("B1/R2", plan).rfind("? ", 0), 0u);
    EXPECT_EQ(keyOf("ZZ9", plan).rfind("? ", 0), 0u);
    EXPECT_NE(keyOf("ZZ9", plan), keyOf("ZZ8", plan));
}

TEST(BallparkTest, TheWarningNamesTheSourceCrsAndLoadParkRecordsItOnTheLayer)
{
    const Crs xian = Crs::fromEpsg(2383);
    const Crs cgcs = Crs::fromEpsg(4547);
    Issue issue{Issue::Severity::Warning, "protected.shp", "protected", -1,
                ballparkWarning(xian, cgcs)};
    issue.kind = Issue::Kind::BallparkTransform; // as readLayer makes it
    ASSERT_TRUE(isBallparkWarning(issue));
    EXPECT_EQ(ballparkSource(issue), xian.name() + " (" + xian.label() + ")");
    EXPECT_EQ(ballparkSource({Issue::Severity::Warning, {}, {}, -1, "ring is not closed"}), "");

    const std::string project = PARKATLAS_SOURCE_DIR "/data/sample/shp.parkatlas.json";
    if (!std::filesystem::exists(project))
        GTEST_SKIP() << "sample park not generated";
    IssueList issues;
    ParkLoadOptions load;
    load.roles = {Role::Parcels, Role::Protected};
    const Park park = loadPark(discoverPark(project), load, issues);
    ASSERT_NE(park.layer(Role::Protected), nullptr);
    EXPECT_EQ(park.layer(Role::Protected)->ballparkFrom, xian.name() + " (" + xian.label() + ")");
    EXPECT_EQ(park.layer(Role::Parcels)->ballparkFrom, "");
    // The warning itself still reaches the caller.
    std::size_t warnings = 0;
    for (const Issue& reported : issues.issues())
        warnings += isBallparkWarning(reported) ? 1 : 0;
    EXPECT_EQ(warnings, 1u);
}
