#include "geo/crs/ballpark.h"
#include "geo/gdal_session.h"
#include "geo/issue.h"
#include "geo/session/park_session.h"
#include "tests/support/scratch_dir.h"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <latch>
#include <set>
#include <thread>

using namespace parkatlas::geo;
namespace fs = std::filesystem;
using parkatlas::test::scratch;

namespace {

const std::string kSample = PARKATLAS_SAMPLE_DIR;

/// rule, layer and fids of each finding: what two runs must agree on.
std::multiset<std::string> keysOf(const std::vector<Finding>& findings)
{
    std::multiset<std::string> keys;
    for (const Finding& finding : findings) {
        std::string key = finding.rule + "|" + finding.layer + "|";
        for (std::int64_t fid : finding.fids)
            key += std::to_string(fid) + ",";
        keys.insert(key);
    }
    return keys;
}

/// A project file in `dir` naming every layer of park.gpkg (copied there), with `parcelFields`
/// as the parcels' field mapping (JSON object text, "" for none).
std::string writeProject(const fs::path& dir, const std::string& parcelFields)
{
    std::ofstream out(dir / "park.parkatlas.json");
    out << "{ \"name\": \"青鸾湖临港经济开发区\", \"layers\": {\n";
    const char* roles[] = {"boundary",  "parcels",   "plan_zones", "acquisition",
                           "idle_land", "roads",     "pipelines",  "facilities",
                           "buildings", "protected", "expansion"};
    bool first = true;
    for (const char* role : roles) {
        out << (first ? "" : ",\n") << "  \"" << role << "\": { \"source\": \"park.gpkg\", "
            << "\"layer\": \"" << role << "\"";
        if (std::string(role) == "parcels" && !parcelFields.empty())
            out << ", \"fields\": " << parcelFields;
        out << " }";
        first = false;
    }
    out << "\n} }\n";
    return (dir / "park.parkatlas.json").string();
}

/// Renames fields of the parcels of the GeoPackage at `path` (old → new).
void renameParcelFields(const std::string& path,
                        const std::vector<std::pair<std::string, std::string>>& names)
{
    ensureGdal();
    GDALDatasetUniquePtr dataset(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE,
                                                   nullptr, nullptr, nullptr));
    ASSERT_TRUE(dataset);
    OGRLayer* layer = dataset->GetLayerByName("parcels");
    ASSERT_NE(layer, nullptr);
    for (const auto& [from, to] : names) {
        const int index = layer->GetLayerDefn()->GetFieldIndex(from.c_str());
        ASSERT_GE(index, 0) << from;
        OGRFieldDefn renamed(layer->GetLayerDefn()->GetFieldDefn(index));
        renamed.SetName(to.c_str());
        ASSERT_EQ(layer->AlterFieldDefn(index, &renamed, ALTER_NAME_FLAG), OGRERR_NONE) << from;
    }
}

struct Everything {
    std::multiset<std::string> check;
    std::multiset<std::string> audit;
    std::size_t supplyRows = 0;
    std::string supplyFirstId;
    double industrialShare = 0;
};

Everything runEverything(ParkSession& session)
{
    IssueList issues;
    Everything out;
    out.check = keysOf(session.check({}, issues).value.findings);
    AuditOptions audit;
    audit.asOf = *Date::parse("2026-06-30");
    out.audit = keysOf(session.audit(audit, issues).value.findings);
    const Ledger supply = session.ledger(LedgerKind::Supply, {}, issues).value;
    if (!supply.tables.empty()) {
        const auto rows = supply.tables.front().shown();
        out.supplyRows = rows.size();
        if (!rows.empty() && !rows.front().empty())
            out.supplyFirstId = rows.front().front();
    }
    for (const Indicator& indicator : session.indicators({}, issues).value.indicators)
        if (indicator.key == "industrial_land_rate")
            out.industrialShare = indicator.value;
    return out;
}

/// The layer of `source` read into `crs` and held as the viewer's map holds it.
std::shared_ptr<const Layer> readAsTheMapDoes(const ParkLayerSource& source, const Crs& crs,
                                              IssueList& issues)
{
    ReadOptions read;
    read.open = source.open;
    read.targetCrs = crs;
    return std::make_shared<const Layer>(readLayer(source.ref, read, issues));
}

} // namespace

TEST(ParkSessionTest, EveryAnalysisOfAReportReadsEachLayerOnce)
{
    const auto session = ParkSession::open(kSample + "/shp.parkatlas.json");
    IssueList issues;
    // What `report` runs: the check, the audit, the four ledgers, then the pages (the whole park).
    const auto checked = session->check({}, issues);
    AuditOptions audit;
    audit.asOf = *Date::parse("2026-06-30");
    const auto audited = session->audit(audit, issues);
    for (LedgerKind kind :
         {LedgerKind::Acquisition, LedgerKind::Idle, LedgerKind::Works, LedgerKind::Supply})
        session->ledger(kind, {}, issues);
    session->indicators({}, issues);
    const auto whole = session->park({}, issues);

    ASSERT_EQ(whole->layers.size(), 11u);
    for (const ParkLayerSource& source : session->definition().layers)
        EXPECT_EQ(session->readCount(source.role), 1u) << toString(source.role);

    // The same findings as reading the park the old way, once per analysis.
    const ParkDefinition definition = discoverPark(kSample + "/shp.parkatlas.json");
    IssueList direct;
    const Park park = loadPark(definition, {}, direct);
    ComplianceOptions options;
    options.settings = ComplianceSettings::load(definition.projectPath, direct);
    EXPECT_EQ(keysOf(checked.value.findings),
              keysOf(checkCompliance(park, options, direct).findings));
    audit.rules = loadAuditRules(definition.projectPath, direct);
    EXPECT_EQ(keysOf(audited.value.findings), keysOf(runAudit(park, audit, direct).findings));
    EXPECT_EQ(whole->name, park.name);
    EXPECT_FALSE(checked.value.findings.empty());
}

TEST(ParkSessionTest, AJobReturnsTheReadingIssuesOfItsLayersEvenWhenReadBefore)
{
    // The sample's protected areas are in Xi'an 1980: reprojected into CGCS2000 by a ballpark
    // operation, said as an issue of that kind, whichever job read the layer.
    const auto session = ParkSession::open(kSample + "/shp.parkatlas.json");
    IssueList first;
    session->park({Role::Protected}, first);
    auto ballpark = [](const std::vector<Issue>& issues) {
        std::size_t n = 0;
        for (const Issue& issue : issues)
            if (issue.kind == Issue::Kind::BallparkTransform) {
                EXPECT_TRUE(isBallparkWarning(issue));
                EXPECT_EQ(issue.layer, "protected");
                ++n;
            }
        return n;
    };
    EXPECT_EQ(ballpark(first.issues()), 1u);
    IssueList second;
    ComplianceOptions options;
    options.rules = {ComplianceRule::ProtectedOverlap};
    const auto checked = session->check(options, second);
    EXPECT_EQ(ballpark(second.issues()), 0u); // not read again, so not said again
    EXPECT_EQ(ballpark(checked.issues), 1u);  // but the job's result carries it
    EXPECT_EQ(session->readCount(Role::Protected), 1u);
}

TEST(ParkSessionTest, MappingInTheProjectFileReachesCheckAuditLedgerAndIndicators)
{
    const fs::path plain = scratch("session-plain");
    const fs::path renamed = scratch("session-renamed");
    fs::copy_file(kSample + "/park.gpkg", plain / "park.gpkg");
    fs::copy_file(kSample + "/park.gpkg", renamed / "park.gpkg");
    // Field names neither conventional nor known aliases: only the mapping finds them.
    renameParcelFields((renamed / "park.gpkg").string(),
                       {{"parcel_id", "plot_no"}, {"land_use", "dl_code"}, {"agr_start", "kg_rq"}});

    ParkSession baseline(discoverPark(writeProject(plain, "")));
    const Everything expected = runEverything(baseline);
    ASSERT_FALSE(expected.check.empty());
    ASSERT_FALSE(expected.audit.empty());

    // Without the mapping the analyses cannot see the fields, and differ.
    ParkSession unmapped(discoverPark(writeProject(renamed, "")));
    const Everything blind = runEverything(unmapped);
    EXPECT_NE(blind.check, expected.check);
    EXPECT_NE(blind.audit, expected.audit);
    EXPECT_NE(blind.supplyFirstId, expected.supplyFirstId);

    // The mapping saved in the project file, given to the same session (as the viewer does
    // after Field Mapping): every analysis sees it, and no layer is read again.
    const std::string project = writeProject(
        renamed, R"({ "parcel_id": "plot_no", "land_use": "dl_code", "agr_start": "kg_rq" })");
    unmapped.redefine(discoverPark(project));
    const Everything mapped = runEverything(unmapped);
    EXPECT_EQ(mapped.check, expected.check);
    EXPECT_EQ(mapped.audit, expected.audit);
    EXPECT_EQ(mapped.supplyRows, expected.supplyRows);
    EXPECT_EQ(mapped.supplyFirstId, expected.supplyFirstId);
    EXPECT_DOUBLE_EQ(mapped.industrialShare, expected.industrialShare);
    for (const ParkLayerSource& source : unmapped.definition().layers)
        EXPECT_EQ(unmapped.readCount(source.role), 1u) << toString(source.role);

    // And a fresh session on that project file sees it from the start.
    ParkSession fresh(discoverPark(project));
    const Everything again = runEverything(fresh);
    EXPECT_EQ(again.check, expected.check);
    EXPECT_EQ(again.audit, expected.audit);
}

TEST(ParkSessionTest, AdoptedLayerIsNotReadAgainAndAForeignOneIsRefused)
{
    const ParkDefinition definition = discoverPark(kSample + "/shp.parkatlas.json");
    const ParkLayerSource* parcels = definition.find(Role::Parcels);
    ASSERT_NE(parcels, nullptr);
    IssueList issues;
    const auto layer = readAsTheMapDoes(*parcels, Crs::fromUserInput("EPSG:4547"), issues);

    ParkSession session(definition);
    // Another encoding is another reading: refused.
    OpenOptions other = parcels->open;
    other.encoding = "UTF-8";
    EXPECT_FALSE(session.adopt(parcels->ref, other, layer, {}));
    EXPECT_FALSE(session.adopt(parcels->ref, parcels->open, nullptr, {}));
    EXPECT_TRUE(session.adopt(parcels->ref, parcels->open, layer, issues.issues()));
    EXPECT_FALSE(session.adopt(parcels->ref, parcels->open, layer, {})); // read already
    const auto park = session.park({Role::Parcels}, issues);
    ASSERT_NE(park->layer(Role::Parcels), nullptr);
    EXPECT_EQ(park->layer(Role::Parcels)->layer->featureCount(), layer->featureCount());
    EXPECT_GE(park->layer(Role::Parcels)->field("parcel_id"), 0); // ZDDM, by the mapping
    EXPECT_EQ(session.readCount(Role::Parcels), 1u);
}

TEST(ParkSessionTest, TheMapsLayerIsTheOneEveryAnalysisReadsNeverACopy)
{
    const ParkDefinition definition = discoverPark(kSample + "/shp.parkatlas.json");
    const ParkLayerSource* parcels = definition.find(Role::Parcels);
    ASSERT_NE(parcels, nullptr);
    IssueList issues;
    const auto mapLayer = readAsTheMapDoes(*parcels, parkWorkingCrs(definition), issues);

    ParkSession session(definition);
    ASSERT_TRUE(session.adopt(parcels->ref, parcels->open, mapLayer, {}));
    // A job holds the snapshot while the session reads more roles for the next ones: the
    // parcels stay the map's Layer object in every snapshot (before, a held snapshot was copied
    // whole, features and all, whenever another layer was read).
    const std::shared_ptr<const Park> held = session.park({Role::Parcels}, issues);
    EXPECT_EQ(held->layer(Role::Parcels)->layer.get(), mapLayer.get());
    const Everything everything = runEverything(session); // check, audit, ledger, indicators
    EXPECT_FALSE(everything.check.empty());
    EXPECT_FALSE(everything.audit.empty());
    EXPECT_GT(everything.supplyRows, 0u);
    const std::shared_ptr<const Park> after = session.park({}, issues);
    EXPECT_GT(after->layers.size(), held->layers.size());
    EXPECT_EQ(after->layer(Role::Parcels)->layer.get(), mapLayer.get());
    EXPECT_EQ(held->layer(Role::Parcels)->layer.get(), mapLayer.get());
    // Every other layer too is one object across the snapshots, and each was read once.
    for (const ParkLayer& layer : held->layers)
        EXPECT_EQ(after->layer(layer.role)->layer.get(), layer.layer.get()) << toString(layer.role);
    for (const ParkLayerSource& source : definition.layers)
        EXPECT_EQ(session.readCount(source.role), 1u) << toString(source.role);
}

TEST(ParkSessionTest, APartOfTheParkWithoutHistoryIsSaidOnceNotOncePerLayer)
{
    // A folder of shapefiles asked for a date keeps no history: the warning is the park's, so
    // reading two layers (as `parkatlas sheet` reads the plots and the roads) says it once.
    const auto session = ParkSession::open(kSample + "/shp@2026-06-30");
    IssueList issues;
    session->park({Role::Parcels, Role::Roads}, issues);
    session->park({Role::PlanZones}, issues);
    std::size_t said = 0;
    for (const Issue& issue : issues.issues())
        if (issue.message.find("keeps no history") != std::string::npos)
            ++said;
    EXPECT_EQ(said, 1u);
    // It stays among what the session read, for a caller that shows the issues again.
    std::size_t kept = 0;
    for (const Issue& issue : session->readIssues({}))
        if (issue.message.find("keeps no history") != std::string::npos)
            ++kept;
    EXPECT_EQ(kept, 1u);
}

namespace {

/// The rows of the supply ledger as shown, and its findings, for two runs to compare.
std::vector<std::vector<std::string>> supplyRows(const Ledger& ledger)
{
    return ledger.tables.empty() ? std::vector<std::vector<std::string>>{}
                                 : ledger.tables.front().shown();
}

} // namespace

TEST(ParkSessionConcurrentTest, CheckAuditAndLedgerAtOnceOnOneSessionMatchOneAtATime)
{
    // The viewer's panels run their jobs on workers: on one session, the plan check, the audit
    // and the supply ledger started together (each reading the layers it needs, sharing those
    // another job read) give what they give one after the other. scripts/test --tsan runs this.
    AuditOptions audit;
    audit.asOf = *Date::parse("2026-06-30");
    const std::string project = kSample + "/shp.parkatlas.json";

    const auto alone = ParkSession::open(project);
    IssueList aloneIssues;
    const auto check = alone->check({}, aloneIssues);
    const auto audited = alone->audit(audit, aloneIssues);
    const auto supply = alone->ledger(LedgerKind::Supply, {}, aloneIssues);

    const auto shared = ParkSession::open(project);
    JobResult<ComplianceResult> checkAtOnce;
    JobResult<AuditResult> auditAtOnce;
    JobResult<Ledger> supplyAtOnce;
    IssueList checkIssues, auditIssues, supplyIssues;
    std::latch start(3);
    {
        std::vector<std::jthread> jobs;
        jobs.emplace_back([&] {
            start.arrive_and_wait();
            checkAtOnce = shared->check({}, checkIssues);
        });
        jobs.emplace_back([&] {
            start.arrive_and_wait();
            auditAtOnce = shared->audit(audit, auditIssues);
        });
        jobs.emplace_back([&] {
            start.arrive_and_wait();
            supplyAtOnce = shared->ledger(LedgerKind::Supply, {}, supplyIssues);
        });
    }

    ASSERT_FALSE(check.value.findings.empty());
    ASSERT_FALSE(audited.value.findings.empty());
    ASSERT_FALSE(supplyRows(supply.value).empty());
    EXPECT_EQ(keysOf(checkAtOnce.value.findings), keysOf(check.value.findings));
    EXPECT_EQ(keysOf(auditAtOnce.value.findings), keysOf(audited.value.findings));
    EXPECT_EQ(supplyRows(supplyAtOnce.value), supplyRows(supply.value));
    // Each area the audit measured, to the last bit.
    ASSERT_EQ(auditAtOnce.value.parcels.size(), audited.value.parcels.size());
    for (std::size_t i = 0; i < audited.value.parcels.size(); ++i) {
        const double once = auditAtOnce.value.parcels[i].areaM2;
        const double apart = audited.value.parcels[i].areaM2;
        EXPECT_TRUE(once == apart || (std::isnan(once) && std::isnan(apart))) << i;
    }
    // Every layer was still read once, whichever job asked first.
    for (const ParkLayerSource& source : shared->definition().layers)
        EXPECT_LE(shared->readCount(source.role), 1u) << toString(source.role);
    // And each job says what reading its layers said (the ballpark transform of the protected
    // areas, for the check that reads them), as it does alone.
    EXPECT_EQ(checkAtOnce.issues.size(), check.issues.size());
    EXPECT_EQ(auditAtOnce.issues.size(), audited.issues.size());
    EXPECT_EQ(supplyAtOnce.issues.size(), supply.issues.size());
}
