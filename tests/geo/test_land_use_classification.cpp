// Land-use classifications (geo/model/land_use_classification.h): the four systems' tables, the
// codes that collide between them judged in each declared system, the crosswalk, detection on
// real code sets, and the bad inputs (unknown system, empty table file).

#include "geo/error.h"
#include "geo/model/land_use_classification.h"
#include "tests/support/scratch_dir.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

using namespace parkatlas::geo;
namespace fs = std::filesystem;

namespace {

const LandUseClassification& table()
{
    return LandUseClassification::standard();
}

const LandUseSystems kCadastre = {kGbt21010};
const LandUseSystems kSurvey = {kTddc3};
const LandUseSystems kGb = {kGb50137};
const LandUseSystems kGtkj = {kGtkj2023};

LandUseVerdict verdict(const std::string& parcel, const LandUseSystems& parcelSystems,
                       const std::string& zone, const LandUseSystems& zoneSystems)
{
    return table().judge(parcel, parcelSystems, zone, zoneSystems).verdict;
}

std::size_t countOf(const std::string& system, bool topLevel)
{
    std::size_t n = 0;
    for (const LandUseClass& c : table().classes())
        if (c.system == system && !c.attribute && c.parent.empty() == topLevel)
            ++n;
    return n;
}

fs::path tempDir(const std::string& name)
{
    return parkatlas::test::scratch(name);
}

} // namespace

TEST(LandUseTablesTest, Gbt21010HasItsTwelveFirstAndSeventyThreeSecondLevelClasses)
{
    EXPECT_EQ(countOf(kGbt21010, true), 12u);
    EXPECT_EQ(countOf(kGbt21010, false), 73u);
    EXPECT_EQ(table().nameOf("0601", kGbt21010), "工业用地");
    EXPECT_EQ(table().nameOf("1001", kGbt21010), "铁路用地");
    EXPECT_EQ(table().nameOf("0303", kGbt21010), "红树林地");
    EXPECT_EQ(table().find("1003", kGbt21010)->parent, "10");
}

TEST(LandUseTablesTest, TheThirdSurveyVariantHasItsWorkingClassesAndTownAttributes)
{
    for (const char* code : {"201", "202", "203", "204", "205"}) {
        const LandUseClass* c = table().find(code, kTddc3);
        ASSERT_NE(c, nullptr) << code;
        EXPECT_TRUE(c->attribute) << code;
        EXPECT_EQ(c->parent, "20");
    }
    EXPECT_EQ(table().nameOf("0101", kTddc3), "水田");
    EXPECT_EQ(table().nameOf("05H1", kTddc3), "商业服务业设施用地");
    EXPECT_EQ(table().nameOf("08h2a", kTddc3), "高教用地") << "case-insensitive";
    EXPECT_EQ(table().find("0603", kTddc3)->parent, "00") << "三调 puts 盐田 under 湿地";
    EXPECT_EQ(table().find("0201K", kTddc3)->parent, "0201");
}

TEST(LandUseTablesTest, EverySystemHasNamesColoursAndParentsThatExist)
{
    std::set<std::string> systems;
    for (const LandUseClass& c : table().classes()) {
        systems.insert(c.system);
        EXPECT_FALSE(c.name.empty()) << c.system << " " << c.code;
        EXPECT_EQ(c.colour.size(), 7u) << c.system << " " << c.code;
        EXPECT_EQ(c.colour[0], '#') << c.system << " " << c.code;
        if (!c.parent.empty())
            EXPECT_NE(table().find(c.parent, c.system), nullptr) << c.system << " " << c.code;
    }
    EXPECT_EQ(systems, std::set<std::string>(landUseSystemIds().begin(), landUseSystemIds().end()));
    EXPECT_EQ(countOf(kGtkj2023, true), 24u) << "用地用海 01–24";
}

TEST(LandUseTablesTest, TheSystemLessLookupStillFindsCodesForCallersWithoutASystem)
{
    // The CAD/VCT importer recognises codes in texts without knowing a system.
    ASSERT_NE(table().find("M1"), nullptr);
    EXPECT_EQ(table().find("M1")->system, kGb50137);
    ASSERT_NE(table().find("100101"), nullptr);
    EXPECT_EQ(table().find("100101")->name, "一类工业用地");
    ASSERT_NE(table().find("05H1"), nullptr) << "a code only 三调 has";
    EXPECT_EQ(table().find("M1a")->code, "M1") << "a 控规 suffix";
    EXPECT_EQ(table().find("XYZ"), nullptr);
}

TEST(LandUseSystemTest, UnknownSystemNamesAreRefusedWithTheKnownOnes)
{
    EXPECT_EQ(landUseSystemFromString("GB/T 21010-2017"), kGbt21010);
    try {
        landUseSystemFromString("GB21010");
        FAIL() << "accepted an unknown system";
    } catch (const Error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("GB21010"), std::string::npos) << what;
        for (const std::string& id : landUseSystemIds())
            EXPECT_NE(what.find(id), std::string::npos) << what;
    }
}

TEST(LandUseSystemTest, AnEmptyOrBrokenTableFileIsAnErrorNamingTheFile)
{
    const fs::path dir = tempDir("landuse_table_bad");
    const fs::path empty = dir / "empty.json";
    std::ofstream(empty).close();
    const fs::path noClasses = dir / "no_classes.json";
    std::ofstream(noClasses) << R"({"classes": []})";
    const fs::path badSystem = dir / "bad_system.json";
    std::ofstream(badSystem) << R"({"classes": [{"code": "M1", "system": "GB50137"}]})";
    for (const fs::path& path : {empty, noClasses, badSystem}) {
        try {
            LandUseClassification::load(path.string());
            FAIL() << path << " was accepted";
        } catch (const IoError& e) {
            EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
        }
    }
}

// -- collisions: the same code, judged in each declared system ------------------------------

TEST(LandUseCollisionTest, Code0601IsIndustryInTheCadastreAndARuralRoadIn2023)
{
    EXPECT_EQ(verdict("0601", kCadastre, "M", kGb), LandUseVerdict::Fits);
    EXPECT_EQ(verdict("0601", kSurvey, "M", kGb), LandUseVerdict::Fits);
    EXPECT_EQ(verdict("0601", kGtkj, "M", kGb), LandUseVerdict::Mismatch);
    EXPECT_EQ(verdict("0601", kCadastre, "M3", kGb), LandUseVerdict::TooCoarse);
    EXPECT_EQ(verdict("0601", kCadastre, "100102", kGtkj), LandUseVerdict::TooCoarse);
    EXPECT_EQ(verdict("0601", kGtkj, "06", kGtkj), LandUseVerdict::Fits);
}

TEST(LandUseCollisionTest, Code1001IsARailwayInTheCadastreAndIndustryIn2023)
{
    EXPECT_EQ(verdict("1001", kCadastre, "M", kGb), LandUseVerdict::Mismatch)
        << "a railway plot never passes in an industrial zone";
    EXPECT_EQ(verdict("1001", kCadastre, "1201", kGtkj), LandUseVerdict::Fits);
    EXPECT_EQ(verdict("1001", kCadastre, "H21", kGb), LandUseVerdict::Fits);
    EXPECT_EQ(verdict("1001", kGtkj, "M", kGb), LandUseVerdict::Fits);
    const LandUseJudgement coarse = table().judge("1001", kGtkj, "M3", kGb);
    EXPECT_EQ(coarse.verdict, LandUseVerdict::TooCoarse);
    EXPECT_EQ(coarse.required, "M3（三类工业用地）");
}

TEST(LandUseCollisionTest, EveryOtherCollidingCodeIsReadInItsOwnSystem)
{
    struct Case {
        const char* code;
        const char* zone;
        LandUseSystems zoneSystems;
        LandUseVerdict asCadastre, as2023;
    };
    const std::vector<Case> cases = {
        // 0701 城镇住宅用地 in both: the same answer.
        {"0701", "R", kGb, LandUseVerdict::Fits, LandUseVerdict::Fits},
        {"0701", "R2", kGb, LandUseVerdict::TooCoarse, LandUseVerdict::TooCoarse},
        // 1201 空闲地 / 铁路用地.
        {"1201", "1201", kGtkj, LandUseVerdict::Mismatch, LandUseVerdict::Fits},
        {"1201", "M", kGb, LandUseVerdict::Mismatch, LandUseVerdict::Mismatch},
        // 0501 零售商业用地 / 森林沼泽.
        {"0501", "B1", kGb, LandUseVerdict::Fits, LandUseVerdict::Mismatch},
        // 0801 机关团体用地 in both.
        {"0801", "A1", kGb, LandUseVerdict::Fits, LandUseVerdict::Fits},
        // 0901 军事设施用地 / 商业用地.
        {"0901", "B1", kGb, LandUseVerdict::Mismatch, LandUseVerdict::Fits},
        {"0901", "H41", kGb, LandUseVerdict::Fits, LandUseVerdict::Mismatch},
        // 1101 河流水面 / 物流仓储用地.
        {"1101", "W", kGb, LandUseVerdict::Mismatch, LandUseVerdict::Fits},
        {"1101", "E11", kGb, LandUseVerdict::Fits, LandUseVerdict::Mismatch},
        // 1202 设施农用地 / 公路用地.
        {"1202", "1202", kGtkj, LandUseVerdict::Mismatch, LandUseVerdict::Fits},
        {"1202", "06", kGtkj, LandUseVerdict::Fits, LandUseVerdict::Mismatch},
        // 0303 红树林地 / 灌木林地.
        {"0303", "03", kGtkj, LandUseVerdict::Mismatch, LandUseVerdict::Fits},
        {"0303", "05", kGtkj, LandUseVerdict::Fits, LandUseVerdict::Mismatch},
        // 0604 仓储用地 / 水产养殖设施建设用地.
        {"0604", "W1", kGb, LandUseVerdict::TooCoarse, LandUseVerdict::Mismatch},
        // 1003 公路用地 / 盐田.
        {"1003", "H22", kGb, LandUseVerdict::Fits, LandUseVerdict::Mismatch},
    };
    for (const Case& c : cases) {
        EXPECT_EQ(verdict(c.code, kCadastre, c.zone, c.zoneSystems), c.asCadastre)
            << c.code << " (GB/T 21010) in " << c.zone;
        EXPECT_EQ(verdict(c.code, kGtkj, c.zone, c.zoneSystems), c.as2023)
            << c.code << " (GTKJ-2023) in " << c.zone;
    }
}

TEST(LandUseCollisionTest, InAnAmbiguousLayerADifferingCodeIsNeverGuessed)
{
    const LandUseSystems ambiguous = {kGbt21010, kGtkj2023};
    const LandUseJudgement j = table().judge("0601", ambiguous, "M", kGb);
    EXPECT_EQ(j.verdict, LandUseVerdict::CannotDecide);
    EXPECT_NE(j.reasonEn.find("工业用地 in GB/T 21010-2017"), std::string::npos) << j.reasonEn;
    EXPECT_NE(j.reasonEn.find("乡村道路用地 in GTKJ-2023"), std::string::npos) << j.reasonEn;
    EXPECT_EQ(verdict("1001", ambiguous, "M", kGb), LandUseVerdict::CannotDecide);
    // Codes that mean the same in both are judged.
    EXPECT_EQ(verdict("0701", ambiguous, "R", kGb), LandUseVerdict::Fits);
    EXPECT_EQ(verdict("0101", ambiguous, "M", kGb), LandUseVerdict::Mismatch);
    EXPECT_EQ(table().nameOf("0601", ambiguous), "工业用地 (GB/T 21010-2017) / 乡村道路用地 (GTKJ-2023)");
    EXPECT_EQ(table().nameOf("0701", ambiguous), "城镇住宅用地");
}

TEST(LandUseCollisionTest, ACodeInNoSystemIsCannotDecideNamingTheCode)
{
    const LandUseJudgement j = table().judge("9999", kCadastre, "M", kGb);
    EXPECT_EQ(j.verdict, LandUseVerdict::CannotDecide);
    EXPECT_NE(j.reasonEn.find("9999"), std::string::npos) << j.reasonEn;
    EXPECT_EQ(verdict("100101", kCadastre, "M", kGb), LandUseVerdict::CannotDecide)
        << "GB/T 21010 has no six-digit codes";
    EXPECT_EQ(verdict("M1", kCadastre, "M", kGb), LandUseVerdict::CannotDecide);
    EXPECT_EQ(verdict("201", kSurvey, "M", kGb), LandUseVerdict::CannotDecide)
        << "城市 is a 城镇村 attribute, not a land use";
}

TEST(LandUseCollisionTest, SuffixedAndMixedControlPlanCodesAreJudgedPartByPart)
{
    EXPECT_EQ(LandUseClassification::normalise("M1a", kGb50137), "M1");
    EXPECT_EQ(LandUseClassification::normalise("r2-1", kGb50137), "R2");
    EXPECT_EQ(LandUseClassification::normalise("B29", kGb50137), "B29");
    EXPECT_EQ(verdict("M1a", kGb, "M", kGb), LandUseVerdict::Fits);
    EXPECT_EQ(verdict("R2-1", kGb, "R2", kGb), LandUseVerdict::Fits);
    EXPECT_EQ(verdict("B1/B2", kGb, "B", kGb), LandUseVerdict::Fits);
    EXPECT_EQ(verdict("B1/B2", kGb, "B1", kGb), LandUseVerdict::Mismatch);
    EXPECT_EQ(verdict("M1+W1", kGb, "M1", kGb), LandUseVerdict::Fits) << "M1 takes W1";
    EXPECT_EQ(verdict("0601", kCadastre, "M1/W1", kGb), LandUseVerdict::TooCoarse);
    EXPECT_EQ(verdict("0601/1001", kCadastre, "M", kGb), LandUseVerdict::Mismatch);
}

TEST(LandUseCollisionTest, TheThirdSurveysMergedClassesAreCoarserThanAControlPlanZone)
{
    EXPECT_EQ(verdict("05H1", kSurvey, "B1", kGb), LandUseVerdict::TooCoarse);
    EXPECT_EQ(verdict("05H1", kSurvey, "B", kGb), LandUseVerdict::Fits);
    EXPECT_EQ(verdict("0508", kSurvey, "W1", kGb), LandUseVerdict::TooCoarse);
    EXPECT_EQ(verdict("08H2A", kSurvey, "A31", kGb), LandUseVerdict::Fits);
    EXPECT_EQ(verdict("1104A", kSurvey, "E13", kGb), LandUseVerdict::Fits) << "养殖坑塘 ⊂ 坑塘";
}

// -- detection -------------------------------------------------------------------------------

TEST(LandUseDetectionTest, AThirdSurveyDltbListIsTheSurveysWorkingClassification)
{
    // DLBM values of a county's 三调 地类图斑 (DLTB) layer.
    const std::vector<std::string> dltb = {"0101", "0102", "0103", "0201", "0201K", "0301",
                                           "0305", "0307", "0404", "0601", "0602", "0701",
                                           "0702", "05H1", "08H1", "08H2", "0809", "0810",
                                           "0810A", "1003", "1004", "1006", "1101", "1104",
                                           "1104A", "1107", "1202", "1203", "1206"};
    const LandUseDetection d = table().detect(dltb, "DLBM", Role::Parcels);
    EXPECT_EQ(d.systems, LandUseSystems{kTddc3});
    EXPECT_TRUE(d.warning.empty()) << d.warning;
    EXPECT_EQ(d.codesInNoSystem, 0u);
    EXPECT_NE(d.reason.find("TDDC-3"), std::string::npos) << d.reason;
}

TEST(LandUseDetectionTest, ACadastreListIsGbt21010)
{
    // 不动产 宗地 land-use codes: 1004 and 0604 exist in GB/T 21010 only.
    const LandUseDetection d =
        table().detect({"0601", "0604", "0701", "1001", "1004", "0505"}, "land_use", Role::Parcels);
    EXPECT_EQ(d.systems, LandUseSystems{kGbt21010});
    // Codes both systems have, but a DLBM field: the cadastre's.
    const LandUseDetection byField =
        table().detect({"0101", "0601", "1001"}, "DLBM", Role::Parcels);
    EXPECT_EQ(byField.systems, LandUseSystems{kGbt21010});
    EXPECT_NE(byField.reason.find("DLBM"), std::string::npos) << byField.reason;
}

TEST(LandUseDetectionTest, AControlPlanYddmListIsGb50137WithItsSuffixesAndMixedCodes)
{
    const LandUseDetection d = table().detect(
        {"M1", "M2", "M1a", "R2-1", "B1/B2", "G1", "S1", "U12", "W1", "M1+W1"}, "YDDM",
        Role::PlanZones);
    EXPECT_EQ(d.systems, LandUseSystems{kGb50137});
    EXPECT_EQ(d.codesInNoSystem, 0u);
    EXPECT_TRUE(d.warning.empty());
}

TEST(LandUseDetectionTest, A2023ListIsGtkjAndAControlPlanMayMixItWithGb50137)
{
    const LandUseDetection d = table().detect({"100101", "100102", "0701", "1207", "1402", "1303"},
                                              "YDYHFLDM", Role::PlanZones);
    EXPECT_EQ(d.systems, LandUseSystems{kGtkj2023});
    EXPECT_NE(d.reason.find("six-digit"), std::string::npos) << d.reason;
    const LandUseDetection mixed =
        table().detect({"M1", "100101", "0901", "B1"}, "land_use", Role::Parcels);
    EXPECT_EQ(mixed.systems, (LandUseSystems{kGb50137, kGtkj2023}));
    EXPECT_TRUE(mixed.warning.empty()) << "letters and numbers cannot be confused";
}

TEST(LandUseDetectionTest, ASetThatFitsTwoSystemsIsAWarningNamingTheDifferingCodes)
{
    const LandUseDetection d =
        table().detect({"0101", "0601", "0701", "1001"}, "land_use", Role::Parcels);
    EXPECT_EQ(d.systems, (LandUseSystems{kGbt21010, kGtkj2023}));
    EXPECT_NE(d.warning.find("0601"), std::string::npos) << d.warning;
    EXPECT_NE(d.warning.find("1001"), std::string::npos) << d.warning;
    EXPECT_EQ(d.warning.find("0701"), std::string::npos) << "0701 means the same in both";
    // A plan_zones layer is a plan, never the present-use classification.
    EXPECT_EQ(table().detect({"0101", "0601", "0701", "1001"}, "YDDM", Role::PlanZones).systems,
              LandUseSystems{kGtkj2023});
}
