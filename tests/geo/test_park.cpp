#include "geo/error.h"
#include "geo/io/park_source.h"
#include "geo/issue.h"
#include "geo/model/display_names.h"
#include "geo/rules/compliance.h"
#include "tests/support/scratch_dir.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

using namespace parkatlas::geo;
namespace fs = std::filesystem;
using parkatlas::test::scratch;

namespace {
const std::string kRealdata = PARKATLAS_REALDATA;
const std::string kSample = PARKATLAS_SAMPLE_DIR;

} // namespace

TEST(RoleTest, ConventionalAndChineseLayerNamesAreRecognised)
{
    EXPECT_EQ(roleFromLayerName("parcels"), Role::Parcels);
    EXPECT_EQ(roleFromLayerName("PARCELS"), Role::Parcels);
    EXPECT_EQ(roleFromLayerName("宗地"), Role::Parcels);
    EXPECT_EQ(roleFromLayerName("控规"), Role::PlanZones);
    EXPECT_EQ(roleFromLayerName("征地"), Role::Acquisition);
    EXPECT_EQ(roleFromLayerName("idle_land"), Role::IdleLand);
    EXPECT_EQ(roleFromLayerName("townshp"), std::nullopt);
    for (Role role : allRoles())
        EXPECT_EQ(roleFromLayerName(toString(role)), role);
}

TEST(RoleTest, EveryConventionalFieldNameFitsADbf)
{
    for (Role role : allRoles())
        for (const ContractField& field : contractFields(role))
            EXPECT_LE(std::string(field.name).size(), 10u) << field.name;
}

TEST(RoleTest, SurveyAliasesResolveCaseInsensitively)
{
    AttributeTable table;
    table.setFields({{"zddm", FieldType::String},
                     {"QLR", FieldType::String},
                     {"用地代码", FieldType::String},
                     {"TAX", FieldType::Real}});
    const std::vector<int> indices = resolveContractFields(Role::Parcels, table);
    ParkLayer layer;
    layer.role = Role::Parcels;
    layer.fieldIndex = indices;
    EXPECT_EQ(layer.field("parcel_id"), 0);
    EXPECT_EQ(layer.field("owner"), 1);
    EXPECT_EQ(layer.field("land_use"), 2);
    EXPECT_EQ(layer.field("tax"), 3);
    EXPECT_EQ(layer.field("invested"), -1);
}

TEST(RoleTest, CommonSpellingsOfLandUseResolveUnderEveryRoleThatHasIt)
{
    // The spellings parks hand over, one field per table, each next to a field of another kind
    // that must not be taken for land use.
    for (const char* spelling : {"landuse", "land_use", "LANDUSE", "LandUse", "land_use_code",
                                 "YDXZ", "用地性质", "地类编码", "DLBM", "YDDM", "用地代码"}) {
        for (Role role : {Role::Parcels, Role::PlanZones, Role::Expansion}) {
            AttributeTable table;
            table.setFields({{"REMARK_X", FieldType::String}, {spelling, FieldType::String}});
            ParkLayer layer;
            layer.role = role;
            layer.fieldIndex = resolveContractFields(role, table);
            EXPECT_EQ(layer.field("land_use"), 1) << spelling << " as " << toString(role);
        }
    }
}

TEST(RoleTest, EveryContractFieldHasASpellingBesideItsOwnName)
{
    for (Role role : allRoles())
        for (const ContractField& field : contractFields(role))
            EXPECT_FALSE(field.aliases.empty()) << toString(role) << "." << field.name;
}

TEST(RoleTest, CommonEnglishSpellingsResolveToTheirFields)
{
    AttributeTable table;
    table.setFields({{"ParcelID", FieldType::String},
                     {"Owner_Name", FieldType::String},
                     {"SUPPLY_DATE", FieldType::String},
                     {"agreed_start", FieldType::String},
                     {"Investment", FieldType::Real},
                     {"FloorArea", FieldType::Real},
                     {"annual_tax", FieldType::Real}});
    ParkLayer layer;
    layer.role = Role::Parcels;
    layer.fieldIndex = resolveContractFields(Role::Parcels, table);
    EXPECT_EQ(layer.field("parcel_id"), 0);
    EXPECT_EQ(layer.field("owner"), 1);
    EXPECT_EQ(layer.field("supply_dt"), 2);
    EXPECT_EQ(layer.field("agr_start"), 3);
    EXPECT_EQ(layer.field("invest_tot"), 4);
    EXPECT_EQ(layer.field("floor_area"), 5);
    EXPECT_EQ(layer.field("tax"), 6);
    EXPECT_EQ(layer.field("land_use"), -1);
}

TEST(RoleTest, ASpellingIsNeverTakenFromAnotherFieldOfTheRole)
{
    // "far" is far_max's alias in plan zones; a table with far_max and far keeps them apart.
    AttributeTable table;
    table.setFields({{"FAR", FieldType::Real}, {"far_min", FieldType::Real}});
    ParkLayer layer;
    layer.role = Role::PlanZones;
    layer.fieldIndex = resolveContractFields(Role::PlanZones, table);
    EXPECT_EQ(layer.field("far_max"), 0);
    EXPECT_EQ(layer.field("far_min"), 1);
}

TEST(DisplayNamesTest, RulesFieldsAndRolesHaveChineseAndEnglishNames)
{
    EXPECT_EQ(displayName(NameGroup::Rule, "land_use_mismatch", Language::Chinese), "用地性质不符");
    EXPECT_EQ(displayName(NameGroup::Rule, "cannot_decide", Language::Chinese), "无法判定");
    EXPECT_EQ(displayName(NameGroup::Field, "parcel_id", Language::Chinese), "宗地代码");
    EXPECT_EQ(displayName(NameGroup::Field, "kind", Language::Chinese, "idle_land"), "闲置类型");
    EXPECT_EQ(displayName(NameGroup::Field, "kind", Language::Chinese, "parcels"), "类型");
    EXPECT_EQ(displayName(NameGroup::Role, "parcels", Language::Chinese), "宗地");
    EXPECT_EQ(displayName(NameGroup::Rule, "land_use_mismatch", Language::English),
              "Land use does not fit the plan");
    // What the table does not know is shown as it is, never hidden.
    EXPECT_EQ(displayName(NameGroup::Rule, "no_such_rule", Language::Chinese), "no_such_rule");
}

TEST(DisplayNamesTest, EveryRuleAndContractFieldIsNamedInChinese)
{
    auto hasChinese = [](const std::string& text) {
        return std::any_of(text.begin(), text.end(), [](char c) { return (c & 0x80) != 0; });
    };
    for (Role role : allRoles())
        for (const ContractField& field : contractFields(role))
            EXPECT_TRUE(hasChinese(
                displayName(NameGroup::Field, field.name, Language::Chinese, toString(role))))
                << toString(role) << "." << field.name;
    std::vector<std::string> rules = {"land_use_too_coarse", "idle_not_started", "idle_stalled",
                                      "idle_low_coverage",   "low_efficiency",   kCannotDecide};
    for (ComplianceRule rule : allComplianceRules())
        rules.push_back(toString(rule));
    for (const std::string& rule : rules)
        EXPECT_TRUE(hasChinese(displayName(NameGroup::Rule, rule, Language::Chinese))) << rule;
}

TEST(ParkTest, ProjectFileMapsRolesFieldsAndOverridesOnRealData)
{
    const fs::path dir = scratch("park-project");
    const fs::path project = dir / "town.parkatlas.json";
    std::ofstream(project) << R"({
      "name": "志远县示例",
      "layers": {
        "boundary": { "source": ")"
                           << kRealdata << R"(/china/arcgis-engine-practice/townshp.shp",
                      "fields": { "name": "CON_NAME" } },
        "roads":    { "source": ")"
                           << kRealdata << R"(/china/arcgis-engine-practice/wayshp.shp",
                      "encoding": "GBK", "fields": { "name": "RD_NAME" } }
      }
    })";
    const ParkDefinition definition = discoverPark(project.string());
    EXPECT_EQ(definition.name, "志远县示例");
    ASSERT_EQ(definition.layers.size(), 2u);
    IssueList issues;
    const Park park = loadPark(definition, {}, issues);
    ASSERT_EQ(park.layers.size(), 2u);
    const ParkLayer* boundary = park.layer(Role::Boundary);
    ASSERT_NE(boundary, nullptr);
    EXPECT_EQ(boundary->layer->attributes.text(0, boundary->field("name")), "志远县");
    const ParkLayer* roads = park.layer(Role::Roads);
    ASSERT_NE(roads, nullptr);
    EXPECT_EQ(roads->layer->encoding.origin, EncodingChoice::Origin::User);
    EXPECT_EQ(roads->layer->featureCount(), 211u);
    EXPECT_GE(roads->field("name"), 0);
}

TEST(ParkTest, BrokenProjectFileNamesItself)
{
    const fs::path dir = scratch("park-broken");
    const fs::path project = dir / "bad.parkatlas.json";
    std::ofstream(project) << "{ \"layers\": { \"parcels\": ";
    try {
        discoverPark(project.string());
        FAIL() << "no exception";
    } catch (const IoError& error) {
        EXPECT_NE(std::string(error.what()).find("bad.parkatlas.json"), std::string::npos);
    }
}

TEST(ParkTest, LayerWithoutCrsIsLeftOutAndReportedNotFatal)
{
    const fs::path dir = scratch("park-nocrs");
    const fs::path project = dir / "mixed.parkatlas.json";
    std::ofstream(project) << R"({ "layers": {
        "boundary": ")" << kRealdata
                           << R"(/china/arcgis-engine-practice/townshp.shp",
        "roads": ")" << kRealdata
                           << R"(/china/arcgis-engine-practice/rai_4m.shp" } })";
    IssueList issues;
    const Park park = loadPark(discoverPark(project.string()), {}, issues);
    EXPECT_EQ(park.layers.size(), 1u);
    bool reported = false;
    for (const Issue& issue : issues.issues())
        reported = reported || (issue.severity == Issue::Severity::Error &&
                                issue.path.find("rai_4m.shp") != std::string::npos);
    EXPECT_TRUE(reported);
}

TEST(ParkTest, AParkWithoutAProjectFileIsCalledByItsBoundary)
{
    // The sample's GeoPackage and its GBK shapefile folder carry the name only in the
    // boundary layer (two 核准范围 parts and a 规划范围); the project file names it itself.
    for (const std::string& source : {kSample + "/park.gpkg", kSample + "/shp"}) {
        IssueList issues;
        const ParkDefinition definition = discoverPark(source);
        EXPECT_FALSE(definition.nameGiven);
        const Park park = loadPark(definition, {{Role::Boundary}, {}}, issues);
        EXPECT_EQ(park.name, "青鸾湖临港经济开发区") << source;
    }
    IssueList issues;
    const ParkDefinition project = discoverPark(kSample + "/shp.parkatlas.json");
    EXPECT_TRUE(project.nameGiven);
    EXPECT_EQ(loadPark(project, {{Role::Boundary}, {}}, issues).name, project.name);
}
